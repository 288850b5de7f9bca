#!/usr/bin/env bash
# Builds the self-contained `brook` executable and the tarball around it:
#
#   scripts/publish.sh [--rid linux-x64|linux-arm64] [--mode aot|r2r|jit] [--out DIR]
#
# --rid   target runtime (default: linux-x64).
# --mode  aot (default): Native AOT, a native executable with librdkafka (for the CLI verbs) beside it in bin/; starts
#         fastest with the same throughput (docs/SHIPPING.md); needs clang and zlib1g-dev (apt-get install clang zlib1g-dev);
#         r2r: one self-contained file with ReadyToRun code (precompiled, still JIT-tiered at run time), no C toolchain;
#         jit: one self-contained file without precompiled code.
# --out   where the result goes (default: artifacts/dist).
#
# Result: DIR/brook-VERSION-RID/{bin/brook, config/server.properties, LICENSE, README.md} and
# DIR/brook-VERSION-RID.tar.gz of that directory (aot: librdkafka builds beside bin/brook). The executable needs no
# .NET on the target machine; a single-file (r2r, jit) build extracts its bundled librdkafka once, to
# $DOTNET_BUNDLE_EXTRACT_BASE_DIR or ~/.net.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rid=linux-x64
mode=aot
out=artifacts/dist
while [ $# -gt 0 ]; do
    case "$1" in
        --rid) rid=$2; shift 2 ;;
        --mode) mode=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "publish.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

case "$mode" in
    r2r) mode_props=(-p:PublishSingleFile=true -p:PublishReadyToRun=true -p:IncludeNativeLibrariesForSelfExtract=true) ;;
    jit) mode_props=(-p:PublishSingleFile=true -p:PublishReadyToRun=false -p:IncludeNativeLibrariesForSelfExtract=true) ;;
    # Trim analysis warnings stay warnings here: Confluent.Kafka's (IL2104, its reflection-free paths are the ones used)
    # is the one left; PublishedBinaryTests exercise the broker, CLI verbs and admin listener of this build.
    aot) mode_props=(-p:PublishAot=true -p:TreatWarningsAsErrors=false) ;;
    *) echo "publish.sh: --mode must be aot, r2r or jit" >&2; exit 2 ;;
esac

if [ "$mode" = aot ] && ! command -v clang > /dev/null; then
    echo "publish.sh: Native AOT links with clang: apt-get install clang zlib1g-dev, or use --mode r2r" >&2
    exit 1
fi

version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Directory.Build.props | head -1)
name="brook-$version-$rid"
stage="$out/$name"
publish_dir="artifacts/publish/$rid-$mode"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "publishing brook $version for $rid ($mode) ..."
# A RID-specific publish restores and builds into obj/ and bin/ under that RID, beside the portable build the tests use.
dotnet publish src/Brook.Host -c Release -r "$rid" --self-contained -nologo -v quiet \
    -p:DebugType=none -p:GenerateDocumentationFile=false "${mode_props[@]}" -o "$publish_dir"

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/config"
cp "$publish_dir/brook" "$stage/bin/brook"
cp config/server.properties "$stage/config/server.properties"
cp LICENSE "$stage/LICENSE"
cp packaging/README.md "$stage/README.md"
if [ "$mode" = aot ]; then
    # Native AOT cannot bundle native libraries into the executable: librdkafka (CLI verbs) stays beside it.
    cp "$publish_dir"/*librdkafka*.so "$stage/bin/" 2>/dev/null || true
fi
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$stage/bin/brook ($(du -h "$stage/bin/brook" | cut -f1)), $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
