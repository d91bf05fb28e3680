#!/usr/bin/env bash
# Builds a ggml GPU backend as a loadable module that matches the llama.cpp bundled with LLamaSharp 0.30.0
# (ggml 0.18.0, llama.cpp b10221), for Gemma4ModelOptions.BackendModules / Gemma4Backends.LoadModule.
#
#   scripts/build-ggml-backend.sh [--source DIR] [--arch LIST] [--out DIR] [--build DIR] [--jobs N]
#
#   --source DIR  ggml sources at the pinned commit (CMakeLists.txt, cmake/, include/, src/, ggml.pc.in);
#                 without it, the public ggml repository is cloned at that commit.
#   --arch LIST   CUDA architectures, e.g. "90" (H100/H200), "89" (Ada), "86;89;90". Default: native.
#   --out DIR     where libggml-cuda.so goes (default: artifacts/backends).
#
# Needs: CUDA toolkit (nvcc), cmake, ninja (or make), a C/C++ compiler. The module must be built from exactly this
# ggml commit: later ones change operator parameters even where the operator tables still match.
set -euo pipefail

GGML_COMMIT=c7e45933f5ed73fa6516f986a9ce6f6c9e3f178b
GGML_REPO=https://github.com/ggml-org/ggml.git
source_dir="" arch="native" out="artifacts/backends" build="" jobs="$(nproc 2>/dev/null || echo 4)"

while [ $# -gt 0 ]; do
  case "$1" in
    --source) source_dir="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

command -v nvcc >/dev/null || { echo "nvcc not found: install the CUDA toolkit (or add /usr/local/cuda/bin to PATH)" >&2; exit 1; }
command -v cmake >/dev/null || { echo "cmake not found" >&2; exit 1; }

if [ -z "$source_dir" ]; then
  source_dir="$(mktemp -d)/ggml"
  echo "cloning ggml at $GGML_COMMIT into $source_dir"
  git clone --quiet --filter=blob:none "$GGML_REPO" "$source_dir"
  git -C "$source_dir" checkout --quiet "$GGML_COMMIT"
fi
[ -f "$source_dir/CMakeLists.txt" ] && [ -d "$source_dir/src/ggml-cuda" ] || { echo "$source_dir does not look like ggml sources" >&2; exit 1; }
build="${build:-$source_dir/build-cuda}"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

# CMAKE_PLATFORM_NO_VERSIONED_SONAME: the module must need libggml-base.so, as the bundled libraries name it, never
# libggml-base.so.0 (two copies of ggml-base in one process break the backend registry).
cmake -S "$source_dir" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DGGML_BACKEND_DL=ON -DCMAKE_PLATFORM_NO_VERSIONED_SONAME=ON -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" \
  -DGGML_CUDA_GRAPHS=ON -DGGML_CUDA_NCCL=OFF -DGGML_CPU=OFF -DGGML_NATIVE=OFF \
  -DGGML_BUILD_TESTS=OFF -DGGML_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target ggml-cuda -j "$jobs"

module="$(find "$build" -name 'libggml-cuda.so' | head -n 1)"
[ -n "$module" ] || { echo "libggml-cuda.so was not built" >&2; exit 1; }

# Checks: the module's entry point, the library names it needs, and that its CUDA libraries resolve.
nm -D --defined-only "$module" | grep -q ' ggml_backend_init$' || { echo "$module does not export ggml_backend_init" >&2; exit 1; }
if readelf -d "$module" | grep -q 'libggml-base.so\.'; then
  echo "$module needs a versioned libggml-base.so.N; rebuild with CMAKE_PLATFORM_NO_VERSIONED_SONAME=ON" >&2; exit 1
fi
missing="$(ldd "$module" | grep 'not found' | grep -v 'libggml' || true)"
if [ -n "$missing" ]; then
  echo "libraries the module needs are not found (add the CUDA lib folder to LD_LIBRARY_PATH):" >&2
  echo "$missing" >&2; exit 1
fi

mkdir -p "$out"
cp "$module" "$out/"
echo "built $out/libggml-cuda.so ($(du -h "$out/libggml-cuda.so" | cut -f1)); load it with Gemma4ModelOptions.BackendModules"
