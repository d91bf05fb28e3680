#!/usr/bin/env bash
# Coverage-guided fuzzing of the GGUF and projector preflights (GgufReader + Gemma4GgufPreflight or ProjectorPreflight)
# with SharpFuzz and AFL++.
# A bounded campaign: builds the harness (tests/Gemma4.AI.Fuzz), instruments the parsers, generates the seed corpus
# with the project's own GGUF writer, runs afl-fuzz for --minutes, then replays every crash and hang in-process and
# prints the numbers. See docs/fuzzing.md.
#
#   scripts/fuzz/run.sh [--target gguf-preflight|projector-preflight] [--minutes 10] [--out artifacts/fuzz/TARGET] [--resume]
set -euo pipefail
cd "$(dirname "$0")/../.."

target=gguf-preflight
minutes=10
out=
resume=0
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --resume) resume=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
out=${out:-artifacts/fuzz/$target}

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz is missing: install AFL++ (Debian: sudo apt-get install afl++)" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
rm -rf "$out/plain" "$out/bin"
dotnet publish tests/Gemma4.AI.Fuzz -c Release -o "$out/plain" -p:TreatWarningsAsErrors=true >/dev/null
cp -r "$out/plain" "$out/bin"
# Only the parsers are instrumented: coverage feedback from the rest of the library would be noise. Instrumented code
# runs only under afl-fuzz, so seeds and replays use the plain copy.
dotnet sharpfuzz "$out/bin/Gemma4.AI.dll" Gemma4.AI.Gguf Gemma4.AI.Multimodal.ProjectorPreflight
harness=(dotnet "$out/plain/Gemma4.AI.Fuzz.dll")
fuzzed=(dotnet "$out/bin/Gemma4.AI.Fuzz.dll")

if [ "$resume" = 1 ] && [ -d "$out/findings/default/queue" ]; then
  input=-   # AFL++: continue the previous campaign in $out/findings
else
  rm -rf "$out/seeds" "$out/seeds.dict" "$out/findings"
  "${harness[@]}" seeds "$target" "$out/seeds"
  input=$out/seeds
fi

# The harness is a .NET program run by dotnet, not a binary compiled with afl-cc; the machine is shared.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# -t: a hang is an input that takes over 2 s (the preflight of a real 5 GB model takes milliseconds).
dictionary=()
[ -f "$out/seeds.dict" ] && dictionary=(-x "$out/seeds.dict")
afl-fuzz -i "$input" -o "$out/findings" "${dictionary[@]}" -V "$((minutes * 60))" -t 2000 -m none -- "${fuzzed[@]}" run "$target" \
  > "$out/afl.log" 2>&1 || { tail -n 30 "$out/afl.log" >&2; exit 1; }

stats=$out/findings/default/fuzzer_stats
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
echo "target $target: $(stat execs_done) execs in $(stat run_time) s ($(stat execs_per_sec)/s), $(stat corpus_count) paths," \
  "$(stat saved_crashes) crashes, $(stat saved_hangs) hangs, $(stat bitmap_cvg) map coverage"

found=$(find "$out/findings/default/crashes" "$out/findings/default/hangs" -type f -name 'id:*' 2>/dev/null | sort)
if [ -n "$found" ]; then
  # Replayed in-process: each line says what the input does now (a fixed one is 'refused as documented').
  # shellcheck disable=SC2086
  "${harness[@]}" repro "$target" $found || exit 1
fi
