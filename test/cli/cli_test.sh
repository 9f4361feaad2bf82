#!/usr/bin/env bash
# End-to-end checks of the faultline command: exit codes, one-line errors,
# import summaries, filters, exports. Usage: cli_test.sh FAULTLINE_BINARY
set -uo pipefail
fl=$1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db
source "$(dirname "$0")/lib.sh"

check init 0 "$fl" init
contains init "schema version"
check help 0 "$fl" import --help
contains help "--quarantine"

# Atomic import refuses a file with a bad row, names file, line and column.
check atomic 2 "$fl" import --input-format csv "$here/bad/non_numeric_count.csv"
contains atomic-error "non_numeric_count.csv:3: column killed_civilians_best: \"12a\" is not a whole number"
contains atomic-summary "read 2 rows = 1 stored"
contains atomic-nothing "nothing imported"
check atomic-count 0 "$fl" query --count
contains atomic-count "0"

# Quarantine keeps the good row and writes the bad one with its reason.
check quarantine 0 "$fl" import --input-format csv --quarantine "$tmp/q.csv" "$here/bad/non_numeric_count.csv"
contains quarantine-summary "read 2 rows = 1 stored (1 new, 0 updated, 0 unchanged) + 1 rejected"
grep -q '"12a"' "$tmp/q.csv" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL quarantine file"; }

# Format detection, re-import is unchanged.
check detect 0 "$fl" import "$here/bad/bom_crlf.csv"
contains detect "(csv): read 2 rows = 2 stored (1 new, 0 updated, 1 unchanged)"
check reimport 0 "$fl" import "$here/bad/bom_crlf.csv"
contains reimport "0 new, 0 updated, 2 unchanged"

# A Windows-1252 file (GTD as Excel writes it): rejected as UTF-8 with the
# option named, imported with --encoding cp1252; an unknown encoding is a
# usage error. A database of its own, so the counts below are unaffected.
check encoding-utf8 2 "$fl" --db "$tmp/enc.db" import --input-format gtd "$here/fixtures/gtd_cp1252.csv"
contains encoding-hint "pass --encoding latin1 or cp1252"
check encoding-cp1252 0 "$fl" --db "$tmp/enc.db" import --input-format gtd --encoding cp1252 "$here/fixtures/gtd_cp1252.csv"
contains encoding-cp1252 "read 2 rows = 2 stored (2 new, 0 updated, 0 unchanged) + 0 rejected"
check encoding-text 0 "$fl" --db "$tmp/enc.db" query --count --text "café"
contains encoding-text "1"
check encoding-unknown 2 "$fl" --db "$tmp/enc.db" import --input-format gtd --encoding ebcdic "$here/fixtures/gtd_cp1252.csv"
contains encoding-unknown "unknown encoding \"ebcdic\""

# Queries, filters and formats.
check query-json 0 "$fl" --format json query --admin1 Baluchistan
contains query-json '"admin1":"Balochistan"'
check stats 0 "$fl" --format csv stats --by year,admin1
contains stats "2022,Balochistan,"
check admin2 0 "$fl" query --count --admin2 QUETTA
contains admin2 "2"
check admin1-alias 0 "$fl" query --count --admin1 Baluchistan --no-former
contains admin1-alias "2"
check bad-date 2 "$fl" query --from 2021-02-30
contains bad-date "faultline: --from: "
check bad-format 2 "$fl" --format yaml query
check bad-dim 2 "$fl" stats --by province
contains bad-dim "not a dimension"
check bad-bbox 2 "$fl" query --bbox 1,2,3
check missing-file 3 "$fl" import --input-format csv "$tmp/nope.csv"
contains missing-file "nope.csv"
check unknown-format 2 "$fl" import --input-format xml "$here/bad/bom_crlf.csv"
check injection 0 "$fl" query --count --text "'; DROP TABLE incidents; --" --admin1 "x' OR '1'='1"
contains injection "0"
check still-there 0 "$fl" query --count
contains still-there "2"

# Phases, the cube's new dimensions and measures, change points, effects.
check phases-import 0 "$fl" phases import "$here/../data/phases/ttp_timeline.tsv"
contains phases-import "9 phases added"
check phases-reimport 0 "$fl" phases import "$here/../data/phases/ttp_timeline.tsv"
contains phases-reimport "0 phases added, 0 updated, 9 unchanged"
check phases-add 0 "$fl" phases add --key test-talks --type talks --name "Test talks" --start 2022-01-01 --end 2022-01-31
contains phases-add "added"
check phases-bad 2 "$fl" phases add --key x --type truce --name X --start 2022-01-01
contains phases-bad "not a phase type"
check phases-list 0 "$fl" --format csv phases list
contains phases-list "ttp-ceasefire-2022,ceasefire,TTP indefinite ceasefire,TTP|PK-STATE,PK,2022-06-02,2022-11-27"
check stats-phase 0 "$fl" --format csv stats --by phase --measure incidents,killed_high,killed_civilians_low
contains stats-phase "phase,incidents,killed_high,killed_civilians_low"
check stats-change 0 "$fl" --format csv stats --by month --change
contains stats-change "incidents_prev,incidents_change_pct,incidents_avg4w,incidents_avg52w"
check stats-change-noperiod 2 "$fl" stats --by admin1 --change
check bad-measure 2 "$fl" stats --measure deaths
check changepoints 0 "$fl" changepoints --by month
contains changepoints "PELT (Poisson cost, penalty mbic"
check changepoints-crops 0 "$fl" --format csv changepoints --by month --crops 1,50
contains changepoints-crops "penalty_from,penalty_to,changes,cost,changepoints"
check changepoints-bocpd 0 "$fl" changepoints --by week --method bocpd --max-run 100
contains changepoints-bocpd "BOCPD (Poisson-Gamma"
check changepoints-bad 2 "$fl" changepoints --penalty aic
check effect-unknown 3 "$fl" effect --phase nope
check effect-none 2 "$fl" effect

# Exports.
check export-geojson 0 "$fl" export --to-format geojson -o "$tmp/x.geojson"
contains export-geojson "exported 2 rows"
check export-xlsx-stdout 2 "$fl" export --to-format xlsx

finish "cli"
