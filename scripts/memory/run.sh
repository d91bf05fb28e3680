#!/usr/bin/env bash
# Load → request → dispose cycles of the tiny generated model, with glibc's native-heap count, RSS, model-file
# mappings, file descriptors and threads; with --heaptrack, two runs of different lengths under heaptrack and the bytes
# each native library still holds at exit, so per-cycle leaks show as a difference. See docs/memory.md.
#
#   scripts/memory/run.sh [--cycles 200] [--context 2048] [--heaptrack]
set -euo pipefail
cd "$(dirname "$0")/../.."

cycles=200
context=2048
heaptrack=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles=$2; shift 2 ;;
    --context) context=$2; shift 2 ;;
    --heaptrack) heaptrack=1; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

dotnet build tests/Gemma4.AI.MemoryCycles -c Release -warnaserror -v q -nologo >/dev/null
tool=tests/Gemma4.AI.MemoryCycles/bin/Release/net10.0/Gemma4.AI.MemoryCycles

if [ "$heaptrack" = 0 ]; then
  "$tool" "$cycles" "$context" 2>/dev/null
  exit 0
fi

command -v heaptrack >/dev/null || { echo "heaptrack is not installed (apt-get install heaptrack)" >&2; exit 1; }
out=$(mktemp -d)
short=$((cycles / 4))
for n in "$short" "$cycles"; do
  heaptrack -o "$out/run$n" "$tool" "$n" "$context" >/dev/null 2>&1
  heaptrack_print -f "$out/run$n.zst" --print-leaks 1 --print-peaks 0 --print-allocators 0 --print-temporary 0 -n 1000000 \
    2>/dev/null > "$out/leaks$n.txt"
done

# Bytes still allocated at exit, by the first library on each stack that is not the C/C++ runtime.
python3 - "$out" "$short" "$cycles" <<'PY'
import collections, re, sys
out, runs = sys.argv[1], sys.argv[2:]
def size(text):
    m = re.match(r'([0-9.]+)([KMG]?)', text)
    return float(m.group(1)) * {'': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9}[m.group(2)]
tables = {}
for n in runs:
    lines = open(f'{out}/leaks{n}.txt').read().split('\n')
    held = collections.Counter()
    i = 0
    while i < len(lines):
        m = re.match(r'^([0-9.]+[KMG]?)B? leaked over (\d+) calls from', lines[i])
        if not m:
            i += 1
            continue
        j, owner = i + 1, None
        while j < len(lines) and not re.match(r'^[0-9.]+[KMG]?B? leaked', lines[j]):
            lib = re.search(r'in (\S+)$', lines[j])
            name = lib.group(1).rsplit('/', 1)[-1] if lib else ''
            if owner is None and name and not name.startswith(('libc.so', 'libstdc++', 'ld-linux')):
                owner = name
            j += 1
        held[owner or '(C/C++ runtime only)'] += size(m.group(1))
        i = j
    tables[n] = held
libs = sorted(set().union(*tables.values()), key=lambda l: -tables[runs[-1]][l])
print(f"{'library':40s} " + ' '.join(f'{n + " cycles":>14s}' for n in runs))
for lib in libs:
    print(f'{lib:40s} ' + ' '.join(f'{tables[n][lib] / 1024:11.1f} KiB' for n in runs))
PY
echo "heaptrack files: $out"
