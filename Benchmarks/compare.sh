#!/usr/bin/env bash
# A/B of two parkgate binaries on /park/msensor in the same run, alternating, pinned (server
# and PostgreSQL on core 0, wrk on core 1). For changes whose effect is smaller than the
# machine's run-to-run noise: both binaries see the same noise.
#
#   cp .build/release/parkgate /tmp/parkgate-before   # before the change
#   swift build -c release --product parkgate           # after it
#   Benchmarks/compare.sh /tmp/parkgate-before .build/release/parkgate
#   DATABASE=postgres ROUNDS=3 CONNS="16 64" Benchmarks/compare.sh A B
#   WORKLOAD=cpmi DATABASE=postgres Benchmarks/compare.sh A B    T/CPMI entries and exits instead
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
scripts/ensure-packages wrk curl postgresql python3
duration=${DURATION:-8}
conns=${CONNS:-64}
rounds=${ROUNDS:-2}
port=18490
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir compare
workload=${WORKLOAD:-msensor}
if [ "$workload" = cpmi ]; then
  # shellcheck source=Benchmarks/cpmi-lib.sh
  source Benchmarks/cpmi-lib.sh
  export SCRIPT=Benchmarks/cpmi.lua TARGET=/cpmi
fi
pg_url=""
[ "${DATABASE:-sqlite}" = postgres ] && pg_url=$(taskset -c 0 scripts/throwaway-postgres start "$work/pg")
echo "compare: $before (A) against $after (B), $workload, ${DATABASE:-sqlite}, ${duration}s per run, $rounds rounds"
header
n=0
for _ in $(seq 1 "$rounds"); do
  for label in A B; do
    bin=$before; [ "$label" = B ] && bin=$after
    n=$((n + 1))
    database=""
    if [ -n "$pg_url" ]; then
      psql "$pg_url" -qc "CREATE DATABASE compare$n" >/dev/null
      database="${pg_url%/postgres}/compare$n"
    fi
    if [ "$workload" = cpmi ]; then
      cpmi_start "$bin" "$database"
    else
      roadside_start "$bin" "$database" "" taskset -c 0
    fi
    export TOKEN
    for c in $conns; do
      # Fresh T/CPMI bodies per run: every oprNum new, every exit naming an entry of its own run.
      [ "$workload" = cpmi ] && BODIES=$(cpmi_bodies "$TOKEN" "$label$n-$c") && export BODIES
      # shellcheck disable=SC2046
      measure "$label" "$c" 1 "$server" $([ -n "$pg_url" ] && postgres_pids)
    done
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  done
done
