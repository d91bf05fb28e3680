#!/usr/bin/env python3
"""Records public API changes in PublicAPI.Unshipped.txt from the PublicApiAnalyzers' build diagnostics.

RS0016 (a public symbol missing from the files) adds the symbol; RS0017 (a listed symbol that is gone) adds
'*REMOVED*' plus the Shipped line, or drops the line from Unshipped. Review the diff: every line is an API change.
Usage: python3 scripts/public-api.py   (from the repository root; builds src/ in Release until nothing is left)
"""
import re
import subprocess
import sys

PROJECTS = ["Gemma4.AI", "Gemma4.AI.SemanticKernel"]


def build():
    result = subprocess.run(["dotnet", "build", "src/Gemma4.AI.SemanticKernel", "-c", "Release", "-warnaserror"],
                            capture_output=True, text=True)
    return result.stdout + result.stderr


def update(project, output):
    shipped_path, unshipped_path = (f"src/{project}/PublicAPI.{kind}.txt" for kind in ("Shipped", "Unshipped"))
    shipped = open(shipped_path, encoding="utf-8").read().split("\n")
    unshipped = open(unshipped_path, encoding="utf-8").read().rstrip("\n").split("\n")
    changed = False
    for match in re.finditer(rf"/src/{re.escape(project)}/[^(]+\(\d+,\d+\): error RS0016: Symbol '(.+?)' is not part of the declared", output):
        if match.group(1) not in unshipped:
            unshipped.append(match.group(1))
            changed = True
    for kind, lines in (("Shipped", shipped), ("Unshipped", None)):
        for number in {int(n) for n in re.findall(rf"/src/{re.escape(project)}/PublicAPI\.{kind}\.txt\((\d+),\d+\): error RS0017", output)}:
            if lines is not None:
                unshipped.append("*REMOVED*" + lines[number - 1])
            else:
                unshipped[number - 1] = ""
            changed = True
    header = [line for line in unshipped if line.startswith("#")]
    body = sorted({line for line in unshipped if line and not line.startswith("#")})
    open(unshipped_path, "w", encoding="utf-8").write("\n".join(header + body) + "\n")
    return changed


for attempt in range(5):
    output = build()
    if not any(update(project, output) for project in PROJECTS):
        remaining = sorted(set(re.findall(r"error (RS\d+: .*?)(?: \(https|\s\[)", output)))
        print("\n".join(remaining) if remaining else "Public API files are up to date.")
        sys.exit(1 if remaining else 0)
print("Still changing after 5 builds; run again.")
sys.exit(1)
