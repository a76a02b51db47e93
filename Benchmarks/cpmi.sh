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
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages wrk libsqlite3-dev postgresql curl python3
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
bin=.build/release
duration=${DURATION:-10}
conns=${CONNS:-"16 64"}
port=18481
secret=BENCHSECRET
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir cpmi
export SCRIPT=Benchmarks/cpmi.lua TARGET=/cpmi

# bodies TOKEN RUN → a file of form bodies: entry i, and exit i-2000 once i ≥ 2000.
bodies() {
  python3 - "$1" "$2" "$secret" "$work/bodies-$2.txt" <<'PY'
import hashlib, sys, urllib.parse
token, run, secret, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
lag, count = 2000, 120000
def body(code, data, opr):
    sign = hashlib.md5((data + token + secret).encode()).hexdigest().upper()
    env = '{"token":"%s","code":"%s","oprNum":"%s","signature":"%s","data":%s}' % (token, code, opr, sign, data)
    return "param=" + urllib.parse.quote(env, safe="")
with open(path, "w") as out:
    # wrk calls request() once before the run and drops that request: the first line is a
    # heartbeat nobody misses (it was entry 0, whose exit was then refused with 9101).
    out.write(body("8", "{}", "H%s-0" % run) + "\n")
    for i in range(count // 2):
        rec = "R%s-%d" % (run, i)
        out.write(body("2", '{"recordCode":"%s","carNum":"京A%05d","inCross":"IN1","inTime":"2026-03-01 08:00:00","inIdentity":"2","carColor":"蓝","operatorName":"b"}' % (rec, i % 100000), "E%s-%d" % (run, i)) + "\n")
        if i >= lag:
            old = "R%s-%d" % (run, i - lag)
            out.write(body("4", '{"recordCode":"%s","carNum":"京A%05d","inCross":"IN1","outCross":"OUT1","inTime":"2026-03-01 08:00:00","outTime":"2026-03-01 09:00:00","inIdentity":"2","parkMinutes":60,"chargeStatus":"1","payMoney":4,"discountMoney":0,"incomeMoney":4,"paymentMode":"4","payOrigin":"1","exitType":"0","operatorName":"b"}' % (old, (i - lag) % 100000), "X%s-%d" % (run, i)) + "\n")
PY
  echo "$work/bodies-$2.txt"
}

start_parkgate() {  # DATABASE_URL
  local dir="$work/data-$run_id-$RANDOM"
  "$bin/parkgate" park add --data-dir "$dir" ${1:+--database "$1"} --code BENCH --name bench --total 100000 \
    --user bench --password bench --secret "$secret" >/dev/null
  taskset -c 0 "$bin/parkgate" serve --data-dir "$dir" ${1:+--database "$1"} --http-port "$port" --log-level error &
  server=$!; pids+=("$server"); wait_health
  local data='{"parkUserName":"bench","parkUserPwd":"bench"}'
  local sign
  sign=$(printf '%s%s' "$data" "$secret" | md5sum | cut -d' ' -f1 | tr a-f A-F)
  TOKEN=$(curl -s --data-urlencode "param={\"token\":\"\",\"code\":\"1\",\"oprNum\":\"L$RANDOM\",\"signature\":\"$sign\",\"data\":$data}" \
    "http://127.0.0.1:$port/cpmi" | sed 's/.*"token":"\([0-9A-F]*\)".*/\1/')
}
stop_server() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; }

echo "ParkGate T/CPMI uplink benchmark: $(date -u +%FT%TZ), $(nproc) cores, ${duration}s per run, wrk 1 thread"
echo
header
declare -A ceiling
CPMI_SECRET=$secret taskset -c 0 "$bin/ParkGateCeiling" "$port" >/dev/null 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/cpmi" -d 'param={}' && break; sleep 0.1; done
for c in $conns; do
  BODIES=$(bodies CEILINGTOKEN000000000000000000000 "c$c") measure "ceiling (no storage)" "$c" 1 "$server"
  ceiling[$c]=$last_per_cpu
done
stop_server

for c in $conns; do
  start_parkgate ""
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
  BODIES=$(bodies "$TOKEN" "p$c") measure "PostgreSQL" "$c" 1 "$server" $(postgres_pids)
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[$c]}" | bc) | |"
  stop_server
done
