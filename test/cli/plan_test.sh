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
# Regression: a row shorter than the header aborted (std::out_of_range) instead of naming the cell.
printf 'defender_covered,defender_uncovered,attacker_covered,attacker_uncovered,id\n1,-2,-1,1\n' >"$tmp/short.csv"
check short-target-row 2 "$fl" plan allocate --resources 1 --targets "$tmp/short.csv"
contains short-target-row-msg 'short.csv:2: column id: empty'

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

# From a forecast: run one, then plan from it (the same SQLite file).
check fc-none 3 "$fl" plan allocate --resources 3 --from-forecast
check forecast-admin2 0 "$fl" forecast --unit admin2 --period month --model rolling-poisson --horizon 2 --seed 5
run=$(sed -n 's/^saved as run //p' <<<"$out")
[ -n "$run" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL forecast run id not printed"; }
check from-forecast 0 "$fl" plan allocate --resources 3 --from-forecast
contains from-forecast-source "source: forecast run $run"
contains from-forecast-unknown "of unknown place left out"
contains from-forecast-formula "share_d = (attacks_d + 0.5)"
check from-forecast-h2 0 "$fl" --format json plan allocate --resources 3 --from-forecast "$run" --horizon 2
contains from-forecast-basis "attacks expected"
# The expected attacks in the plan are the forecast's means for horizon 2.
check forecast-json 0 "$fl" --format json forecast --unit admin2 --period month --model rolling-poisson --horizon 2 \
  --seed 5 --no-save
fc=$out
check from-forecast-h2-again 0 "$fl" --format json plan allocate --resources 3 --from-forecast "$run" --horizon 2
python3 - "$fc" "$out" <<'PY' && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL forecast means differ from the plan's"; }
import json, sys
fc = json.loads(sys.argv[1]); plan = json.loads(sys.argv[2])
means = {f["unit"]: f["mean"] for f in fc["forecasts"] if f["horizon"] == 2 and "(unknown)" not in f["unit"]}
got = {t["id"]: float(t["basis"].split(" attacks expected")[0]) for t in plan["targets"]}
assert set(got) == set(means), (sorted(got)[:3], sorted(means)[:3])
assert all(abs(got[u] - round(means[u], 2)) < 0.0051 for u in got), [(u, got[u], means[u]) for u in got][:3]
assert abs(sum(t["coverage"] for t in plan["targets"]) - 3) < 1e-6
PY
check from-forecast-bayes 0 "$fl" --format json plan allocate --resources 3 --from-forecast --model bayesian --max-types 2
contains from-forecast-bayes-types '"types"'
check from-forecast-bad-h 2 "$fl" plan allocate --resources 3 --from-forecast "$run" --horizon 9
contains from-forecast-bad-h-msg "has no horizon 9 (it has 1, 2)"
check from-forecast-no-run 3 "$fl" plan allocate --resources 3 --from-forecast no-such-run
check from-forecast-killed 0 "$fl" forecast --unit admin2 --measure killed --model rolling-poisson --horizon 2
krun=$(sed -n 's/^saved as run //p' <<<"$out")
check from-forecast-latest-killed 2 "$fl" plan allocate --resources 3 --from-forecast
contains from-forecast-latest-killed-msg "plan needs a run of the incidents measure"
check from-forecast-casualties 0 "$fl" plan allocate --resources 3 --from-forecast "$run" --casualty-forecast "$krun"
contains from-forecast-casualties-src "forecast killed per forecast attack"
check two-sources 2 "$fl" plan allocate --resources 3 --from-forecast "$run" --from-data

# Unit kinds that may only cover some targets, with their own effectiveness.
printf 'kind,count,capacity,effectiveness,targets\npolice,1,1,0.7,police-lines;market\nfc,1,1,1,*\n' >"$tmp/kinds.csv"
check kinds 0 "$fl" --format json plan allocate --unit-kinds "$tmp/kinds.csv" --targets "$targets" \
  --schedule-out "$tmp/k.json" --days 20 --seed 31337
contains kinds-summary '"unit_kinds"'
lacks kinds-no-seed "31337"
python3 - "$out" "$tmp/k.json" <<'PY' && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL unit kinds schedule"; }
import json, sys
plan = json.loads(sys.argv[1]); sched = json.load(open(sys.argv[2]))
allowed = {"police-lines", "market", "(reserve)"}
assert len(sched["days"]) == 20
for d in sched["days"]:
    police = [u for u in d["units"] if u["unit"].startswith("police")]
    assert police and all(t in allowed for u in police for t in u["targets"]), d
    ids = [t for u in d["units"] for t in u["targets"] if t != "(reserve)"]
    assert len(ids) == len(set(ids)), d
assert all(0 <= t["coverage"] <= 1 + 1e-9 for t in plan["targets"])
PY
printf 'kind,count,targets\npolice,1,nowhere\n' >"$tmp/badkinds.csv"
check kinds-bad-target 2 "$fl" plan allocate --unit-kinds "$tmp/badkinds.csv" --targets "$targets"
contains kinds-bad-target-msg 'badkinds.csv:2: column targets: no target, name or kind "nowhere"'
check kinds-bayes 2 "$fl" plan allocate --unit-kinds "$tmp/kinds.csv" --targets "$targets" --model bayesian \
  --attackers "$attackers"

# Secrecy: a schedule never goes to a terminal, pipe or FIFO — only a regular file.
mkfifo "$tmp/fifo"
check schedule-fifo 2 "$fl" plan allocate --resources 2 --targets "$targets" --schedule-out "$tmp/fifo" --seed 8675309
contains schedule-fifo-msg "not a regular file"
lacks schedule-fifo-no-seed "8675309"
ln -s "$tmp/s.json" "$tmp/link.json"
check schedule-symlink 2 "$fl" plan allocate --resources 2 --targets "$targets" --schedule-out "$tmp/link.json"
contains schedule-symlink-msg "not a regular file"

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
