#!/usr/bin/env bash
# End-to-end checks of `faultline plan allocate` and `faultline plan patrol`:
# the three models on a hand-written game, --from-data on a real SQLite
# file, the shipped border, and the secrecy rules — schedules and seeds go
# only to the --schedule-out file (mode 0600), never to stdout or stderr.
# Usage: plan_test.sh FAULTLINE_BINARY
set -uo pipefail
fl=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db
source "$(dirname "$0")/lib.sh"
targets=$here/test/plan/targets.csv
attackers=$here/test/plan/attackers.csv
border=$here/data/plan/pak_afghan_border.csv

check sse 0 "$fl" plan allocate --resources 2 --targets "$targets"
contains sse-reason "in the attack set"
contains sse-deviation "worst case (any target)"
check sse-json 0 "$fl" --format json plan allocate --resources 2 --targets "$targets"
contains sse-json-tie '"tie_break"'
sum=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(sum(t["coverage"] for t in d["targets"]),6))' <<<"$out")
[ "$sum" = "2.0" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL sse-sum: coverage sums to $sum"; }
check bayesian 0 "$fl" plan allocate --resources 1 --targets "$targets" --attackers "$attackers" --model bayesian
contains bayesian-types "TTP"
check qr 0 "$fl" plan allocate --resources 1 --targets "$targets" --model qr --lambda 0.05
contains qr-dev "quantal response lambda=0.05"
check bad-model 2 "$fl" plan allocate --resources 1 --targets "$targets" --model nash
contains bad-model-msg "is not one of sse, bayesian, qr"
check both-sources 2 "$fl" plan allocate --resources 1 --targets "$targets" --from-data
check no-bayes-types 2 "$fl" plan allocate --resources 1 --targets "$targets" --model bayesian
printf 'id,defender_covered,defender_uncovered,attacker_covered,attacker_uncovered\na,1,2,-1,1\n' >"$tmp/bad.csv"
check bad-payoffs 2 "$fl" plan allocate --resources 1 --targets "$tmp/bad.csv"
contains bad-payoffs-msg 'target "a": defender_covered must be greater'

# Schedules: only into the 0600 file; nothing of them on the terminal.
check schedule 0 "$fl" plan allocate --units "police:1,army:1" --targets "$targets" --schedule-out "$tmp/s.json" \
  --days 5 --seed 424242 --geojson "$tmp/a.geojson"
lacks schedule-no-seed "424242"
contains schedule-note "mode 0600"
[ "$(stat -c %a "$tmp/s.json")" = 600 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL schedule mode"; }
grep -q '"seed": 424242' "$tmp/s.json" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL seed not in file"; }
days=$(python3 -c 'import json; d=json.load(open("'"$tmp/s.json"'")); print(len(d["days"]), len(d["days"][0]["units"]))')
[ "$days" = "5 2" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL schedule shape: $days"; }
grep -q '"FeatureCollection"' "$tmp/a.geojson" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL geojson"; }
check units-mismatch 2 "$fl" plan allocate --resources 3 --units "police:1" --targets "$targets"

# From the store: districts, rates and casualties from history.
check import 0 "$fl" import "$here/data/demo/pbc_suicide_facts.csv"
check from-data 0 "$fl" plan allocate --resources 5 --from-data
contains from-data-source "source: history"
contains from-data-formula "share_d = (attacks_d + 0.5)"
check from-data-bayes 0 "$fl" --format json plan allocate --resources 5 --from-data --model bayesian --max-types 2
contains from-data-bayes-types '"types"'

# Border patrols.
check patrol 0 "$fl" plan patrol --border "$border" --units 4
contains patrol-torkham "Torkham"
contains patrol-worst "worst case"
check patrol-schedule 0 "$fl" plan patrol --border "$border" --units 4 --days 30 --seed 777001 --schedule-out "$tmp/p.json"
lacks patrol-no-seed "777001"
[ "$(stat -c %a "$tmp/p.json")" = 600 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL patrol mode"; }
check patrol-units 2 "$fl" plan patrol --border "$border" --units 0
check patrol-missing 3 "$fl" plan patrol --border "$tmp/none.csv" --units 2

finish "plan CLI"
