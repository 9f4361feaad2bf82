#!/usr/bin/env bash
# End-to-end checks of `faultline ingest` and `faultline review` on a real
# SQLite file: extraction, merging two outlets' reports of one attack with
# the higher toll winning, re-ingest as a no-op, the review decisions and
# their history, split undoing a merge, bad documents skipped with reasons.
# Usage: news_test.sh FAULTLINE_BINARY
set -uo pipefail
fl=$1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FAULTLINE_DB=$tmp/t.db FAULTLINE_USER=tester
source "$(dirname "$0")/lib.sh"

cat >"$tmp/a.txt" <<'A'
title: Suicide blast kills 9 at Kohat police station
outlet: Sample Daily
url: https://samples.faultline.invalid/a
published: 2023-05-02

KOHAT: A suicide bomber blew himself up at a police station in Kohat on Monday, killing nine policemen and injuring 14 others, officials said.
A
cat >"$tmp/b.txt" <<'B'
title: Kohat police station toll rises
outlet: Sample Tribune
url: https://samples.faultline.invalid/b
published: 2023-05-03

The death toll from Monday's suicide attack on a police station in Kohat rose to 12 on Tuesday. The Tehreek-e-Taliban Pakistan claimed responsibility for the bombing.
B

check explain 0 "$fl" ingest --dry-run --explain "$tmp/a.txt"
contains explain-marks "[[#1 date: Monday]]"
contains explain-dry "dry run: nothing written"
check ingest-a 0 "$fl" ingest "$tmp/a.txt"
contains ingest-a-new "1 new"
check ingest-b 0 "$fl" ingest "$tmp/b.txt"
contains ingest-b-merged "1 merged into existing"
check reingest 0 "$fl" ingest "$tmp/a.txt" "$tmp/b.txt"
contains reingest-noop "2 unchanged"
# Both documents in one transaction (the default --batch 100) or one each:
# the second one's look-up sees the first one's row either way.
for batch in 100 1; do
  check "one-batch-$batch" 0 "$fl" --db "$tmp/batch$batch.db" ingest --batch "$batch" "$tmp/a.txt" "$tmp/b.txt"
  contains "one-batch-$batch-merged" "1 new, 1 merged into existing"
  check "one-batch-$batch-again" 0 "$fl" --db "$tmp/batch$batch.db" ingest --batch "$batch" "$tmp/b.txt" "$tmp/a.txt"
  contains "one-batch-$batch-noop" "2 unchanged"
done
check list 0 "$fl" review list
contains list-one "Kohat"
n=$(grep -c "Kohat" <<<"$out")
[ "$n" -eq 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL list-count: $n rows"; }
id=$(awk '$2 ~ /^20/ {print $1; exit}' <<<"$out")
check show 0 "$fl" review show "$id"
contains show-toll '"unknown":{"low":3,"best":3}'  # 9 police + 3 more: the later toll of 12
contains show-perp '"perpetrator":"TTP"'
contains show-two-sources "samples.faultline.invalid/b"
contains show-history "merged incident"
check split 0 "$fl" review split "$id"
contains split-done "split incident"
check show-after-split 0 "$fl" review show "$id"
if grep -qF '"best":3}' <<<"$out"; then fail=$((fail + 1)); echo "FAIL split kept the merged toll"; else pass=$((pass + 1)); fi
check list-two 0 "$fl" review list
n=$(grep -c "Kohat" <<<"$out")
[ "$n" -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL list after split: $n rows"; }
other=$(awk '$2 ~ /^20/ && $1 != "'"$id"'" {print $1; exit}' <<<"$out")
check merge 0 "$fl" review merge "$id" "$other"
check accept 0 "$fl" review accept "$id" --reason "two outlets agree"
check edit 0 "$fl" review edit "$id" --set killed.security_forces=13 --set target=police
check edit-bad 2 "$fl" review edit "$id" --set killed.security_forces=many
contains edit-bad-msg "is not a whole number"
check show-final 0 "$fl" review show "$id"
contains final-edit '"best":13'
contains final-who "tester"
contains final-accept "accepted: two outlets agree"
check reject-missing 3 "$fl" review reject 99999

# Phase and claim candidates come out as JSON records.
cat >"$tmp/c.txt" <<'C'
title: TTP ends ceasefire
published: 2022-11-28

The Tehrik-i-Taliban Pakistan called off its ceasefire with the government on Monday. According to the Pakistan Institute for Peace Studies (PIPS), militants carried out 262 attacks in 2022.
C
check json 0 "$fl" ingest --dry-run --json "$tmp/c.txt"
contains json-phase '"record":"phase_candidate"'
contains json-phase-end '"action":"end"'
contains json-claim '"source":"PIPS"'
contains json-claim-value '"value":262'

# Bad documents: skipped with a reason, nothing else lost.
printf '' >"$tmp/empty.txt"
printf 'ab\0cd' >"$tmp/binary.txt"
printf '<rss><channel><item>' >"$tmp/broken.rss"
check bad 0 "$fl" ingest --dry-run "$tmp/empty.txt" "$tmp/binary.txt" "$tmp/broken.rss" "$tmp/a.txt"
contains bad-empty "skipped empty.txt"
contains bad-binary "binary content"
contains bad-feed "not a well-formed feed"
contains bad-counts "4 documents, 1 articles (3 skipped)"
check missing 3 "$fl" ingest /nonexistent/file.txt

# A folder that keeps receiving files.
mkdir -p "$tmp/inbox"
cp "$tmp/a.txt" "$tmp/inbox/"
check watch 0 "$fl" --db "$tmp/w.db" ingest --watch "$tmp/inbox" --interval 0.05 --polls 2
contains watch-one "1 new"

# A feed served over HTTP on loopback by this test (Debian's python3).
if [ -x /usr/bin/python3 ]; then
  mkdir -p "$tmp/www"
  cat >"$tmp/www/feed.xml" <<'F'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Loopback Wire</title>
<item><title>Roadside bomb kills two soldiers in Kurram</title><link>https://samples.faultline.invalid/feed/1</link>
<pubDate>Mon, 06 Mar 2023 09:00:00 +0500</pubDate>
<description>&lt;p&gt;A roadside bomb killed two soldiers in Kurram district on Sunday, officials said.&lt;/p&gt;</description></item>
</channel></rss>
F
  /usr/bin/python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/www" >"$tmp/http.log" 2>&1 &
  httpd=$!
  port=""
  for _ in $(seq 1 100); do  # until the server says which port it took
    port=$(grep -o 'port [0-9]*' "$tmp/http.log" 2>/dev/null | head -1 | cut -d' ' -f2)
    [ -n "$port" ] && break
    sleep 0.1
  done
  check feed 0 "$fl" --db "$tmp/f.db" ingest --feed "http://127.0.0.1:$port/feed.xml"
  contains feed-new "1 new"
  check feed-again 0 "$fl" --db "$tmp/f.db" ingest --feed "http://127.0.0.1:$port/feed.xml"
  contains feed-noop "1 unchanged"
  check feed-404 0 "$fl" --db "$tmp/f.db" ingest --feed "http://127.0.0.1:$port/missing.xml"
  contains feed-404-reason "HTTP status 404"
  kill "$httpd" 2>/dev/null
  wait "$httpd" 2>/dev/null
else
  echo "news_test: /usr/bin/python3 missing, feed-over-HTTP check skipped"
fi

# The sample corpus ingests end to end.
check corpus 0 "$fl" --db "$tmp/c.db" ingest "$here/../data/samples/news"
contains corpus-counts "candidate incidents"

finish "news_test"
