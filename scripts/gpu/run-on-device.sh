#!/usr/bin/env bash
# Issue 17's GPU run in ONE call on a GPU lease machine (CUDA toolkit, cmake, ninja, cc; no dotnet, no network), from
# the repository root, with artifacts/gpu (made by scripts/gpu/package.sh) carried:
#   1. unpacks the carried .NET runtime and ggml sources into artifacts/gpu-work (git-ignored, not carried, so a
#      second call on the same warm machine finds them);
#   2. builds the CUDA backend module from the pinned ggml commit (skipped when an earlier call on this machine built it);
#   3. per shape (default e2b, then e4b): the chat client against the native C loop with every layer on the GPU —
#      pp512, tg64, 4 and 16 concurrent streams, TTFT of turn 2 after a 16K-token document, the per-token breakdown;
#   4. once: embeddings against the native packed-embedding loop (tiny and EmbeddingGemma-300M shapes, all layers on
#      the GPU; the LLamaEmbedder diagnostic is skipped with GPU layers);
#   5. once: the media figure at the E2B shape (time to first token of a 280-token image against the native libmtmd
#      loop, image and 10 s audio encode times; model and projector on the GPU), when the time left allows.
# Results land in $OUT (or /tmp/gpu-out): results-<step>.txt (the RESULT lines), log-<step>.txt (whole output),
# run.log (steps with their times). Expected on an H100/H200 with 16 cores: ~4 min for the module, ~1.5 min per
# shape, ~1 min for embeddings, ~1.5 min for media: about 9 min in all, so a first call may skip media (named in
# run.log); a second call on the warm machine skips the build (~5 min).
# Every step runs under `timeout` within --budget seconds (default 540, under the 600 s a device command may run);
# a step that no longer fits is skipped and named in run.log, so what finished always comes back.
#
#   scripts/gpu/run-on-device.sh [--arch 90] [--shapes "e2b e4b"] [--steps "shapes embeddings media"] [--pairs 3]
#                                [--budget 540] [--dry-run]
#
#   --dry-run   the CPU fallback, for any Linux machine: no CUDA build, no GPU layers, the tiny model shape and
#               --tiny sizes; checks the package (runtime, publish, native loops) and every step in about a minute.
set -uo pipefail
cd "$(dirname "$0")/../.."
arch=90 shapes="e2b e4b" steps="shapes embeddings media" pairs=3 budget=540 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
out="${OUT:-/tmp/gpu-out}"; mkdir -p "$out"
art=artifacts/gpu work=artifacts/gpu-work
exec > >(tee -a "$out/run.log") 2>&1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
left() { echo $(( budget - $(elapsed) )); }
stamp() { echo "[$(elapsed)s] $*"; }
has() { case " $steps " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
failed=0

[ -f "$art/dotnet-runtime.tgz" ] && [ -f "$art/bench/Gemma4.AI.Benchmarks.dll" ] && [ -f "$art/ggml-src.tgz" ] \
  || { stamp "error: $art is incomplete: run scripts/gpu/package.sh here first and carry artifacts/gpu"; exit 1; }
stamp "machine: $(nproc) cores, $(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB"}'); $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi')"
mkdir -p "$work/dotnet" "$work/models"
if [ ! -x "$work/dotnet/dotnet" ]; then
  tar xzf "$art/dotnet-runtime.tgz" -C "$work/dotnet" || { stamp "error: cannot unpack the .NET runtime"; exit 1; }
fi
dotnet_root="$(cd "$work/dotnet" && pwd)"
export DOTNET_ROOT="$dotnet_root" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export PATH="/usr/local/cuda/bin:$PATH" LD_LIBRARY_PATH="/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
export GEMMA4_TEST_MODEL_CACHE="$(cd "$work/models" && pwd)" TMPDIR="${TMPDIR:-/tmp}"
stamp ".NET runtime: $("$dotnet_root/dotnet" --list-runtimes | head -n 1)"

gpu_args=()
module="$work/backend/libggml-cuda.so"
if [ "$dry" = 1 ]; then
  stamp "dry run: CPU only, tiny shape, no CUDA build"
  shapes="tiny"
else
  if [ -f "$module" ]; then
    stamp "CUDA module from an earlier call: $module ($(du -h "$module" | cut -f1))"
  elif [ "$(left)" -lt 300 ]; then
    stamp "error: $(left) s left, too little to build the CUDA module (~4 min)"; exit 1
  else
    stamp "building the CUDA backend module (sm_$arch)"
    mkdir -p "$work/ggml"
    [ -f "$work/ggml/CMakeLists.txt" ] || tar xzf "$art/ggml-src.tgz" -C "$work/ggml"
    timeout "$(( $(left) - 60 ))" scripts/build-ggml-backend.sh --source "$work/ggml" --arch "$arch" --out "$work/backend" \
      --build "$work/ggml-build" --jobs "$(nproc)" > "$out/log-build.txt" 2>&1
    rc=$?
    tail -n 3 "$out/log-build.txt"
    [ "$rc" = 0 ] && [ -f "$module" ] || { stamp "error: the CUDA module build failed (exit $rc; log-build.txt)"; exit 1; }
    stamp "built $module"
  fi
  gpu_args=(--gpu-layers -1 --backend-module "$module")
fi

# One benchmark run: NAME, the seconds it needs at least, then the program's arguments. RESULT lines are kept even
# when the run is cut short (they are printed as each figure ends).
bench() {
  local name="$1" need="$2"; shift 2
  if [ "$(left)" -lt "$need" ]; then
    stamp "skipped $name: $(left) s left, it needs about $need s"; failed=1; return
  fi
  stamp "benchmark $name"
  timeout "$(( $(left) - 10 ))" "$dotnet_root/dotnet" "$art/bench/Gemma4.AI.Benchmarks.dll" "$@" "${gpu_args[@]}" \
    --threads "$(nproc)" --max-other-cpu 1 > "$out/log-$name.txt" 2>&1
  local rc=$?
  grep -E '^(RESULT|SPREAD|CHECK|NOTE)' "$out/log-$name.txt" > "$out/results-$name.txt"
  grep -E '^(RESULT|CHECK)' "$out/log-$name.txt" | sed 's/^/    /'
  [ "$rc" = 0 ] || { stamp "$name ended with exit $rc (124 = out of time; see log-$name.txt)"; failed=1; }
}

if [ "$dry" = 1 ]; then
  bench tiny 60 --tiny --pairs 1 --tg-tokens 8 --doc-tokens 256 --streams 4,16 \
    --only pp,tg,concurrent,ttft,overhead,embeddings,embeddings300m,media
else
  if has shapes; then
    for shape in $shapes; do
      bench "$shape" 90 --quick --shape "$shape" --pairs "$pairs" --streams 4,16 --doc-tokens 16384 \
        --only pp,tg,concurrent,ttft,overhead
    done
  fi
  if has embeddings; then
    bench embeddings 45 --quick --shape tiny --pairs "$pairs" --only embeddings,embeddings300m
  fi
  if has media; then
    bench media 90 --quick --shape e2b --pairs "$pairs" --only media
  fi
fi
stamp "done (exit $failed)"
exit "$failed"
