#!/usr/bin/env bash
# Browser test of the dashboard: loads the demo facts, the sample news, the
# phases, the published claims and a forecast run into a fresh SQLite file,
# creates an admin and a viewer, starts `faultline serve` on a free
# loopback port and runs dashboard.test.mjs (playwright-core driving Debian's
# chromium headless). Screenshots go to ARTIFACT_DIR.
# Usage: run.sh FAULTLINE_BINARY ARTIFACT_DIR
set -euo pipefail
FL=$1
OUT=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x /usr/bin/chromium ]; then
  echo "browser test: /usr/bin/chromium is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if [ ! -f "$SRC/web/node_modules/playwright-core/package.json" ]; then
  echo "browser test: web/node_modules/playwright-core is missing (scripts/install-deps.sh runs npm ci)" >&2
  exit 1
fi
mkdir -p "$OUT"
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/dashboard.db
"$FL" --db "$db" import --no-progress --input-format csv "$SRC/data/demo/pbc_suicide_facts.csv" \
  "$SRC/data/demo/pbc_drone_facts.csv" >/dev/null
"$FL" --db "$db" ingest "$SRC/data/samples/news" >/dev/null 2>&1
# Phases, published claims and a stored forecast run for the analysis view.
"$FL" --db "$db" phases import "$SRC/data/phases/ttp_timeline.tsv" >/dev/null
"$FL" --db "$db" claims import "$SRC/data/claims/published.tsv" >/dev/null
"$FL" --db "$db" forecast --model rolling-nb --unit admin1 --period month --horizon 3 >/dev/null 2>&1
password="browser-test-$RANDOM$RANDOM"
echo "$password" | "$FL" --db "$db" users add admin --role admin --password-stdin >/dev/null
viewer_password="browser-viewer-$RANDOM$RANDOM"
echo "$viewer_password" | "$FL" --db "$db" users add viewer --role viewer --password-stdin >/dev/null
"$FL" --db "$db" serve --port 0 --web "$SRC/web" --quiet >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
# Wait for the line that says where it listens (a condition, not a fixed delay).
url=
for _ in $(seq 1 1200); do
  url=$(sed -n 's/.* on \(http:\/\/[0-9.]*:[0-9]*\)\/.*/\1/p' "$tmp/serve.out")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.05
done
[ -n "$url" ] || { echo "server did not start" >&2; cat "$tmp/serve.err" >&2; exit 1; }
node "$SRC/test/browser/dashboard.test.mjs" "$url" admin "$password" "$OUT" viewer "$viewer_password"
