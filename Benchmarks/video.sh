#!/usr/bin/env bash
# Video platform capacity (厦门 附件 2 section 三): 20,000 registered cameras keeping alive every
# minute, a sustained vehicle-capture stream with ~200 KB pictures, and 100 read-API users
# searching captures at the same time; then the most captures the server takes, against a bare
# Hummingbird route that reads and decodes the same uploads and stores nothing (the ceiling), in
# the same run.
#
#   Benchmarks/video.sh                                  20,000 devices, 20 captures/s, 60 s, 100 users, SQLite FULL
#   DEVICES=5000 RATE=10 DURATION=30 Benchmarks/video.sh
#
# The server is pinned to core 0, the cameras and searchers to core 1. Memory is the server's
# resident size; CPU share is server CPU-seconds per second (1.0 = one core busy).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages libsqlite3-dev curl
swift build -c release --product parkgate >/dev/null
swift build -c release --product ParkGateVideoBench >/dev/null
swift build -c release --product ParkGateCeiling >/dev/null
bin=.build/release
devices=${DEVICES:-20000}
rate=${RATE:-20}
duration=${DURATION:-60}
searchers=${SEARCHERS:-100}
think=${THINK:-1}
size=${SIZE:-1280x720}
noise=${NOISE:-10}
flood_seconds=${FLOOD_SECONDS:-15}
flood_concurrency=${FLOOD_CONCURRENCY:-16}
port=18495
ceiling_port=18496
ulimit -n "$(ulimit -Hn)"
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
bench_workdir video
base="http://127.0.0.1:$port"

echo "ParkGate video capacity benchmark: $(date -u +%FT%TZ), $(nproc) cores; $devices devices, $rate captures/s of $size, $searchers searchers, ${duration}s"
"$bin/ParkGateVideoBench" picture-size "$size" "$noise"
"$bin/ParkGateVideoBench" prepare "$work/data" "$devices"
taskset -c 0 "$bin/parkgate" serve --data-dir "$work/data" --http-port "$port" --tcp-port 0 --log-level error &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done

echo "## read API alone"
taskset -c 1 "$bin/ParkGateVideoBench" search "$base" "$server" 10 "$searchers"
echo "## capacity: every device keeps alive each minute, captures, $searchers users searching once every ${think}s each"
taskset -c 1 "$bin/ParkGateVideoBench" capacity "$base" "$server" "$devices" "$rate" "$duration" "$searchers" "$size" "$noise" "$think"
echo "## read API alone, with the captures now stored"
taskset -c 1 "$bin/ParkGateVideoBench" search "$base" "$server" 10 "$searchers"
echo "## most captures taken (closed loop, $flood_concurrency in flight)"
taskset -c 1 "$bin/ParkGateVideoBench" flood "$base" "$server" "$flood_seconds" "$flood_concurrency" "$size" "$noise" parkgate
kill -TERM "$server"; wait "$server" 2>/dev/null || true

taskset -c 0 "$bin/ParkGateCeiling" "$ceiling_port" >/dev/null 2>&1 &
ceiling=$!; pids+=("$ceiling")
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$ceiling_port/redis/rest/car/authenticate.json" && break; sleep 0.1; done
taskset -c 1 "$bin/ParkGateVideoBench" flood "http://127.0.0.1:$ceiling_port" "$ceiling" "$flood_seconds" "$flood_concurrency" "$size" "$noise" ceiling
