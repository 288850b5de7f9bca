#!/usr/bin/env bash
# The one test command: installs what the third-party client and fault-injection tests need (when it can), builds the
# whole solution in Release, runs every test project, and ends with a single summary line "N passed, M failed".
# Exit status is non-zero if any test failed, if the run broke, or if no test ran at all.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_dir="$repo_root/TestResults/run-$(date +%Y%m%d-%H%M%S)-$$"

# --- prerequisites -----------------------------------------------------------------------------------------------
# kcat and kafka-python (Debian's python3-kafka, importable by the system /usr/bin/python3 only) drive the
# compatibility tests; without them those tests are skipped, not failed.
# ip (iproute2) and iptables drive the fault-injection tests (network namespaces, cut links). Those need root: they are
# skipped when not root outside CI, and fail when run as root or in CI ($CI, or BROOK_REQUIRE_NETNS=1 as .ci/run sets)
# without the tools, so a machine that cannot run them never passes quietly.
# prometheus (Debian's package, /usr/bin/prometheus) serves the metrics scrape test: a real Prometheus scrapes the
# broker's /metrics endpoint. Without it that test is skipped, except in CI where it fails.
have_kcat() { [ -x /usr/bin/kcat ]; }
have_kafka_python() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import kafka' >/dev/null 2>&1; }
have_prometheus() { [ -x /usr/bin/prometheus ]; }
# chromium (Debian's package, /usr/bin/chromium) runs the web console tests through Microsoft.Playwright, with no
# browser download. Without it those tests are skipped, except in CI where they fail.
have_chromium() { [ -x /usr/bin/chromium ]; }
# postgresql (Debian's package: initdb and postgres under /usr/lib/postgresql/<version>/bin) backs the transactional
# outbox example; its test starts a throwaway server. Without it that test is skipped, except in CI where it fails.
have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_sbin() { [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] || command -v "$1" >/dev/null 2>&1; }
# clang and zlib1g-dev link the Native AOT executable that scripts/publish.sh builds for the published-binary tests.
have_aot_toolchain() { command -v clang >/dev/null 2>&1 && [ -f /usr/include/zlib.h ]; }
missing=()
have_kcat || missing+=(kcat)
have_kafka_python || missing+=(python3-kafka)
have_prometheus || missing+=(prometheus)
have_chromium || missing+=(chromium)
have_postgres || missing+=(postgresql)
have_sbin ip || missing+=(iproute2)
have_sbin iptables || missing+=(iptables)
# mkfs.ext4 and losetup make the small loop-mounted file system of the disk-full test (tmpfs when loop devices are missing).
have_sbin mkfs.ext4 || missing+=(e2fsprogs)
have_sbin losetup || missing+=(mount)
have_aot_toolchain || missing+=(clang zlib1g-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]} ..."
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
            echo "warning: could not install ${missing[*]}; the kcat/kafka-python/prometheus/browser tests will be skipped, the network namespace tests will fail" >&2
        fi
    else
        echo "warning: ${missing[*]} missing and cannot install (need root + apt-get); the kcat/kafka-python/prometheus/browser tests will be skipped," \
            "the network namespace tests skipped when not root (failed in CI)" >&2
    fi
fi

# --- build -------------------------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! dotnet build Brook.slnx -c Release -nologo -v minimal; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- publish -----------------------------------------------------------------------------------------------------
# The published-binary and container-image tests run the self-contained executable of the tarball, as users get it.
# Without it they are skipped, except in CI (BROOK_REQUIRE_PUBLISHED=1, as .ci/run sets) where they fail.
mkdir -p "$results_dir"
case "$(uname -m)" in aarch64|arm64) publish_rid=linux-arm64 ;; *) publish_rid=linux-x64 ;; esac
echo "publishing the self-contained brook ($publish_rid) for the published-binary tests ..."
if bash scripts/publish.sh --rid "$publish_rid" --out artifacts/dist > "$results_dir/publish.log" 2>&1; then
    BROOK_PUBLISHED_BROOK=$(ls -t artifacts/dist/brook-*-"$publish_rid"/bin/brook | head -1)
    export BROOK_PUBLISHED_BROOK="$repo_root/$BROOK_PUBLISHED_BROOK"
    echo "published $BROOK_PUBLISHED_BROOK"
else
    echo "warning: scripts/publish.sh failed (log: $results_dir/publish.log); the published-binary tests will not find it" >&2
    tail -20 "$results_dir/publish.log" >&2
fi

# --- test --------------------------------------------------------------------------------------------------------
# --blame-hang-timeout turns a hung test (e.g. a broker that never answers) into a failure with a dump instead of
# eating the whole CI budget.
mkdir -p "$results_dir"
dotnet test Brook.slnx -c Release --no-build --nologo \
    --logger "trx;LogFilePrefix=r" \
    --results-directory "$results_dir" \
    --blame-hang-timeout 10m 2>&1 | tee "$results_dir/console.log"
test_status=${PIPESTATUS[0]}

# --- the packages and the examples -------------------------------------------------------------------------------
# Brook.Testing, Brook.Testing.Xunit and Brook.Testing.NUnit are packed from the build above into artifacts/packages; the example projects
# under examples/ take them from there as packages (examples/nuget.config), so what passes is the package a user gets.
# A package of the same version already in NuGet's cache would be used instead of the new one: it is dropped first.
echo "packing the Brook.Testing packages and running the examples against the package ..."
examples_status=0
examples_broken=0   # a pack or build failure counts as one failed test: the examples did not run
rm -f artifacts/packages/Brook.Testing.*.nupkg
packed=1
for package in Brook.Testing Brook.Testing.Xunit Brook.Testing.NUnit; do
    dotnet pack "src/$package" -c Release --nologo -v minimal -o artifacts/packages >> "$results_dir/pack.log" 2>&1 || packed=0
done
if [ "$packed" -eq 1 ]; then
    nuget_cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
    for package in brook.testing brook.testing.xunit brook.testing.nunit; do rm -rf "${nuget_cache:-$HOME/.nuget/packages}/$package"; done
    if dotnet build examples/Examples.slnx -c Release -nologo -v minimal > "$results_dir/examples-build.log" 2>&1; then
        dotnet test examples/Examples.slnx -c Release --no-build --nologo \
            --logger "trx;LogFilePrefix=examples" \
            --results-directory "$results_dir" \
            --blame-hang-timeout 10m 2>&1 | tee "$results_dir/examples-console.log"
        examples_status=${PIPESTATUS[0]}
        cat "$results_dir/examples-console.log" >> "$results_dir/console.log"
    else
        echo "examples build failed (log: $results_dir/examples-build.log)"
        tail -30 "$results_dir/examples-build.log"
        examples_status=1
        examples_broken=1
    fi
else
    echo "dotnet pack failed (log: $results_dir/pack.log)"
    tail -30 "$results_dir/pack.log"
    examples_status=1
    examples_broken=1
fi
if [ "$examples_status" -ne 0 ] && [ "$test_status" -eq 0 ]; then test_status=$examples_status; fi

# --- summary -----------------------------------------------------------------------------------------------------
# Every test assembly ends with one console line "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ...".
# Those are summed; the .trx files (one <Counters> element per assembly) are the fallback if no such line appeared.
passed=0
failed=0
skipped=0
assemblies=0
while IFS= read -r line; do
    num() { echo "$line" | sed -n "s/.*[ -]$1: *\([0-9][0-9]*\).*/\1/p"; }
    assemblies=$((assemblies + 1))
    passed=$((passed + $(num Passed)))
    failed=$((failed + $(num Failed)))
    skipped=$((skipped + $(num Skipped)))
done < <(sed 's/\x1b\[[0-9;]*m//g' "$results_dir/console.log" |
         grep -E '^(Passed|Failed)! +- +Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+')

if [ "$assemblies" -eq 0 ]; then
    while IFS= read -r -d '' trx; do
        counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
        get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
        t=$(get total); e=$(get executed); p=$(get passed); f=$(get failed)
        assemblies=$((assemblies + 1))
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0}))
        skipped=$((skipped + ${t:-0} - ${e:-0}))
    done < <(find "$results_dir" -name '*.trx' -print0)
fi

failed=$((failed + examples_broken))

# The failed tests with the first lines of their messages, last, where a truncated CI log still shows them (a test's
# own output, such as a cluster's node logs, can be long enough to push the message out of view).
if [ "$failed" -gt 0 ] && command -v python3 > /dev/null; then
    python3 - "$results_dir" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)):
    try:
        root = ET.parse(trx).getroot()
    except ET.ParseError:
        continue
    for result in root.iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED {result.get('testName')} ({result.get('duration')}):")
        for line in message[:12]:
            print("    " + line[:400])
PY
fi

echo
echo "test results: $results_dir ($assemblies test assemblies), skipped: $skipped"
status=0
if [ "$failed" -gt 0 ]; then
    status=1
elif [ "$test_status" -ne 0 ]; then
    echo "dotnet test exited with $test_status although no test failure was recorded (crash, hang or missing results)"
    status=1
elif [ "$passed" -eq 0 ]; then
    echo "no test ran"
    status=1
fi
echo "$passed passed, $failed failed"
exit $status
