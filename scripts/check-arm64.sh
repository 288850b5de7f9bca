#!/usr/bin/env bash
# On-demand check of the linux-arm64 build on an x64 host (not part of scripts/test.sh: the cross publish restores the
# arm64 runtime packs and takes ~6 minutes on 2 cores, and emulation is slow):
#
#   scripts/check-arm64.sh [--out DIR]
#
# Publishes the linux-arm64 tarball with scripts/publish.sh --mode r2r, then runs its bin/brook under qemu-user emulation
# (Debian's qemu-user with the arm64 C runtime from Debian's multiarch packages, installed when missing): --version,
# a broker on free ports with no other arguments than the listeners, /health/ready, `brook healthcheck`, and three
# records produced and consumed with kcat. Exit 0 when all of it works.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=artifacts/dist-arm64
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        *) echo "check-arm64.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

if ! command -v qemu-aarch64 > /dev/null || [ ! -e /lib/ld-linux-aarch64.so.1 ] || ! command -v kcat > /dev/null; then
    echo "installing qemu-user, the arm64 C runtime and kcat ..."
    dpkg --add-architecture arm64
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user kcat curl \
        libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 libssl3:arm64 > /dev/null
fi

# ReadyToRun: Native AOT would need an arm64 cross toolchain and sysroot, which this host lacks.
bash scripts/publish.sh --rid linux-arm64 --mode r2r --out "$out"
dist=$(ls -dt "$out"/brook-*-linux-arm64 | head -1)
brook=(qemu-aarch64 -L / "$dist/bin/brook")
file "$dist/bin/brook"
"${brook[@]}" --version

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
admin=$(free_port)
(cd "$work" && exec "${brook[@]}" --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "brook.admin.listener=127.0.0.1:$admin" \
    > "$work/broker.log" 2>&1) &
broker=$!
trap 'kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; rm -rf "$work"' EXIT

started=$(date +%s%N)
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$admin/health/ready" > /dev/null && break
    kill -0 "$broker" 2>/dev/null || { cat "$work/broker.log"; echo "the arm64 broker exited" >&2; exit 1; }
    sleep 0.5
done
curl -sf "http://127.0.0.1:$admin/health/ready" > /dev/null || { tail -30 "$work/broker.log"; echo "not ready after 60 s" >&2; exit 1; }
echo "ready under emulation after $(( ($(date +%s%N) - started) / 1000000 )) ms"
(cd "$work" && "${brook[@]}" healthcheck --url "http://127.0.0.1:$admin/health/ready") || { echo "brook healthcheck failed" >&2; exit 1; }

printf 'k1:one\nk2:two\nk3:three\n' | kcat -P -b "127.0.0.1:$port" -t arm64-check -K: -X acks=all
consumed=$(kcat -C -b "127.0.0.1:$port" -t arm64-check -o beginning -e -q -f '%k:%s\n')
expected=$'k1:one\nk2:two\nk3:three'
if [ "$consumed" != "$expected" ]; then
    echo "consumed:"; echo "$consumed"; echo "expected:"; echo "$expected"
    exit 1
fi
echo "linux-arm64 brook OK: $dist ($(du -h "$dist/bin/brook" | cut -f1)), produce and consume with kcat under qemu-aarch64"
