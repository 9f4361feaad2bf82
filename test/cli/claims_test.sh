#!/usr/bin/env bash
# End-to-end checks of `faultline claims` on a real SQLite file.
# Usage: claims_test.sh FAULTLINE_BINARY [news]
#   without "news": import, re-import, add, list, check against the PBC demo data;
#   with "news": the issue's done-when — the checked-in claims file, with the
#   claims `ingest` stores from ../shared/data/news/ttp-ceasefire-ends.txt,
#   flags "282 attacks in 2021" as contradicted by PIPS's 207. Exits 77
#   (skipped) when that article is absent.
set -uo pipefail
fl=$1
mode=${2:-}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db
source "$(dirname "$0")/lib.sh"
# json_claim KEY_SUBSTRING FIELD: the field of the first checked claim whose key contains KEY_SUBSTRING.
json_field() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); m=[c for c in d if sys.argv[1] in c["key"]]; print(m[0][sys.argv[2]] if m else "")' "$1" "$2" <<<"$out"
}

check import 0 "$fl" claims import "$here/data/claims/published.tsv"
contains import-count "16 claims added, 0 updated, 0 unchanged"

if [ "$mode" = news ]; then
  article=$here/../shared/data/news/ttp-ceasefire-ends.txt
  if [ ! -f "$article" ]; then
    echo "SKIP: $article is absent (the news analysis lives in ../shared/data)"
    exit 77
  fi
  check ingest 0 "$fl" ingest --country PK "$article"
  contains ingest-claims "3 statistical claims (3 new or changed stored)"
  check reingest 0 "$fl" ingest --country PK "$article"
  contains reingest-noop "3 statistical claims (0 new or changed stored)"
  check check-json 0 "$fl" --format json claims check
  key=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([c["key"] for c in d if c["value"]==282 and c["metric"]=="attacks" and c["period"]=="2021"][0])' <<<"$out")
  [ -n "$key" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: no stored claim of 282 attacks in 2021"; }
  [ "$(json_field "$key" standing)" = reported ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 282 is not reported"; }
  [ "$(json_field "$key" claims)" = contradicted ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 282 not contradicted"; }
  summary=$(json_field "$key" summary)
  out=$summary
  contains contradicted-by-207 "contradicted — exceeds PIPS's 207 attacks (country=PK, 2021), a wider count, by 36%"
  contains differs-from-87 "differs from PIPS's 87 attacks (country=PK;perpetrator=TTP;affiliates=yes, 2021) by +224%"
  check check-json 0 "$fl" --format json claims check
  [ "$(json_field pips-2021-attacks claims)" = disputed ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: PIPS 207 should only be disputed by a reported figure"; }
  check check-table 0 "$fl" claims check --key "$key"
  contains table-verdict "contradicted"
  echo "claims (news): $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
fi

check reimport 0 "$fl" claims import "$here/data/claims/published.tsv"
contains reimport-noop "0 claims added, 0 updated, 16 unchanged"
check list 0 "$fl" claims list
contains list-pips "pips-2021-attacks"
contains list-crss "security_forces"
check bad-metric 2 "$fl" claims add --source X --metric deaths --period 2021 --value 3
contains bad-metric-msg "not a claim metric"
check bad-period 2 "$fl" claims add --source X --metric attacks --period 2021-13 --value 3
check bad-filter 2 "$fl" claims add --source X --metric attacks --filters "colour=red" --period 2021 --value 3
printf 'key\tsource\n' >"$tmp/short.tsv"
printf 'k\tX\tc\tprimary\tattacks\n' >>"$tmp/short.tsv"
check short-row 2 "$fl" claims import "$tmp/short.tsv"
contains short-row-where "short.tsv:2: expected at least 9"
printf 'k\tX\tcaf\xe9\tprimary\tattacks\t\t\t2021\t3\n' >"$tmp/latin1.tsv"
check latin1-row 2 "$fl" claims import "$tmp/latin1.tsv"
contains latin1-row-where "latin1.tsv:1: citation: invalid UTF-8 at byte 3"

# Against the data: the PBC demo suicide attacks of 2009 as the data counts them.
check demo-import 0 "$fl" import --no-progress --input-format csv "$here/data/demo/pbc_suicide_facts.csv"
check stats 0 "$fl" --format csv stats --from 2009-01-01 --to 2009-12-31 --measure incidents,killed
n=$(tail -1 <<<"$out" | cut -d, -f1)
k=$(tail -1 <<<"$out" | cut -d, -f2)
check add-same 0 "$fl" claims add --key same --source tester --metric attacks --filters "country=PK" --period 2009 --value "$n"
contains add-same-added "added"
check add-double 0 "$fl" claims add --key double --source tester --metric killed --filters "country=PK" --period 2009 --value $((2 * k))
check add-early 0 "$fl" claims add --key early --source tester --metric attacks --filters "country=PK" --period 1990 --value 5
check add-afghan 0 "$fl" claims add --key afghan --source tester --metric attacks --filters "country=AF" --period 2009 --value 5
check add-again 0 "$fl" claims add --key same --source tester --metric attacks --filters "country=PK" --period 2009 --value "$n"
contains add-again-unchanged "unchanged"
check check-json 0 "$fl" --format json claims check --key same --key double --key early --key afghan
[ "$(json_field same data)" = consistent ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: same not consistent"; }
[ "$(json_field same computed)" = "$n" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: computed != $n"; }
[ "$(json_field double data)" = differs ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: double not differs"; }
[ "$(json_field double diff_percent)" = 100.0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: double diff $(json_field double diff_percent)"; }
[ "$(json_field early data)" = insufficient_coverage ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: early"; }
[ "$(json_field afghan data)" = insufficient_coverage ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: afghan"; }
check check-table 0 "$fl" claims check --key early
contains coverage-stated "its data do not span the period: csv "
check check-tolerance 0 "$fl" --format json claims check --tolerance 0 --key same
[ "$(json_field same data)" = consistent ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: same at 0%"; }
check no-key 3 "$fl" claims check --key nonesuch

finish "claims"
