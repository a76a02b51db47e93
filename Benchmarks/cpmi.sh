#!/usr/bin/env bash
# T/CPMI uplink benchmark: entries and exits (signatures on, with a key-pool secret) against
# ParkGate (durable, answered after commit) and against the ceiling (the same envelope decoded,
# its signature checked and a signed answer written, nothing stored), in the same run.
#
#   Benchmarks/cpmi.sh                    SQLite FULL and PostgreSQL
#   DURATION=10 CONNS="16 64" Benchmarks/cpmi.sh
#
# Server (and PostgreSQL) pinned to core 0, wrk to core 1; primary figure: acknowledged
# requests per server CPU-second. Each run gets fresh bodies: every exit names an entry sent
# 2,000 requests before it, every oprNum is new (no replays).
#
# WARMUP=1 (default) runs each server once, unmeasured, before the measured run on the same
# database, so that the figure is of a database that already holds data (its first seconds on
# empty tables differ: planner statistics, caches); WARMUP=0 measures the fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages wrk libsqlite3-dev postgresql curl python3
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
bin=.build/release
duration=${DURATION:-10}
conns=${CONNS:-"16 64"}
warmup=${WARMUP:-1}
port=18481
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir cpmi
export SCRIPT=Benchmarks/cpmi.lua TARGET=/cpmi

# shellcheck source=Benchmarks/cpmi-lib.sh
source Benchmarks/cpmi-lib.sh
secret=$cpmi_secret
bodies() { cpmi_bodies "$@"; }
start_parkgate() { cpmi_start "$bin/parkgate" "$1"; }  # DATABASE_URL
stop_server() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; }

echo "ParkGate T/CPMI uplink benchmark: $(date -u +%FT%TZ), $(nproc) cores, ${duration}s per run, wrk 1 thread"
echo
header
declare -A ceiling
CPMI_SECRET=$secret taskset -c 0 "$bin/ParkGateCeiling" "$port" >/dev/null 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/cpmi" -d 'param={}' && break; sleep 0.1; done
for c in $conns; do
  [ "$warmup" = 1 ] && BODIES=$(bodies CEILINGTOKEN000000000000000000000 "cw$c") measure "(warm-up)" "$c" 1 "$server"
  BODIES=$(bodies CEILINGTOKEN000000000000000000000 "c$c") measure "ceiling (no storage)" "$c" 1 "$server"
  ceiling[$c]=$last_per_cpu
done
stop_server

for c in $conns; do
  start_parkgate ""
  [ "$warmup" = 1 ] && BODIES=$(bodies "$TOKEN" "sw$c") measure "(warm-up)" "$c" 1 "$server"
  BODIES=$(bodies "$TOKEN" "s$c") measure "SQLite FULL" "$c" 1 "$server"
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[$c]}" | bc) | |"
  stop_server
done

pg_url=$(taskset -c 0 scripts/throwaway-postgres start "$work/pg")
dbn=0
for c in $conns; do
  dbn=$((dbn + 1))
  psql "$pg_url" -qc "CREATE DATABASE bench$dbn" >/dev/null
  start_parkgate "${pg_url%/postgres}/bench$dbn"
  # shellcheck disable=SC2046
  [ "$warmup" = 1 ] && BODIES=$(bodies "$TOKEN" "pw$c") measure "(warm-up)" "$c" 1 "$server" $(postgres_pids)
  # shellcheck disable=SC2046
  BODIES=$(bodies "$TOKEN" "p$c") measure "PostgreSQL" "$c" 1 "$server" $(postgres_pids)
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[$c]}" | bc) | |"
  stop_server
done
