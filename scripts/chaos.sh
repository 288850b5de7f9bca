#!/usr/bin/env bash
# The long chaos run on demand: builds in Release and runs only ClusterChaosTests (three real nodes in a network
# namespace, a queue workload, a seeded schedule of crashes, pauses and cut links, then a history check) with the fault
# phase as long as asked. Needs root (network namespaces, iptables).
#
#   scripts/chaos.sh                         60 s of faults, random seed (printed)
#   scripts/chaos.sh --seconds 1800 --seed 42
#
# The seed fixes the fault schedule; the workload's timing against it differs between runs. A failed run names the
# file with every node's full log (/tmp/brook-chaos-<seed>-<time>.log).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=60
seed=
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$seconds" in ''|*[!0-9]*) echo "--seconds must be a whole number" >&2; exit 2 ;; esac
if [ -n "$seed" ]; then
    case "$seed" in *[!0-9-]*) echo "--seed must be an integer" >&2; exit 2 ;; esac
fi
if [ "$(id -u)" != "0" ]; then
    echo "the chaos run needs root (network namespaces and iptables); try: sudo $0 $*" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build tests/Brook.IntegrationTests -c Release -nologo -v minimal

export BROOK_CHAOS_SECONDS=$seconds
[ -n "$seed" ] && export BROOK_CHAOS_SEED=$seed
# Fail instead of skipping when namespaces cannot be made; allow the fault phase plus ten minutes before calling it hung.
export BROOK_REQUIRE_NETNS=1
exec dotnet test tests/Brook.IntegrationTests -c Release --no-build --nologo \
    --filter "FullyQualifiedName~ClusterChaosTests" \
    --logger "console;verbosity=detailed" \
    --blame-hang-timeout "$((seconds + 600))s"
