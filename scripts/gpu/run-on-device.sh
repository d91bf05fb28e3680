#!/usr/bin/env bash
# Runs on the GPU lease machine (CUDA toolkit, cmake, ninja; no dotnet, no network), from the repository root, with
# artifacts/gpu made by scripts/gpu/package.sh: builds the CUDA module, then benchmarks the chat client against the
# native C loop with every layer on the GPU, at the E2B and E4B shapes. Results go to $OUT (or /tmp/gpu-out).
#
#   scripts/gpu/run-on-device.sh [--arch 90] [--shapes "e2b e4b"] [--pairs N]
set -uo pipefail
cd "$(dirname "$0")/../.."
arch=90 shapes="e2b e4b" pairs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
out="${OUT:-/tmp/gpu-out}"; mkdir -p "$out"
art=artifacts/gpu
exec > >(tee -a "$out/run.log") 2>&1
start=$(date +%s)
stamp() { echo "[$(( $(date +%s) - start ))s] $*"; }

stamp "machine: $(nproc) cores; $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null)"
mkdir -p /tmp/dotnet /tmp/ggml /tmp/models
tar xzf "$art/dotnet-runtime.tgz" -C /tmp/dotnet
tar xzf "$art/ggml-src.tgz" -C /tmp/ggml
export DOTNET_ROOT=/tmp/dotnet PATH="/tmp/dotnet:/usr/local/cuda/bin:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export LD_LIBRARY_PATH="/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}" GEMMA4_TEST_MODEL_CACHE=/tmp/models

stamp "building the CUDA backend module (sm_$arch)"
scripts/build-ggml-backend.sh --source /tmp/ggml --arch "$arch" --out /tmp/backend --build /tmp/ggml-build --jobs "$(nproc)" | tail -n 3 || exit 1
module=/tmp/backend/libggml-cuda.so

for shape in $shapes; do
  stamp "benchmark $shape"
  dotnet "$art/bench/Gemma4.AI.Benchmarks.dll" --quick --shape "$shape" --gpu-layers -1 --backend-module "$module" \
    --threads "$(nproc)" --pairs "$pairs" --only pp,tg,concurrent --max-other-cpu 1 --results "$out/results-$shape.txt"
done
stamp "done"
