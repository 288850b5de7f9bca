#!/usr/bin/env bash
# On-demand: the produce benchmark against a broker with metrics on (admin listener on, /metrics scraped every 5 s, as
# Prometheus would) and off (brook.admin.listener empty: no MeterListener, so the histograms record nothing), in
# alternating rounds so that drift in the machine hits both alike. Usage: bench/metrics-overhead.sh [rounds] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
records=${2:-10000000}
dotnet build -c Release src/Brook.Host -v q --nologo > /dev/null
dotnet build -c Release bench/Brook.Bench -v q --nologo > /dev/null
brook=src/Brook.Host/bin/Release/net10.0/brook.dll
bench=bench/Brook.Bench/bin/Release/net10.0/brook-bench.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for mode in on off; do
    rm -rf "$work/data"
    admin=""; [ "$mode" = on ] && admin="127.0.0.1:19644"
    dotnet "$brook" --override log.dirs="$work/data" --override listeners=PLAINTEXT://127.0.0.1:19092 \
      --override "brook.admin.listener=$admin" > "$work/broker-$mode-$round.log" 2>&1 &
    broker=$!
    sleep 4
    scraper=""
    if [ "$mode" = on ]; then (while true; do curl -s http://127.0.0.1:19644/metrics > /dev/null; sleep 5; done) & scraper=$!; fi
    echo "== round $round, metrics $mode"
    dotnet "$bench" produce --bootstrap 127.0.0.1:19092 --topic bench --records "$records" --record-size 100 \
      --partitions 6 --acks 1 | grep -E "elapsed|latency"
    [ -n "$scraper" ] && kill "$scraper"
    kill "$broker"; wait "$broker" || true
  done
done
