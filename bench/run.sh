#!/usr/bin/env bash
# Side-by-side benchmarks for docs/benchmarks.md. Builds nothing: run
# `make bench` (bench preset: optimised, no sanitizers) which calls this.
# Usage: bench/run.sh [import|postgres|stats|changepoints|extract|serve|forecast|plan|report|all]   ROWS=1000000 STATS_ROWS=10000000 ARTICLES=10000 MILP_LIMIT=60
#        REPORT_ROWS=1000000 CLAIMS=2000
#        bench/run.sh import-read-ab   BASE_READ=/path/to/older/import_read_bench ROUNDS=3 ROWS=...
#          the import's read side alone (parse, map, validate; no store)
#        bench/run.sh import-ab|postgres-ab   BASE=/path/to/older/faultline ROUNDS=3 ROWS=...
#          A/B of two builds' imports, interleaved with the reference loader so
#          that both see the same machine load (postgres-ab: one throwaway
#          server, a database per side, then this build re-imports the file,
#          every row unchanged). Make BASE by copying build/bench/faultline
#          aside before a change, or from `git worktree add` of an older commit.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
B=build/bench
FL=$B/faultline
OUT=${BENCH_OUT:-bench/out}
ROWS=${ROWS:-1000000}
STATS_ROWS=${STATS_ROWS:-10000000}
mkdir -p "$OUT"
export FAULTLINE_DATA=$PWD/data FAULTLINE_BUILD_DATA=$PWD/$B/data

# measure LABEL CMD... -> prints wall seconds, CPU seconds (user + system,
# all threads) and peak RSS (MiB) of CMD
measure() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" >"$OUT/last.log" 2>&1 || {
    cat "$OUT/last.log"
    return 1
  }
  read -r secs kb user sys <"$OUT/time.txt"
  printf '%-48s %8.2f s %8.2f s CPU %8.0f MiB\n' "$label" "$secs" "$(echo "$user + $sys" | bc)" "$((kb / 1024))"
  LAST_SECS=$secs
}

csv=$OUT/acled_${ROWS}.csv
if [[ $what == import* || $what == postgres* || $what == all ]] && [ ! -f "$csv" ]; then
  $B/bench/gen_acled "$ROWS" >"$csv"
fi

if [[ $what == import || $what == all ]]; then
  echo "== import $ROWS ACLED-layout rows into SQLite ($(du -h "$csv" | cut -f1))"
  rm -f "$OUT"/fl.db* "$OUT"/ref.db*
  measure "faultline import (validate+normalise)" $FL --db "$OUT/fl.db" import --no-progress --input-format acled "$csv"
  fl_secs=$LAST_SECS
  measure "sqlite3 .import (no validation)" sqlite3 "$OUT/ref.db" ".mode csv" ".import $csv acled"
  ref_secs=$LAST_SECS
  awk -v r="$ROWS" -v a="$fl_secs" -v b="$ref_secs" \
    'BEGIN{printf "rows/s: faultline %.0f, sqlite3 %.0f; faultline takes %.2fx the time of .import\n", r/a, r/b, a/b}'
fi

if [[ $what == import-ab ]]; then
  echo "== A/B: $BASE vs $FL vs sqlite3 .import, $ROWS rows, ${ROUNDS:-3} rounds"
  for r in $(seq "${ROUNDS:-3}"); do
    echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
    rm -f "$OUT"/ab_*.db*
    measure "before ($BASE)" "$BASE" --db "$OUT/ab_b.db" import --no-progress --input-format acled "$csv"
    measure "after ($FL)" $FL --db "$OUT/ab_n.db" import --no-progress --input-format acled "$csv"
    measure "sqlite3 .import" sqlite3 "$OUT/ab_r.db" ".mode csv" ".import $csv acled"
  done
  rm -f "$OUT"/ab_*.db*
fi

if [[ $what == import-read-ab ]]; then
  # The import's read side alone (no store), two builds of bench/import_read_bench.
  echo "== read side: $BASE_READ vs $B/bench/import_read_bench, $ROWS rows, ${ROUNDS:-3} rounds"
  for r in $(seq "${ROUNDS:-3}"); do
    echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "  before: $("$BASE_READ" acled "$csv")"
    echo "  after:  $($B/bench/import_read_bench acled "$csv")"
  done
fi

if [[ $what == postgres* || $what == all ]]; then
  echo "== import $ROWS ACLED-layout rows into PostgreSQL"
  pgdir=$(mktemp -d)
  chown postgres "$pgdir" 2>/dev/null || true
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  port=$((20000 + RANDOM % 20000))
  bin=/usr/lib/postgresql/15/bin
  as_pg $bin/initdb -D "$pgdir/data" -U postgres -A trust >/dev/null
  as_pg $bin/pg_ctl -D "$pgdir/data" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=on" -w start >/dev/null
  trap 'as_pg $bin/pg_ctl -D "$pgdir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
  uri="postgresql://postgres@127.0.0.1:$port/postgres"
  chmod o+r "$csv"
  if [[ $what == postgres-ab ]]; then
    cols=$(head -1 "$csv" | sed 's/,/ text,/g; s/$/ text/')
    for r in $(seq "${ROUNDS:-1}"); do
      echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
      for d in b$r n$r c$r; do psql -q "$uri" -c "CREATE DATABASE $d"; done
      base_uri=${uri%/postgres}
      measure "before ($BASE)" "$BASE" --db "$base_uri/b$r" import --no-progress --input-format acled "$csv"
      measure "after ($FL)" $FL --db "$base_uri/n$r" import --no-progress --input-format acled "$csv"
      psql -q "$base_uri/c$r" -c "CREATE TABLE acled_raw ($cols)"
      measure "psql \\copy (no validation)" psql -q "$base_uri/c$r" -c "\\copy acled_raw FROM '$csv' CSV HEADER"
    done
    measure "after, re-import (all unchanged)" $FL --db "$base_uri/n1" import --no-progress --input-format acled "$csv"
    exit 0
  fi
  measure "faultline import into PostgreSQL" $FL --db "$uri" import --no-progress --input-format acled "$csv"
  fl_secs=$LAST_SECS
  cols=$(head -1 "$csv" | sed 's/,/ text,/g; s/$/ text/')
  psql -q "$uri" -c "CREATE TABLE acled_raw ($cols)"
  measure "psql \\copy (no validation)" psql -q "$uri" -c "\\copy acled_raw FROM '$csv' CSV HEADER"
  ref_secs=$LAST_SECS
  awk -v r="$ROWS" -v a="$fl_secs" -v b="$ref_secs" \
    'BEGIN{printf "rows/s: faultline %.0f, psql \\copy %.0f; faultline takes %.2fx the time of \\copy\n", r/a, r/b, a/b}'
fi

if [[ $what == stats || $what == all ]]; then
  db=$OUT/stats_${STATS_ROWS}.db
  if [ ! -f "$db" ]; then
    echo "(generating $STATS_ROWS incidents into $db)"
    $B/bench/gen_incidents "$db" "$STATS_ROWS"
  fi
  echo "== stats --by month,admin1 over $STATS_ROWS incidents"
  measure "faultline stats --by month,admin1" $FL --db "$db" --format csv stats --by month,admin1
  fl_secs=$LAST_SECS
  sql="SELECT strftime('%Y-%m', date_start * 86400, 'unixepoch') AS m, admin1, count(*),
       sum(coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0)),
       sum(coalesce(injured_sf_best,0)+coalesce(injured_civ_best,0)+coalesce(injured_mil_best,0)+coalesce(injured_unk_best,0))
       FROM incidents WHERE status IN ('candidate','confirmed') GROUP BY m, admin1 ORDER BY m, admin1"
  measure "sqlite3 GROUP BY (same query in SQL)" sqlite3 "$db" "$sql"
  ref_secs=$LAST_SECS
  awk -v a="$fl_secs" -v b="$ref_secs" 'BEGIN{printf "faultline stats takes %.2fx the time of sqlite3 GROUP BY\n", a/b}'
  echo "== cube: month x admin1, incidents and killed, one filter (event_type = explosions_remote_violence)"
  $B/bench/cube_bench "$db" 20
  sql1="SELECT strftime('%Y-%m', date_start * 86400, 'unixepoch') AS m, admin1, count(*),
       sum(coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0))
       FROM incidents WHERE status IN ('candidate','confirmed') AND event_type = 'explosions_remote_violence'
       GROUP BY m, admin1 ORDER BY m, admin1"
  measure "sqlite3 GROUP BY, same query and filter" sqlite3 "$db" "$sql1"
  sql2="SELECT strftime('%Y-W%W', date_start * 86400, 'unixepoch') AS w, count(*),
       sum(coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0))
       FROM incidents WHERE status IN ('candidate','confirmed') AND admin1 = 'Balochistan'
       AND date_start >= (SELECT max(date_start) FROM incidents) - 730 GROUP BY w ORDER BY w"
  measure "sqlite3 dashboard (1 province, 2 years, week)" sqlite3 "$db" "$sql2"
  # DuckDB on the same incidents, exported once as CSV. Installed here, on
  # demand, into bench/duckdb (not a build or test dependency).
  scsv=$OUT/stats_${STATS_ROWS}.csv
  if [ ! -f "$scsv" ]; then
    sqlite3 -header -csv "$db" "SELECT id, status, date_start, country, admin1, admin2, event_type, attack_type,
      perpetrator, target, killed_sf_best, killed_civ_best, killed_mil_best, killed_unk_best,
      injured_sf_best, injured_civ_best, injured_mil_best, injured_unk_best FROM incidents" >"$scsv"
  fi
  if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
    (cd bench/duckdb && npm install --no-audit --no-fund >/dev/null) || echo "(npm registry unreachable: DuckDB left out)"
  fi
  if [ -d bench/duckdb/node_modules/@duckdb/node-api ]; then
    echo "== DuckDB ($(node -p "require('./bench/duckdb/node_modules/@duckdb/node-api/package.json').version")) on the same incidents as CSV ($(du -h "$scsv" | cut -f1))"
    node bench/duckdb/groupby.mjs "$scsv" 20
  fi
fi

if [[ $what == report || $what == all ]]; then
  demo=$OUT/report_demo.db
  rm -f "$demo"*
  $FL --db "$demo" import --no-progress --input-format csv data/demo/pbc_suicide_facts.csv data/demo/pbc_drone_facts.csv >/dev/null
  $FL --db "$demo" phases import data/phases/ttp_timeline.tsv >/dev/null
  echo "== report over the PBC demo data (897 incidents, 1995-2017)"
  for f in pdf html md; do
    measure "faultline report 1995..2017 -o r.$f" $FL --db "$demo" report --from 1995-01-01 --to 2017-12-31 -o "$OUT/r.$f"
  done
  n=${REPORT_ROWS:-1000000}
  big=$OUT/stats_${n}.db
  if [ ! -f "$big" ]; then
    echo "(generating $n incidents into $big)"
    $B/bench/gen_incidents "$big" "$n"
  fi
  echo "== report over $n generated incidents (2010-2023)"
  for f in pdf html; do
    measure "faultline report, all 14 years -o big.$f" $FL --db "$big" report --from 2010-01-01 --to 2023-12-31 -o "$OUT/big.$f"
  done
  measure "faultline report, one year -o year.pdf" $FL --db "$big" report --from 2022-01-01 --to 2022-12-31 -o "$OUT/year.pdf"
  measure "faultline stats (cube load + one group-by)" $FL --db "$big" --format csv stats --by admin1
  k=${CLAIMS:-2000}
  echo "== claims check: $k random claims against $n incidents (every pair of claims compared)"
  awk -v k="$k" 'BEGIN{srand(7); OFS="\t"
    split("Khyber Pakhtunkhwa,Balochistan,Sindh,Punjab", prov, ","); split("TTP,BLA,ISKP,JUA", grp, ",")
    split("attacks,killed,injured", met, ",")
    for (i = 0; i < k; i++) {
      y = 2010 + int(rand() * 14); m = 1 + int(rand() * 12); r = rand()
      f = "country=PK"; if (r < 0.4) f = f ";admin1=" prov[1 + int(rand() * 4)]
      if (rand() < 0.4) f = f ";perpetrator=" grp[1 + int(rand() * 4)] ";affiliates=yes"
      p = rand() < 0.5 ? y : sprintf("%d-%02d", y, m)
      print "bench-" i, "source" (i % 7), "generated", "primary", met[1 + int(rand() * 3)], "", f, p, int(rand() * 5000)
    }}' >"$OUT/claims.tsv"
  rm -f "$big.claims"
  cp "$big" "$big.claims"
  $FL --db "$big.claims" claims import "$OUT/claims.tsv" >/dev/null
  measure "faultline claims check ($k claims)" $FL --db "$big.claims" --format json claims check
  secs=$LAST_SECS
  awk -v k="$k" -v s="$secs" 'BEGIN{printf "claims checked per second (cube load included): %.0f\n", k/s}'
  rm -f "$big.claims"*
fi

if [[ $what == changepoints || $what == all ]]; then
  echo "== change points, one core"
  $B/bench/changepoint_bench 1000000
fi

if [[ $what == forecast || $what == all ]]; then
  echo "== forecast: Hawkes likelihood, fit, NumPy/SciPy side by side; 150-district backtest"
  $B/bench/forecast_bench all bench/hawkes_numpy.py
fi

if [[ $what == extract || $what == all ]]; then
  n=${ARTICLES:-10000}
  echo "== extract $n articles built from data/samples/news (one core)"
  $B/bench/extract_bench --samples data/samples/news --articles "$n"
  # End to end: one transaction per article, then per 100 (what `ingest` does
  # for one-article files with its default --batch 100).
  for batch in 1 100; do
    rm -f "$OUT"/news.db*
    $B/bench/extract_bench --samples data/samples/news --articles "$n" --db "$OUT/news.db" --batch "$batch"
  done
fi

if [[ $what == serve || $what == all ]]; then
  bench/serve.sh
fi

if [[ $what == plan || $what == all ]]; then
  # Security games: ORIGAMI vs the multiple LPs, the DOBSS MILP grid, patrols.
  $B/bench/plan_bench all "${MILP_LIMIT:-60}"
fi
