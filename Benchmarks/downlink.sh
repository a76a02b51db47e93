#!/usr/bin/env bash
# T/CPMI downlink benchmark: hold many park connections and report the server's memory per
# connection (against a bare SwiftNIO server with the same framing and login answer: the
# ceiling), then with fewer parks connected send remote gate openings (21) over the HTTP
# command API and report round-trip p50/p99 and commands/s, against GET /health at the same
# concurrency (the HTTP ceiling), in the same run.
#
#   Benchmarks/downlink.sh                          10,000 connections, 1,000 parks, SQLite FULL
#   CONNECTIONS=2000 PARKS=500 DURATION=5 CONC="1 16" Benchmarks/downlink.sh
#
# Servers pinned to core 0, the lots and the HTTP client to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages libsqlite3-dev curl
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateDownlinkBench >/dev/null
bin=.build/release
connections=${CONNECTIONS:-10000}
parks=${PARKS:-1000}
duration=${DURATION:-10}
conc=${CONC:-"1 16 64"}
http_port=18491
tcp_port=18492
bare_port=18493
ulimit -n "$(ulimit -Hn)"
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir downlink

echo "## memory per connection ($connections connections)"
taskset -c 0 "$bin/ParkGateDownlinkBench" bare-server "$bare_port" >/dev/null &
bare=$!; pids+=("$bare")
sleep 1
taskset -c 1 "$bin/ParkGateDownlinkBench" connect 127.0.0.1 "$bare_port" "$connections" "$bare" | sed 's/^RESULT/RESULT run=bare-nio/'
kill "$bare"; wait "$bare" 2>/dev/null || true

"$bin/ParkGateDownlinkBench" prepare "$work/data" "$connections"
taskset -c 0 "$bin/parkgate" serve --data-dir "$work/data" --http-port "$http_port" --tcp-port "$tcp_port" --log-level error &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break; sleep 0.1; done
concurrencies=$(echo "$conc" | tr ' ' ',')
taskset -c 1 "$bin/ParkGateDownlinkBench" run 127.0.0.1 "$http_port" "$tcp_port" "$server" "$connections" "$parks" "$duration" "$concurrencies" \
  | sed 's/^RESULT connected/RESULT run=parkgate connected/'
