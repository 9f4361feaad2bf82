#!/usr/bin/env bash
# End-to-end checks of `faultline report` over the PBC demo data: the three
# formats, the format taken from the extension, self-contained HTML, a PDF
# whose first page has ink (pdftoppm, when installed), refused arguments.
# Usage: report_test.sh FAULTLINE_BINARY
set -uo pipefail
fl=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db
source "$(dirname "$0")/lib.sh"

check import 0 "$fl" import --no-progress --input-format csv "$here/data/demo/pbc_suicide_facts.csv" "$here/data/demo/pbc_drone_facts.csv"
check phases 0 "$fl" phases import "$here/data/phases/ttp_timeline.tsv"
check pdf 0 "$fl" report --from 2009-01-01 --to 2014-12-31 --admin1 "Khyber Pakhtunkhwa" -o "$tmp/r.pdf"
ok pdf-magic '[ "$(head -c 5 "$tmp/r.pdf")" = "%PDF-" ]'
check html 0 "$fl" report --from 2009-01-01 --to 2014-12-31 --format html -o "$tmp/r.report"
ok html-svg 'grep -q "<svg" "$tmp/r.report"'
ok html-no-external '! grep -Eiq "(src|href)[[:space:]]*=[[:space:]]*[\"'"'"']?(https?:)?//|@import" "$tmp/r.report"'
check md 0 "$fl" report --from 2009-01-01 --to 2014-12-31 -o "$tmp/r.md"
ok md-table 'grep -q "^## By province" "$tmp/r.md"'
ok md-pngs '[ -s "$tmp/r-trend.png" ] && [ -s "$tmp/r-map.png" ]'
if command -v pdftoppm >/dev/null 2>&1; then
  pdftoppm -f 1 -l 1 -r 30 -gray "$tmp/r.pdf" "$tmp/page"
  ink=$(python3 -c 'import sys
d=open(sys.argv[1],"rb").read(); parts=d.split(b"\n",3); px=parts[3]
print(sum(1 for b in px if b<200)*100//len(px))' "$(ls "$tmp"/page*.pgm | head -1)")
  ok pdf-not-blank '[ "$ink" -ge 2 ]'
else
  echo "(pdftoppm not installed: the PDF ink check is in report_test, which skips it too)"
fi
check no-dates 2 "$fl" report -o "$tmp/x.pdf"
check bad-format 2 "$fl" report --from 2009-01-01 --to 2009-12-31 -o "$tmp/x.docx"
check no-dir 8 "$fl" report --from 2009-01-01 --to 2009-12-31 -o "$tmp/nonesuch/x.html"

finish "report"
