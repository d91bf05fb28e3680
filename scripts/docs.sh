#!/usr/bin/env bash
# Builds the documentation site with docfx (a local tool: .config/dotnet-tools.json): the API reference from the
# packages' XML docs, plus README.md (the home page), CHANGELOG.md and docs/, into artifacts/docs/_site (git-ignored).
# Warnings are errors, so a broken link, cref or page fails it; CI runs it (.ci/run).
#
# docfx resolves links inside the folder of its docfx.json, and the README links docs/ from the repository root, so
# the pages are staged in artifacts/docs/src in the repository's layout (README.md as index.md) and docs/docfx.json
# is written for that folder; messages name the original files.
# Usage: scripts/docs.sh [--serve]   (--serve: then browse http://localhost:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

site=artifacts/docs
stage=$site/src
rm -rf "$site"
mkdir -p "$stage"
cp README.md "$stage/index.md"
cp README.md CHANGELOG.md "$stage/"
cp -r docs "$stage/docs"
mv "$stage/docs/docfx.json" "$stage/docs/toc.yml" "$stage/"

dotnet tool restore >/dev/null
original_names() { sed -u -e "s#$PWD/$stage/index.md#$PWD/README.md#g" -e "s#$PWD/$stage/docfx.json#$PWD/docs/docfx.json#g" \
  -e "s#$PWD/$stage/toc.yml#$PWD/docs/toc.yml#g" -e "s#$PWD/$stage/#$PWD/#g"; }
dotnet docfx metadata "$stage/docfx.json" --warningsAsErrors 2>&1 | original_names
dotnet docfx build "$stage/docfx.json" --warningsAsErrors 2>&1 | original_names
echo "Documentation site: $site/_site/index.html"
if [ "${1:-}" = "--serve" ]; then
  dotnet docfx serve "$site/_site"
fi
