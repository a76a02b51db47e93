# Shared by Benchmarks/cpmi.sh and Benchmarks/compare.sh (WORKLOAD=cpmi): signed T/CPMI
# request bodies and a ParkGate started with a bench park, logged in.
# Expects: $work, $port, $pids (Benchmarks/lib.sh's bench_workdir), $run_id.
cpmi_secret=BENCHSECRET

# cpmi_bodies TOKEN RUN → a file of form bodies: entry i, and exit i-2000 once i ≥ 2000.
cpmi_bodies() {
  python3 - "$1" "$2" "$cpmi_secret" "$work/bodies-$2.txt" <<'PY'
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

# cpmi_start PARKGATE_BINARY DATABASE_URL → starts it pinned to core 0 with park BENCH; sets
# $server (also added to $pids) and $TOKEN (a login of the park's account).
cpmi_start() {
  local dir="$work/data-$run_id-$RANDOM"
  "$1" park add --data-dir "$dir" ${2:+--database "$2"} --code BENCH --name bench --total 100000 \
    --user bench --password bench --secret "$cpmi_secret" >/dev/null
  taskset -c 0 "$1" serve --data-dir "$dir" ${2:+--database "$2"} --http-port "$port" --log-level error &
  server=$!; pids+=("$server"); wait_health
  local data='{"parkUserName":"bench","parkUserPwd":"bench"}'
  local sign
  sign=$(printf '%s%s' "$data" "$cpmi_secret" | md5sum | cut -d' ' -f1 | tr a-f A-F)
  TOKEN=$(curl -s --data-urlencode "param={\"token\":\"\",\"code\":\"1\",\"oprNum\":\"L$RANDOM\",\"signature\":\"$sign\",\"data\":$data}" \
    "http://127.0.0.1:$port/cpmi" | sed 's/.*"token":"\([0-9A-F]*\)".*/\1/')
}
