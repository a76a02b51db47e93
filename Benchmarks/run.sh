#!/usr/bin/env bash
# Ingest benchmark: ParkGate's /park/msensor (durable, acknowledged after commit) against a bare
# Hummingbird route that decodes the same body and stores nothing (the ceiling), measured in the
# same run on the same machine.
#
#   Benchmarks/run.sh                 SQLite (FULL and NORMAL) and PostgreSQL
#   DURATION=20 CONNS="16 64" Benchmarks/run.sh
#
# Pinned runs: the server (and PostgreSQL) on core 0, wrk on core 1. Primary figure: acknowledged
# requests per server CPU-second (robust on a shared machine). Then a whole-machine run (no
# pinning) for absolute throughput, and a paced run at half the peak rate for latency.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages wrk libsqlite3-dev postgresql curl
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
bin=.build/release
duration=${DURATION:-10}
conns=${CONNS:-"8 32 128"}
port=18480
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir bench

start_ceiling() {
  taskset -c 0 "$bin/ParkGateCeiling" "$port" >/dev/null 2>&1 &
  server=$!; pids+=("$server"); wait_health_ceiling
}
wait_health_ceiling() {
  for _ in $(seq 1 100); do
    curl -s -o /dev/null -d 'jdata={"flowId":"1"}' "http://127.0.0.1:$port/park/msensor" && return 0; sleep 0.1
  done
}

start_parkgate() {  # DATABASE_URL SYNCHRONOUS TASKSET
  # shellcheck disable=SC2046
  roadside_start "$bin/parkgate" "$1" "--sqlite-synchronous $2" $([ -n "$3" ] && echo taskset -c "$3")
}
stop_server() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; }

echo "ParkGate ingest benchmark: $(date -u +%FT%TZ), $(nproc) cores, ${duration}s per run, wrk 1 thread"
echo
echo "### Pinned: server on core 0, wrk on core 1"
header
declare -A ceiling
start_ceiling
for c in $conns; do TOKEN=x measure "ceiling (no storage)" "$c" 1 "$server"; ceiling[$c]=$last_per_cpu; done
stop_server

declare -A peak
for sync in FULL NORMAL; do
  start_parkgate "" "$sync" 0
  for c in $conns; do
    measure "SQLite $sync" "$c" 1 "$server"
    echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[$c]}" | bc) | |"
    [ "$sync" = FULL ] && peak[$c]=$last_rps
  done
  stop_server
done

pg_url=$(taskset -c 0 scripts/throwaway-postgres start "$work/pg")
dbn=0
for c in $conns; do
  dbn=$((dbn + 1))
  psql "$pg_url" -qc "CREATE DATABASE bench$dbn" >/dev/null
  start_parkgate "${pg_url%/postgres}/bench$dbn" FULL 0
  # shellcheck disable=SC2046
  measure "PostgreSQL" "$c" 1 "$server" $(postgres_pids)
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[$c]}" | bc) | |"
  stop_server
done
scripts/throwaway-postgres stop "$work/pg"

echo
echo "### Whole machine (no pinning), SQLite FULL"
header
best=0
start_parkgate "" FULL ""
for c in $conns; do
  measure "SQLite FULL, 2 cores" "$c" "" "$server"
  [ "$last_rps" -gt "$best" ] && best=$last_rps && best_c=$c
done
stop_server
echo
echo "### Paced at half of the peak ($best acked/s → $((best / 2))/s requested), 64 connections, 2 cores"
header
for sync in FULL NORMAL; do
  start_parkgate "" "$sync" ""
  RATE=$((best / 2)) measure "half peak, SQLite $sync" 64 "" "$server"
  stop_server
done
