#!/usr/bin/env bash
# Packs what a GPU lease machine without dotnet or network needs into artifacts/gpu (git-ignored, < 64 MiB):
# the .NET runtime, a framework-dependent publish of the benchmark (one CPU variant of the native libraries), and the
# ggml sources at the pinned commit for scripts/build-ggml-backend.sh.
#
#   scripts/gpu/package.sh GGML_SOURCE_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
ggml="${1:?usage: scripts/gpu/package.sh GGML_SOURCE_DIR (ggml at the commit named in scripts/build-ggml-backend.sh)}"
out=artifacts/gpu
rm -rf "$out" && mkdir -p "$out"

dotnet publish benchmarks/Gemma4.AI.Benchmarks -c Release -o "$out/bench" --no-self-contained -v q -nologo
# One CPU variant is enough on the lease machine (the GPU does the work); avx2 runs on every x86-64 server CPU there.
native="$out/bench/runtimes/linux-x64/native"
find "$out/bench/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
find "$native" -mindepth 1 -maxdepth 1 ! -name avx2 -exec rm -rf {} +

root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls -d "$root"/shared/Microsoft.NETCore.App/* | sort -V | tail -n 1)"
staging="$(mktemp -d)"
mkdir -p "$staging/shared/Microsoft.NETCore.App" "$staging/host"
cp "$root/dotnet" "$staging/" && cp -r "$root/host/fxr" "$staging/host/" && cp -r "$runtime" "$staging/shared/Microsoft.NETCore.App/"
tar czf "$out/dotnet-runtime.tgz" -C "$staging" . && rm -rf "$staging"

tar czf "$out/ggml-src.tgz" -C "$ggml" CMakeLists.txt cmake include src ggml.pc.in
du -sh "$out" "$out"/*
