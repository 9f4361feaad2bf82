#!/usr/bin/env bash
# End-to-end checks of `faultline forecast`, `backtest` and `alerts` on the
# demo PBC facts: the baselines are always scored, the verdict names the
# default, runs are stored and reproducible with a seed, charts are written,
# rules are read and a webhook that cannot be reached fails with one line.
# Usage: forecast_test.sh FAULTLINE_BINARY
set -uo pipefail
fl=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db
source "$(dirname "$0")/lib.sh"

check import 0 "$fl" import --no-progress "$here/data/demo/pbc_suicide_facts.csv"
check backtest 0 "$fl" backtest --unit admin1 --origins 6 --horizon 2 --samples 200 --charts "$tmp/charts"
contains backtest-baseline "rolling-nb"
contains backtest-no-change "no-change"
contains backtest-hawkes "hawkes"
contains backtest-verdict "is the default"
[ -s "$tmp/charts/pit.png" ] && [ -s "$tmp/charts/reliability.png" ] && pass=$((pass + 1)) || {
  fail=$((fail + 1)); echo "FAIL charts: not written"; }
check backtest-models 0 "$fl" --format json backtest --models hawkes --origins 4 --horizon 1 --samples 100
contains backtest-json-baselines '"model": "rolling-poisson"'
check backtest-unknown-model 3 "$fl" backtest --models prophet
contains backtest-unknown-model-msg 'no model "prophet"'

check forecast 0 "$fl" forecast --model rolling-nb --horizon 3 --seed 4
contains forecast-saved "saved as run"
contains forecast-columns "P(>=5)"
check forecast-json-1 0 "$fl" --format json forecast --model hawkes --horizon 2 --samples 200 --seed 9 --no-save
first=$out
check forecast-json-2 0 "$fl" --format json forecast --model hawkes --horizon 2 --samples 200 --seed 9 --no-save
[ "$(grep -v '"run"' <<<"$first")" = "$(grep -v '"run"' <<<"$out")" ] && pass=$((pass + 1)) || {
  fail=$((fail + 1)); echo "FAIL reproducible: two runs with seed 9 differ"; }
check forecast-bad-unit 2 "$fl" forecast --unit district
contains forecast-bad-unit-msg "is not one of country, admin1, admin2, grid"
check forecast-killed 0 "$fl" forecast --measure killed --model rolling-poisson --no-save
check forecast-hawkes-killed 6 "$fl" forecast --measure killed --model hawkes --no-save
contains forecast-hawkes-killed-msg "hawkes models incidents"

cat >"$tmp/rules.json" <<'JSON'
[{"name": "surge", "kind": "probability", "at_least": 1, "above": 0.01},
 {"name": "regime", "kind": "changepoint", "within": 400}]
JSON
check rules 0 "$fl" alerts rules --rules "$tmp/rules.json"
contains rules-desc "P(count >= 1) next period > 0.01"
check alerts 0 "$fl" alerts list --rules "$tmp/rules.json" --model rolling-nb
contains alerts-fired "surge"
check alerts-webhook-down 10 "$fl" alerts list --rules "$tmp/rules.json" --model rolling-nb --attempts 1 \
  --webhook http://127.0.0.1:9/hook
contains alerts-webhook-msg "webhook http://127.0.0.1:9/hook"
echo '[{"kind": "nope"}]' >"$tmp/bad.json"
check rules-bad 2 "$fl" alerts rules --rules "$tmp/bad.json"
contains rules-bad-msg "alert rule 1: kind \"nope\""

finish "forecast cli"
