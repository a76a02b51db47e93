#!/usr/bin/env bash
# Where a roadside request's CPU goes: the ceiling, then ParkGate with parts of its path left out,
# then ParkGate whole, alternating in each round, pinned (server on core 0, wrk on core 1).
#
#   ROUNDS=3 CONNS="16 64" Benchmarks/breakdown.sh
#
# The parts are left out by a build of the current commit with Benchmarks/breakdown.patch
# applied (in .build-breakdown/, its own source tree and build directory; the first build takes
# as long as any release build). The patch adds environment switches that answer 100 without
# storing, which is why it is never part of the product:
#   BREAKDOWN_SKIP_STORE       the writer batches and answers, nothing is committed
#   BREAKDOWN_SKIP_WRITER      the gateway answers without the writer
#   BREAKDOWN_SKIP_MIDDLEWARE  no request-log or metrics middleware
#   BREAKDOWN_SKIP_GUARD       no slow-client guard (ConnectionGuard) in the channel pipeline
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages wrk curl
duration=${DURATION:-6}
conns=${CONNS:-"16 64"}
rounds=${ROUNDS:-3}
port=18487
root=$PWD
tree=$root/.build-breakdown/src
if [ ! -d "$tree" ]; then
  mkdir -p "$root/.build-breakdown"
  git worktree add --detach "$tree" HEAD >/dev/null 2>&1
fi
git -C "$tree" checkout -q --detach -f "$(git rev-parse HEAD)"
git -C "$tree" apply "$root/Benchmarks/breakdown.patch"
swift build -c release --product parkgate --package-path "$tree" --scratch-path "$root/.build-breakdown/build" >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
patched=$root/.build-breakdown/build/release/parkgate
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir breakdown

variant() {  # LABEL ENV…
  local label=$1; shift
  roadside_start "$patched" "" "" env "$@" taskset -c 0
  for c in $conns; do
    measure "$label" "$c" 1 "$server"
    echo "$label|$c|$last_per_cpu" >> "$work/figures"
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
}

echo "Breakdown of /park/msensor: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), ${duration}s per run, $rounds rounds"
header
for _ in $(seq 1 "$rounds"); do
  taskset -c 0 .build/release/ParkGateCeiling "$port" >/dev/null 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 100); do curl -s -o /dev/null -d 'jdata={"flowId":"1"}' "http://127.0.0.1:$port/park/msensor" && break; sleep 0.1; done
  for c in $conns; do
    TOKEN=x measure "ceiling" "$c" 1 "$server"
    echo "ceiling|$c|$last_per_cpu" >> "$work/figures"
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
  variant "gateway only" BREAKDOWN_SKIP_WRITER=1 BREAKDOWN_SKIP_MIDDLEWARE=1
  variant "+ middleware" BREAKDOWN_SKIP_WRITER=1
  variant "+ writer, no commit" BREAKDOWN_SKIP_STORE=1
  variant "ParkGate (SQLite FULL)" PARKGATE_BREAKDOWN=whole
done

echo
echo "Means over $rounds rounds, acknowledged per server CPU-second (ratio to the ceiling; µs per request):"
python3 - "$work/figures" <<'PY'
import sys, collections
sums = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    label, c, value = line.strip().split("|")
    if label not in order: order.append(label)
    sums[(label, c)].append(float(value))
conns = sorted({c for (_, c) in sums}, key=int)
print("| part | " + " | ".join(f"{c} connections" for c in conns) + " |")
print("|---|" + "---|" * len(conns))
for label in order:
    cells = []
    for c in conns:
        mean = sum(sums[(label, c)]) / len(sums[(label, c)])
        ceiling = sum(sums[("ceiling", c)]) / len(sums[("ceiling", c)])
        cells.append(f"{mean:,.0f} ({mean / ceiling:.2f}; {1e6 / mean:.0f} µs)")
    print(f"| {label} | " + " | ".join(cells) + " |")
PY
