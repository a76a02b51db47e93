#!/usr/bin/env bash
# Tail latency A/B: paced /park/msensor (64 connections, whole machine, like run.sh's "paced at
# half the peak" rows) against several parkgate binaries, each on a fresh SQLite data directory,
# alternating in every round so that all see the same noise. Compare p99 over the rounds.
#
#   Benchmarks/paced.sh A B [C …]                 defaults: RATE=4500 requests/s, 3 rounds, 8 s
#   RATE=5000 ROUNDS=5 SYNC=NORMAL Benchmarks/paced.sh A B
#
# A binary may be a wrapper script that sets environment variables and execs parkgate.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: Benchmarks/paced.sh BINARY [BINARY …]" >&2; exit 2; }
scripts/ensure-packages wrk curl
port=18497
duration=${DURATION:-8}
rate=${RATE:-4500}
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir paced
echo "paced: $rate requests/s requested, 64 connections, SQLite ${SYNC:-FULL}, ${duration}s per run, ${ROUNDS:-3} rounds"
header
for round in $(seq 1 "${ROUNDS:-3}"); do
  for bin in "$@"; do
    roadside_start "$bin" "" "--sqlite-synchronous ${SYNC:-FULL}"
    RATE=$rate measure "$(basename "$bin")" 64 "" "$server"
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  done
done
