#!/usr/bin/env bash
# Packs what a GPU lease machine without dotnet or network needs into artifacts/gpu (git-ignored; send it with the
# device call's carry: ["artifacts/gpu"]): the .NET runtime, a framework-dependent publish of the benchmark (one CPU
# variant of the native libraries) and the ggml sources at the commit pinned in scripts/build-ggml-backend.sh.
# Fails when the package and the working tree (which travels too) exceed the 64 MiB a device call carries.
#
#   scripts/gpu/package.sh GGML
#
#   GGML  ggml sources at the pinned commit (CMakeLists.txt, cmake/, include/, src/, ggml.pc.in), or a ggml git
#         repository (bare or not) that holds that commit, e.g. the search tools' fetch of ggml-org/ggml.
#   GEMMA4_GPU_CARRY_LIMIT_MIB  the limit to check against (default 64).
set -euo pipefail
cd "$(dirname "$0")/../.."
ggml="${1:?usage: scripts/gpu/package.sh GGML (ggml sources at the pinned commit, or a git repository holding it)}"
limit_mib="${GEMMA4_GPU_CARRY_LIMIT_MIB:-64}"
commit="$(sed -n 's/^GGML_COMMIT=\([0-9a-f]\{40\}\)$/\1/p' scripts/build-ggml-backend.sh)"
[ -n "$commit" ] || { echo "no GGML_COMMIT in scripts/build-ggml-backend.sh" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "dotnet not found: package on the development machine" >&2; exit 1; }
out=artifacts/gpu
rm -rf "$out" && mkdir -p "$out"

# The ggml sources first: the quickest step to fail.
parts=(CMakeLists.txt cmake include src ggml.pc.in)
if git -C "$ggml" cat-file -e "$commit^{commit}" 2>/dev/null; then
  git -C "$ggml" archive --format=tar "$commit" "${parts[@]}" | gzip -9 > "$out/ggml-src.tgz"
elif [ -f "$ggml/CMakeLists.txt" ] && [ -d "$ggml/src/ggml-cuda" ]; then
  tar czf "$out/ggml-src.tgz" -C "$ggml" "${parts[@]}"
else
  echo "$ggml is neither ggml sources nor a git repository holding commit $commit" >&2; exit 1
fi

dotnet publish benchmarks/Gemma4.AI.Benchmarks -c Release -o "$out/bench" --no-self-contained -v q -nologo
# One CPU variant is enough on the lease machine (the GPU does the work); avx2 runs on every x86-64 server CPU there,
# and LLamaSharp falls back to it when the better variants are absent.
native="$out/bench/runtimes/linux-x64/native"
[ -f "$native/avx2/libllama.so" ] || { echo "the publish has no $native/avx2/libllama.so" >&2; exit 1; }
find "$out/bench/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
find "$native" -mindepth 1 -maxdepth 1 ! -name avx2 -exec rm -rf {} +
find "$out/bench" -name '*.pdb' -delete

root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls -d "$root"/shared/Microsoft.NETCore.App/* | sort -V | tail -n 1)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/shared/Microsoft.NETCore.App" "$staging/host"
cp "$root/dotnet" "$staging/" && cp -r "$root/host/fxr" "$staging/host/" && cp -r "$runtime" "$staging/shared/Microsoft.NETCore.App/"
tar cf - -C "$staging" . | gzip -9 > "$out/dotnet-runtime.tgz"

# What travels: the working tree (tracked and untracked, not ignored) plus the package.
tree_bytes="$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')"
package_bytes="$(du -sb "$out" | cut -f1)"
total=$(( tree_bytes + package_bytes ))
du -sh "$out"/* | sed 's/^/  /'
awk -v p="$package_bytes" -v t="$tree_bytes" -v l="$limit_mib" 'BEGIN {
  printf "package %.1f MiB + working tree %.1f MiB = %.1f MiB of the %d MiB a device call carries\n", p / 1048576, t / 1048576, (p + t) / 1048576, l }'
if [ "$total" -gt $(( limit_mib * 1048576 )) ]; then
  echo "too large: $total bytes exceed $limit_mib MiB; trim the package (or the working tree) before the device call" >&2
  exit 1
fi
