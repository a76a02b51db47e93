#!/usr/bin/env bash
# Henan gate control: passage ingest (shareDrivingRecord, durable, answered after commit, the
# control decision computed and the relay call queued), gate checks (getCheckVehicle decisions
# with filed vehicles and a control project in force), each against the ceiling (the same
# envelope read and decoded, a documented answer, nothing checked or stored) in the same run;
# then the relay city → province: the passages the ingest queued, sent to a provincial
# ParkGate on the same machine, timed until the backlog is empty.
#
#   Benchmarks/henan.sh                    SQLite FULL, 10 s per run, 16 and 64 connections
#   DURATION=5 CONNS=16 Benchmarks/henan.sh
#
# Server pinned to core 0, wrk to core 1 (for the relay: the city on core 0, the province on
# core 1). Primary figure: acknowledged requests per server CPU-second.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages wrk libsqlite3-dev curl
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
bin=.build/release
duration=${DURATION:-10}
conns=${CONNS:-"16 64"}
enterprises=${ENTERPRISES:-20}
vehicles=${VEHICLES:-1000}
port=18511
province_port=18512
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir henan
export SCRIPT=Benchmarks/henan.lua

codes=()
for i in $(seq 1 "$enterprises"); do codes+=("411002$(printf %04d "$i")"); done
city="$work/city"
for code in "${codes[@]}"; do
  "$bin/parkgate" organ add --data-dir "$city" --organ "$code" --user "u$code" --password pw >/dev/null
  "$bin/parkgate" enterprise add --data-dir "$city" --code "$code" --name "企业$code" --industry 4 --control-type 1 >/dev/null
done
"$bin/parkgate" control-project run --data-dir "$city" --name 应急 --level 2 --scope 1 --industries 4 --strategy 2 >/dev/null

# tokens: "code token" lines from getAccessToken.
tokens() {
  for code in "${codes[@]}"; do
    printf '%s ' "$code"
    curl -s -H 'Content-Type: application/json' \
      -d "{\"organ\":\"$code\",\"ipctype\":\"getAccessToken\",\"username\":\"u$code\",\"password\":\"pw\"}" \
      "http://127.0.0.1:$port/ysgk/restapi/transportControl/get_data" | sed 's/.*"access_token":"\([0-9A-F]*\)".*/\1/'
    echo
  done > "$work/tokens"
}

# bodies KIND RUN → one JSON body per line. passages: a fresh lsh each (enterprise × gate 01–99 ×
# direction, the serial's second moving on); checks: the filed plates over and over.
bodies() {
  /usr/bin/python3 - "$1" "$2" "$work/tokens" "$work/bodies-$1-$2.txt" "$vehicles" <<'PY'
import datetime, json, sys
kind, run, tokens_file, path, vehicles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
tokens = [line.split() for line in open(tokens_file) if len(line.split()) == 2]
start = datetime.datetime(2026, 11, 1) + datetime.timedelta(days=int(run.strip("abcdefghijklmnopqrstuvwxyz") or 0))
count = 150000
with open(path, "w") as out:
    for i in range(count):
        code, token = tokens[i % len(tokens)]
        plate = "豫K%05d" % (i % vehicles)
        if kind == "check":
            body = {"organ": code, "ipctype": "getCheckVehicle", "access_token": token, "value": {"license": plate, "licenseColor": "1"}}
        else:
            stream = i // len(tokens)
            gate, direction, step = stream % 99 + 1, "AB"[(stream // 99) % 2], stream // 198
            at = start + datetime.timedelta(seconds=step)
            lsh = "%s%02d%s%s" % (code, gate, direction, at.strftime("%y%m%d%H%M%S"))
            body = {"organ": code, "ipctype": "shareDrivingRecord", "access_token": token, "value": {
                "lsh": lsh, "qybh": code, "dzbh": "%02d" % gate, "cphm": plate, "cpys": "1", "tgsjq": at.strftime("%Y-%m-%d %H:%M:%S"),
                "tgzt": "1" if direction == "A" else "2", "bgzt": "1"}}
        out.write(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
  echo "$work/bodies-$1-$2.txt"
}

file_vehicles() {
  /usr/bin/python3 - "$work/tokens" "$port" "$vehicles" <<'PY'
import base64, json, sys, urllib.request
tokens = [line.split() for line in open(sys.argv[1]) if len(line.split()) == 2]
port, vehicles = sys.argv[2], int(sys.argv[3])
jpeg = base64.b64encode(bytes([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1, 0xFF, 0xD9])).decode()
for i in range(vehicles):
    code, token = tokens[i % len(tokens)]
    value = {"license": "豫K%05d" % i, "licenseColor": "1", "vehicleType": ["H11", "Q11", "H17"][i % 3], "emissionStandard": str(3 + i % 4),
             "fuelType": "B" if i % 10 else "E", "drivingLicenseImg": jpeg}
    body = json.dumps({"organ": code, "ipctype": "shareVehInfo", "access_token": token, "value": value}).encode()
    request = urllib.request.Request("http://127.0.0.1:%s/ysgk/restapi/transportControl/put_data" % port, body, {"Content-Type": "application/json"})
    assert '"200"' in urllib.request.urlopen(request).read().decode(), i
PY
}

echo "ParkGate Henan gate-control benchmark: $(date -u +%FT%TZ), $(nproc) cores, ${duration}s per run, wrk 1 thread, $enterprises enterprises, $vehicles filed vehicles"
echo
header
declare -A ceiling
taskset -c 0 "$bin/ParkGateCeiling" "$port" >/dev/null 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/ysgk/restapi/transportControl/put_data" -d '{}' && break; sleep 0.1; done
for code in "${codes[@]}"; do echo "$code CEILINGTOKEN"; done > "$work/tokens"
for c in $conns; do
  TARGET=/ysgk/restapi/transportControl/put_data BODIES=$(bodies passage "c$c") measure "ceiling put_data" "$c" 1 "$server"
  ceiling[p$c]=$last_per_cpu
  TARGET=/ysgk/restapi/transportControl/get_data BODIES=$(bodies check "c$c") measure "ceiling get_data" "$c" 1 "$server"
  ceiling[c$c]=$last_per_cpu
done
kill -TERM "$server"; wait "$server" 2>/dev/null || true

taskset -c 0 "$bin/parkgate" serve --data-dir "$city" --http-port "$port" --tcp-port 0 --log-level error &
server=$!; pids+=("$server"); wait_health
tokens
file_vehicles
day=0
for c in $conns; do
  day=$((day + 1))
  TARGET=/ysgk/restapi/transportControl/put_data BODIES=$(bodies passage "s$day") measure "shareDrivingRecord" "$c" 1 "$server"
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[p$c]}" | bc) | |"
  TARGET=/ysgk/restapi/transportControl/get_data BODIES=$(bodies check "s$day") measure "getCheckVehicle" "$c" 1 "$server"
  echo "|   ratio to ceiling per CPU-s | | | | | | | $(echo "scale=2; $last_per_cpu / ${ceiling[c$c]}" | bc) | |"
done
kill -TERM "$server"; wait "$server" 2>/dev/null || true

echo
echo "## relay city → province: the passages queued above"
province="$work/province"
"$bin/parkgate" city add --data-dir "$province" --org-secret BENCH --user city --password pw --organ 4110000000 >/dev/null
taskset -c 1 "$bin/parkgate" serve --data-dir "$province" --http-port "$province_port" --tcp-port 0 --log-level error &
province_pid=$!; pids+=("$province_pid")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$province_port/health" >/dev/null 2>&1 && break; sleep 0.1; done
queued=$("$bin/parkgate" relay status --data-dir "$city" | awk -F'\t' '$1 == "SendEnterExitDataEx" {print $2}')
before=$(cpu_ticks "$province_pid")
started=$(date +%s.%N)
PARKGATE_HENAN_PROVINCE_URL="http://127.0.0.1:$province_port" PARKGATE_HENAN_PROVINCE_SECRET=BENCH PARKGATE_HENAN_PROVINCE_USER=city \
  PARKGATE_HENAN_PROVINCE_PASSWORD=pw PARKGATE_HENAN_RELAY_INTERVAL=0.05 \
  taskset -c 0 "$bin/parkgate" serve --data-dir "$city" --http-port "$port" --tcp-port 0 --log-level error &
server=$!; pids+=("$server"); wait_health
city_before=$(cpu_ticks "$server")
while true; do
  pending=$("$bin/parkgate" relay status --data-dir "$city" | awk -F'\t' '$1 == "SendEnterExitDataEx" {print $2}')
  [ "${pending:-0}" = 0 ] && break
  sleep 0.5
done
seconds=$(echo "$(date +%s.%N) - $started" | bc)
city_cpu=$(echo "scale=2; ($(cpu_ticks "$server") - $city_before) / $hz" | bc)
province_cpu=$(echo "scale=2; ($(cpu_ticks "$province_pid") - $before) / $hz" | bc)
arrived=$(curl -s "http://127.0.0.1:$province_port/health" >/dev/null; "$bin/parkgate" relay status --data-dir "$city" | awk -F'\t' '$1 == "SendEnterExitDataEx" {print $3}')
echo "| passages queued | sent | seconds | passages/s | city CPU s | province CPU s |"
echo "|---|---|---|---|---|---|"
printf "| %s | %s | %.1f | %.0f | %s | %s |\n" "$queued" "$arrived" "$seconds" "$(echo "$arrived / $seconds" | bc -l)" "$city_cpu" "$province_cpu"
