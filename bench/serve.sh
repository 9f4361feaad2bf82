#!/usr/bin/env bash
# HTTP API benchmark for docs/benchmarks.md: wrk against /api/v1/stats and
# /api/v1/incidents?limit=100 with N synthetic incidents in SQLite, beside
# the same questions asked through the CLI (one process per question, which
# is what a script does without the server). Called by bench/run.sh serve;
# needs build/bench (make bench builds it) and wrk (install-deps).
# REF=/path/to/an/older/faultline runs every server line with that binary
# first, for a side-by-side comparison in one run. `bench/serve.sh memory`
# instead serves both routes under load for MEMORY_MINUTES (10) and samples
# the server's RSS every 30 s, with a dashboard sign-in every minute (a
# write that changes no incident) and, half-way, an edit of incident 1 by
# the CLI (another process), which makes the server load its cube again.
# `bench/serve.sh dashboard` times the dashboard in headless chromium.
# `bench/serve.sh list` measures only the incident list without the response
# cache, REF and the build taking turns ROUNDS (3) times (REF_DB: REF's copy).
# Usage: bench/serve.sh [memory|dashboard|list]   SERVE_ROWS=1000000 DURATION=30s THREADS=8 CONNECTIONS=8 REF=
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bench
FL=${FL:-$B/faultline}
REF=${REF:-}
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

run_server() {  # run_server CACHE_SECONDS [BINARY]
  ${2:-$FL} --db "$db" serve --port "$PORT" --no-web --quiet --rate-limit 0 --threads "$THREADS" \
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

pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
get() { curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$1"; }

password="bench-dashboard-only"  # a throwaway admin in the generated bench database
ensure_admin() {
  $FL --db "$db" users list | grep -q '^benchadmin ' ||
    echo "$password" | $FL --db "$db" users add benchadmin --role admin --password-stdin >/dev/null
}
signin() {  # a dashboard sign-in: writes a session and the audit log, no incident
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"name\":\"benchadmin\",\"password\":\"$password\"}" "http://127.0.0.1:$PORT/api/v1/session"
}

if [ "${1:-}" = dashboard ]; then
  # First load and filter changes in headless chromium, with the reference
  # binary first when REF is set.
  ensure_admin
  for bin in $REF $FL; do
    echo "== dashboard over $ROWS incidents: $bin ($(uptime | sed 's/.*load/load/'))"
    $bin --db "$db" serve --port "$PORT" --web web --quiet --rate-limit 0 --threads "$THREADS" \
      >"$OUT/serve.out" 2>"$OUT/serve.err" &
    pid=$!
    for _ in $(seq 1 600); do grep -q serving "$OUT/serve.out" 2>/dev/null && break; sleep 0.05; done
    node bench/dashboard.mjs "http://127.0.0.1:$PORT/" benchadmin "$password" || echo "(dashboard timing failed)"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  exit 0
fi

if [ "${1:-}" = memory ]; then
  # Both routes under wrk; every minute a sign-in (a write that changes no
  # incident), and half-way an edit of one incident by another process (the
  # CLI), which makes the cube load again under load.
  minutes=${MEMORY_MINUTES:-10}
  ensure_admin
  echo "== RSS of the server under wrk on both routes for $minutes min ($ROWS incidents, --threads $THREADS)"
  run_server 10
  get /api/v1/stats
  wrk -t1 -c4 -d"${minutes}m" --timeout 30s -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$PORT/api/v1/incidents?limit=100" >"$OUT/wrk_mem_list.txt" &
  w1=$!
  wrk -t1 -c4 -d"${minutes}m" --timeout 30s -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$PORT/api/v1/stats" >"$OUT/wrk_mem_stats.txt" &
  w2=$!
  for i in $(seq 0 $((minutes * 2))); do
    note=
    if [ "$i" -gt 0 ] && [ $((i % 2)) -eq 0 ] && [ "$i" -lt $((minutes * 2)) ]; then note="sign-in $(signin)"; fi
    if [ "$i" -eq "$minutes" ]; then
      $FL --db "$db" review edit 1 --set "notes=edited during the memory run" --reason bench >/dev/null &&
        note="$note; incident 1 edited by the CLI"
    fi
    printf '%5d s  %s  %s\n' $((i * 30)) "$(rss)" "$note"
    [ "$i" -lt $((minutes * 2)) ] && sleep 30
  done
  wait "$w1" "$w2" || true
  grep -hE "Requests/sec|Non-2xx|Socket errors|Latency" "$OUT/wrk_mem_list.txt" "$OUT/wrk_mem_stats.txt" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  exit 0
fi

if [ "${1:-}" = list ]; then
  # The incident list without the response cache (every request reads its
  # rows and writes its page), REF and FL taking turns ROUNDS times. REF_DB
  # is the reference's copy of the data when REF cannot open $db (an older
  # schema): e.g. `faultline export -t ndjson` of $db imported by REF.
  ref_db=${REF_DB:-$db}
  $REF --db "$ref_db" users list | grep -q '^bench ' || $REF --db "$ref_db" users add bench --role viewer >/dev/null
  ref_token=$($REF --db "$ref_db" users token bench --label bench 2>/dev/null)
  new_db=$db new_token=$token
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for bin in $REF $FL; do
      if [ "$bin" = "$FL" ]; then db=$new_db token=$new_token tag=""; else db=$ref_db token=$ref_token tag=" [REF]"; fi
      run_server 0 "$bin"
      get /api/v1/incidents?limit=100
      bench "round $round: GET /api/v1/incidents?limit=100 (no response cache)$tag" "/api/v1/incidents?limit=100"
      kill "$pid"; wait "$pid" 2>/dev/null || true
    done
  done
  exit 0
fi

for bin in $REF $FL; do
  tag=$([ "$bin" = "$FL" ] && echo "" || echo " [REF]")
  echo "== HTTP API over $ROWS incidents (SQLite), wrk -t2 -c$CONNECTIONS -d$DURATION, server --threads $THREADS: $bin ($(uptime | sed 's/.*load/load/'))"
  run_server 10 "$bin"
  # One request first, so the cached rows measure the cache, not its first fill.
  get /api/v1/stats
  get "/api/v1/stats?by=month,admin1"
  bench "GET /api/v1/incidents?limit=100$tag" "/api/v1/incidents?limit=100"
  bench "GET /api/v1/incidents?limit=100&admin1=Balochistan$tag" "/api/v1/incidents?limit=100&admin1=Balochistan"
  bench "GET /api/v1/stats (cached, 10 s)$tag" "/api/v1/stats"
  bench "GET /api/v1/stats?by=month,admin1 (cached, 10 s)$tag" "/api/v1/stats?by=month,admin1"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  run_server 0 "$bin"
  get /api/v1/stats  # the cube (if the binary keeps one) is loaded once
  bench "GET /api/v1/incidents?limit=100 (no response cache)$tag" "/api/v1/incidents?limit=100"
  DURATION=${UNCACHED_DURATION:-10s} bench "GET /api/v1/stats (no response cache)$tag" "/api/v1/stats"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "== the same questions through the CLI"
cli "faultline query --limit 100 --format json" $FL --db "$db" --format json query --limit 100
cli "faultline stats (totals)" $FL --db "$db" --format json stats
cli "faultline stats --by month,admin1" $FL --db "$db" --format json stats --by month,admin1
