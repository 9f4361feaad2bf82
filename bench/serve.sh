#!/usr/bin/env bash
# HTTP API benchmark for docs/benchmarks.md: wrk against /api/v1/stats and
# /api/v1/incidents?limit=100 with N synthetic incidents in SQLite, beside
# the same questions asked through the CLI (one process per question, which
# is what a script does without the server). Called by bench/run.sh serve;
# needs build/bench (make bench builds it) and wrk (install-deps).
# Usage: bench/serve.sh   SERVE_ROWS=1000000 DURATION=30s THREADS=8 CONNECTIONS=8
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bench
FL=$B/faultline
OUT=${BENCH_OUT:-bench/out}
ROWS=${SERVE_ROWS:-1000000}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-8}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18765}
mkdir -p "$OUT"
export FAULTLINE_DATA=$PWD/data FAULTLINE_BUILD_DATA=$PWD/$B/data
db=$OUT/serve_${ROWS}.db
if [ ! -f "$db" ]; then
  echo "generating $ROWS incidents into $db"
  $B/bench/gen_incidents "$db" "$ROWS"
fi
$FL --db "$db" users list | grep -q '^bench ' || $FL --db "$db" users add bench --role viewer >/dev/null
token=$($FL --db "$db" users token bench --label bench 2>/dev/null)

run_server() {  # run_server CACHE_SECONDS
  $FL --db "$db" serve --port "$PORT" --no-web --quiet --rate-limit 0 --threads "$THREADS" \
    --cache-seconds "$1" >"$OUT/serve.out" 2>"$OUT/serve.err" &
  pid=$!
  for _ in $(seq 1 600); do grep -q serving "$OUT/serve.out" 2>/dev/null && return; sleep 0.05; done
  echo "server did not start"; cat "$OUT/serve.err"; exit 1
}
rss() { awk '/VmRSS/ {printf "%d MiB", $2/1024}' /proc/"$pid"/status; }
bench() {  # bench LABEL PATH
  local label=$1 path=$2
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path" \
    >"$OUT/wrk.txt"
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/wrk.txt")
  errs=$(grep -E "Non-2xx|Socket errors" "$OUT/wrk.txt" | tr '\n' ' ' || true)
  printf '%-58s %10s req/s  p50 %8s  p99 %8s  rss %s %s\n' "$label" "$rps" "$p50" "$p99" "$(rss)" "${errs:-no errors}"
}
cli() {  # cli LABEL CMD...
  local label=$1
  shift
  /usr/bin/time -f "%e" -o "$OUT/time.txt" "$@" >/dev/null
  printf '%-58s %10s s per question (one process each)\n' "$label" "$(cat "$OUT/time.txt")"
}

echo "== HTTP API over $ROWS incidents (SQLite), wrk -t2 -c$CONNECTIONS -d$DURATION, server --threads $THREADS"
run_server 10
# One request first, so the cached rows measure the cache, not its first fill.
curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/stats"
curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/stats?by=month,admin1"
bench "GET /api/v1/incidents?limit=100" "/api/v1/incidents?limit=100"
bench "GET /api/v1/incidents?limit=100&admin1=Balochistan" "/api/v1/incidents?limit=100&admin1=Balochistan"
bench "GET /api/v1/stats (cached, 10 s)" "/api/v1/stats"
bench "GET /api/v1/stats?by=month,admin1 (cached, 10 s)" "/api/v1/stats?by=month,admin1"
kill "$pid"; wait "$pid" 2>/dev/null || true
run_server 0
DURATION=${UNCACHED_DURATION:-10s} bench "GET /api/v1/stats (no cache: a full scan per request)" "/api/v1/stats"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "== the same questions through the CLI"
cli "faultline query --limit 100 --format json" $FL --db "$db" --format json query --limit 100
cli "faultline stats (totals)" $FL --db "$db" --format json stats
cli "faultline stats --by month,admin1" $FL --db "$db" --format json stats --by month,admin1
