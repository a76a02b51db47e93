# Shared by the benchmark scripts: CPU accounting, health waits, one measured wrk run.
# Expects: $port, $duration, and for measure: SCRIPT (wrk Lua script) and TARGET (path).
hz=$(getconf CLK_TCK)

# bench_workdir NAME: a fresh $work directory and an empty $pids list; on exit the servers in
# $pids are stopped, a PostgreSQL cluster in $work/pg (if any) too, and $work is removed.
bench_workdir() {
  work=$(mktemp -d "/tmp/parkgate-$1.XXXXXX")
  chmod 755 "$work"
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -d "$work/pg" ] && scripts/throwaway-postgres stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
run_id=0

cpu_ticks() {  # utime+stime of the given pids, in clock ticks
  local total=0
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
postgres_pids() { pgrep -u postgres -f "postgres" | tr '\n' ' '; }

wait_health() {
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not come up" >&2; return 1
}

# roadside_start BINARY DATABASE_URL SERVE_FLAGS [PREFIX…]: a fresh data directory with vendor
# 102 keyed, then `PREFIX… BINARY serve` on $port (PREFIX e.g. `taskset -c 0`; SERVE_FLAGS split
# into words, e.g. "--sqlite-synchronous FULL"; an empty DATABASE_URL is SQLite in the data
# directory), once healthy. Sets $server (also added to $pids) and exports TOKEN, a live token of
# vendor 102 for Benchmarks/msensor.lua.
roadside_start() {
  local binary=$1 database=$2 flags=$3; shift 3
  local dir="$work/data-$run_id-$RANDOM$RANDOM"
  "$binary" vendor add --data-dir "$dir" ${database:+--database "$database"} --code 102 --key BENCHKEY >/dev/null
  # shellcheck disable=SC2086
  "$@" "$binary" serve --data-dir "$dir" ${database:+--database "$database"} --http-port "$port" $flags --log-level error &
  server=$!; pids+=("$server"); wait_health
  TOKEN=$(curl -s -d 'jdata={"comType":"102","dataTime":"20240301083000","comKey":"BENCHKEY"}' \
    "http://127.0.0.1:$port/park/token" | sed 's/.*"token":"\([0-9A-F]*\)".*/\1/')
  export TOKEN
}

# measure LABEL CONNECTIONS WRK_TASKSET SERVER_PIDS… ; prints one table row, sets last_rps/last_per_cpu
measure() {
  local label=$1 c=$2 wrk_cpu=$3; shift 3
  local server_pids=("$@")
  run_id=$((run_id + 1))
  local before after out
  before=$(cpu_ticks "${server_pids[@]}")
  out=$(RUN=$run_id CONNECTIONS=$c ${wrk_cpu:+taskset -c $wrk_cpu} wrk -t 1 -c "$c" -d "${duration}s" --timeout 10s \
        -s "${SCRIPT:-Benchmarks/msensor.lua}" "http://127.0.0.1:$port${TARGET:-/park/msensor}" | grep '^RESULT')
  after=$(cpu_ticks "${server_pids[@]}")
  eval "$(echo "$out" | sed 's/^RESULT //' | tr ' ' '\n' | sed 's/^/local /')"
  local seconds cpu
  seconds=$(echo "scale=3; $duration_us / 1000000" | bc)
  cpu=$(echo "scale=3; ($after - $before) / $hz" | bc)
  last_rps=$(echo "scale=0; $acked / $seconds" | bc)
  last_per_cpu=$(echo "scale=0; $acked / ($cpu + 0.001)" | bc)
  printf "| %-22s | %5s | %8s | %8s | %7s | %7s | %6s | %9s | %8s |\n" "$label" "$c" "$last_rps" "$acked" \
    "$(echo "scale=2; $p50_us/1000" | bc)" "$(echo "scale=2; $p99_us/1000" | bc)" "$cpu" "$last_per_cpu" "$((refused + errors))"
}

header() {
  echo "| run | conns | acked/s | acked | p50 ms | p99 ms | server CPU s | acked/CPU-s | refused+errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
}

