#!/usr/bin/env bash
# Side-by-side benchmarks for docs/benchmarks.md. Builds nothing: run
# `make bench` (bench preset: optimised, no sanitizers) which calls this.
# Usage: bench/run.sh [import|postgres|stats|cube|changepoints|extract|serve|forecast|plan|report|all]   ROWS=1000000 STATS_ROWS=10000000 ARTICLES=10000 MILP_LIMIT=60
#        REPORT_ROWS=1000000 CLAIMS=2000
#        bench/run.sh import-read-ab   BASE_READ=/path/to/older/import_read_bench ROUNDS=3 ROWS=...
#          the import's read side alone (parse, map, validate; no store)
#        cube and stats: ROUNDS=3 RUNS=20 DUCKDB_THREADS=(all cores)
#          CUBE_BASE=/path/to/older/cube_bench: also runs it each round (an A/B
#          of two cube builds; its lines are printed as "cube-base")
#        bench/run.sh import-ab|postgres-ab   BASE=/path/to/older/faultline ROUNDS=3 ROWS=...
#          A/B of two builds' imports, interleaved with the reference loader so
#          that both see the same machine load (postgres-ab: one throwaway
#          server, a database per side, then each build re-imports the file,
#          every row unchanged; each line adds the server's CPU). Make BASE by copying build/bench/faultline
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
  echo "== import $ROWS ACLED-layout rows into SQLite ($(du -hL "$csv" | cut -f1))"
  rm -f "$OUT"/fl.db* "$OUT"/ref.db*
  measure "faultline import (validate+normalise)" $FL --db "$OUT/fl.db" import --no-progress --input-format acled "$csv"
  fl_secs=$LAST_SECS
  measure "sqlite3 .import (no validation)" sqlite3 "$OUT/ref.db" ".mode csv" ".import $csv acled"
  ref_secs=$LAST_SECS
  # SQLite's own floor for faultline's schema: the rows just stored, copied
  # into a fresh store by the sqlite3 shell (bench/sqlite_schema_load.sh).
  bench/sqlite_schema_load.sh $FL "$OUT/fl.db" "$OUT/schema.db" "$OUT/schema_load.sql"
  measure "sqlite3: the stored rows into faultline's schema" sqlite3 "$OUT/schema.db" ".read $OUT/schema_load.sql"
  schema_secs=$LAST_SECS
  rm -f "$OUT"/schema.db*
  awk -v r="$ROWS" -v a="$fl_secs" -v b="$ref_secs" -v c="$schema_secs" \
    'BEGIN{printf "rows/s: faultline %.0f, sqlite3 .import %.0f; faultline takes %.2fx the time of .import, %.2fx that of SQLite loading its schema (which takes %.2fx .import)\n", r/a, r/b, a/b, a/c, c/b}'
fi

if [[ $what == import-ab ]]; then
  echo "== A/B: $BASE vs $FL vs sqlite3 .import, $ROWS rows, ${ROUNDS:-3} rounds"
  for r in $(seq "${ROUNDS:-3}"); do
    echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
    rm -f "$OUT"/ab_*.db*
    measure "before ($BASE)" "$BASE" --db "$OUT/ab_b.db" import --no-progress --input-format acled "$csv"
    measure "after ($FL)" $FL --db "$OUT/ab_n.db" import --no-progress --input-format acled "$csv"
    measure "sqlite3 .import" sqlite3 "$OUT/ab_r.db" ".mode csv" ".import $csv acled"
    bench/sqlite_schema_load.sh $FL "$OUT/ab_n.db" "$OUT/ab_s.db" "$OUT/schema_load.sql"
    measure "sqlite3: after's rows into faultline's schema" sqlite3 "$OUT/ab_s.db" ".read $OUT/schema_load.sql"
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
    # The server's CPU for one command: a backend's time is added to the
    # postmaster's cutime + cstime when it exits (clock ticks), so this is
    # what the command's connections cost the server, whatever the load.
    # A backend exits (and is reaped) a little after its client: wait for
    # every client backend (and zombie) to be gone before reading.
    pm=$(head -1 "$pgdir/data/postmaster.pid")
    pg_ticks() {
      while ps --ppid "$pm" -o stat=,args= | grep -qE '^Z|postgres: postgres '; do sleep 0.05; done
      awk '{print $16 + $17}' "/proc/$pm/stat"
    }
    hz=$(getconf CLK_TCK)
    measure_pg() {
      local t0
      t0=$(pg_ticks)
      measure "$@"
      awk -v a="$t0" -v b="$(pg_ticks)" -v hz="$hz" 'BEGIN{printf "%-48s %8.2f s server CPU\n", "", (b - a) / hz}'
    }
    cols=$(head -1 "$csv" | sed 's/,/ text,/g; s/$/ text/')
    for r in $(seq "${ROUNDS:-1}"); do
      echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
      for d in b$r n$r c$r s$r; do psql -q "$uri" -c "CREATE DATABASE $d"; done
      base_uri=${uri%/postgres}
      measure_pg "before ($BASE)" "$BASE" --db "$base_uri/b$r" import --no-progress --input-format acled "$csv"
      measure_pg "after ($FL)" $FL --db "$base_uri/n$r" import --no-progress --input-format acled "$csv"
      psql -q "$base_uri/c$r" -c "CREATE TABLE acled_raw ($cols)"
      measure_pg "psql \\copy (no validation)" psql -q "$base_uri/c$r" -c "\\copy acled_raw FROM '$csv' CSV HEADER"
      # PostgreSQL's own floor for faultline's schema (bench/postgres_schema_load.sh).
      bench/postgres_schema_load.sh $FL "$base_uri/n$r" "$base_uri/s$r" "$pgdir"
      measure_pg "psql \\copy of after's rows into faultline's schema" psql -q "$base_uri/s$r" -f "$pgdir/pg_schema_load.psql"
    done
    measure_pg "before, re-import (all unchanged)" "$BASE" --db "$base_uri/b1" import --no-progress --input-format acled "$csv"
    measure_pg "after, re-import (all unchanged)" $FL --db "$base_uri/n1" import --no-progress --input-format acled "$csv"
    exit 0
  fi
  measure "faultline import into PostgreSQL" $FL --db "$uri" import --no-progress --input-format acled "$csv"
  fl_secs=$LAST_SECS
  cols=$(head -1 "$csv" | sed 's/,/ text,/g; s/$/ text/')
  psql -q "$uri" -c "CREATE TABLE acled_raw ($cols)"
  measure "psql \\copy (no validation)" psql -q "$uri" -c "\\copy acled_raw FROM '$csv' CSV HEADER"
  ref_secs=$LAST_SECS
  # PostgreSQL's own floor for faultline's schema (bench/postgres_schema_load.sh).
  psql -q "$uri" -c "CREATE DATABASE schema_floor"
  bench/postgres_schema_load.sh $FL "$uri" "${uri%/postgres}/schema_floor" "$pgdir"
  measure "psql \\copy of the stored rows into faultline's schema" psql -q "${uri%/postgres}/schema_floor" -f "$pgdir/pg_schema_load.psql"
  schema_secs=$LAST_SECS
  awk -v r="$ROWS" -v a="$fl_secs" -v b="$ref_secs" -v c="$schema_secs" \
    'BEGIN{printf "rows/s: faultline %.0f, psql \\copy %.0f; faultline takes %.2fx the time of \\copy, %.2fx that of PostgreSQL loading its schema (which takes %.2fx \\copy)\n", r/a, r/b, a/b, a/c, c/b}'
fi

if [[ $what == stats || $what == cube || $what == all ]]; then
  db=$OUT/stats_${STATS_ROWS}.db
  if [ ! -f "$db" ]; then
    echo "(generating $STATS_ROWS incidents into $db)"
    nice $B/bench/gen_incidents "$db.part" "$STATS_ROWS"
    mv "$db.part" "$db"
  fi
fi

killed_sql="coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0)"
if [[ $what == stats || $what == all ]]; then
  echo "== stats --by month,admin1 over $STATS_ROWS incidents"
  measure "faultline stats --by month,admin1" $FL --db "$db" --format csv stats --by month,admin1
  fl_secs=$LAST_SECS
  sql="SELECT strftime('%Y-%m', date_start * 86400, 'unixepoch') AS m, admin1, count(*), sum($killed_sql),
       sum(coalesce(injured_sf_best,0)+coalesce(injured_civ_best,0)+coalesce(injured_mil_best,0)+coalesce(injured_unk_best,0))
       FROM incidents WHERE status IN ('candidate','confirmed') GROUP BY m, admin1 ORDER BY m, admin1"
  measure "sqlite3 GROUP BY (same query in SQL)" sqlite3 "$db" "$sql"
  ref_secs=$LAST_SECS
  awk -v a="$fl_secs" -v b="$ref_secs" 'BEGIN{printf "faultline stats takes %.2fx the time of sqlite3 GROUP BY\n", a/b}'
fi

# The cube (bench/cube_bench: loaded once per round, each query 20 times),
# sqlite3 (each query once per round, a process each) and DuckDB
# (bench/duckdb/groupby.mjs: the CSV loaded once per round, each query 20
# times) on the same incidents, ROUNDS rounds interleaved; then the median
# of the rounds and the ratios. `cube` runs only this; `stats` runs the CLI
# comparison above first.
if [[ $what == stats || $what == cube || $what == all ]]; then
  ROUNDS=${ROUNDS:-3}
  RUNS=${RUNS:-20}
  # DuckDB reads the incidents exported once as CSV. Installed here, on
  # demand, into bench/duckdb (not a build or test dependency).
  scsv=$OUT/stats_${STATS_ROWS}.csv
  if [ ! -f "$scsv" ]; then
    echo "(exporting $db as CSV for DuckDB)"
    sqlite3 -header -csv "$db" "SELECT id, status, date_start, country, admin1, admin2, event_type, attack_type,
      perpetrator, target, killed_sf_best, killed_civ_best, killed_mil_best, killed_unk_best,
      injured_sf_best, injured_civ_best, injured_mil_best, injured_unk_best FROM incidents" >"$scsv.part"
    mv "$scsv.part" "$scsv"
  fi
  if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
    (cd bench/duckdb && npm install --no-audit --no-fund >/dev/null) || echo "(npm registry unreachable: DuckDB left out)"
  fi
  duck=""
  if [ -d bench/duckdb/node_modules/@duckdb/node-api ]; then
    duck=$(node -p "require('./bench/duckdb/node_modules/@duckdb/node-api/package.json').version")
  fi
  month="strftime('%Y-%m', date_start * 86400, 'unixepoch')"
  live="status IN ('candidate','confirmed')"
  # The labels are cube_bench's (after its "cube "), so that rounds line up.
  sqlite_queries=(
    "month x admin1, 1 filter|SELECT $month AS m, admin1, count(*), sum($killed_sql) FROM incidents
       WHERE $live AND event_type = 'explosions_remote_violence' GROUP BY m, admin1 ORDER BY m, admin1"
    "dashboard: 1 province, 2 years, week|SELECT strftime('%Y-W%W', date_start * 86400, 'unixepoch') AS w, count(*), sum($killed_sql)
       FROM incidents WHERE $live AND admin1 = 'Balochistan'
       AND date_start >= (SELECT max(date_start) FROM incidents) - 730 GROUP BY w ORDER BY w"
    "month x admin1, 1 perpetrator|SELECT $month AS m, admin1, count(*), sum($killed_sql) FROM incidents
       WHERE $live AND perpetrator = 'TTP' GROUP BY m, admin1 ORDER BY m, admin1"
  )
  echo "== cube vs sqlite3 $(sqlite3 --version | cut -d' ' -f1) vs DuckDB ${duck:-(left out)}: $STATS_ROWS incidents ($(du -h "$db" | cut -f1) SQLite file, $(du -h "$scsv" | cut -f1) CSV), $ROUNDS rounds"
  echo "   queries: incidents and killed; 1 filter = event_type explosions_remote_violence (pre-aggregated in the cube),"
  echo "   dashboard = Balochistan, last 730 days, by week (pre-aggregated), 1 perpetrator = TTP (cube reads rows)"
  for q in "${sqlite_queries[@]}"; do
    echo "   sqlite3 plan, ${q%%|*}: $(sqlite3 "$db" "EXPLAIN QUERY PLAN ${q#*|}" | tr '\n' ' ' | tr -s ' ')"
  done
  tsv=$OUT/cube_rounds.tsv
  : >"$tsv"
  # record ENGINE ROUND <lines in cube_bench's format -> tsv: engine, query,
  # wall ms, CPU ms, rows, incidents, killed, round
  record() {
    awk -v e="$1" -v r="$2" 'match($0, / +[0-9.]+ ms median/) {
      label = substr($0, 1, RSTART - 1); sub(/^[a-z0-9]+ /, "", label)
      rest = substr($0, RSTART); split(rest, a, " ")
      match(rest, /CPU median [0-9.]+/); cpu = substr(rest, RSTART + 11, RLENGTH - 11)
      match(rest, /[0-9]+ rows, [0-9]+ incidents, [0-9]+ killed/); split(substr(rest, RSTART, RLENGTH), b, /[ ,]+/)
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e, label, a[1], cpu, b[1], b[3], b[5], r }' >>"$tsv"
  }
  for r in $(seq "$ROUNDS"); do
    echo "-- round $r (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    measure "cube_bench process (load + all queries)" $B/bench/cube_bench "$db" "$RUNS"
    sed 's/^/   /' "$OUT/last.log"
    record cube "$r" <"$OUT/last.log"
    if [ -n "${CUBE_BASE:-}" ]; then
      measure "older cube_bench process (load + all queries)" "$CUBE_BASE" "$db" "$RUNS"
      sed 's/^/   base: /' "$OUT/last.log"
      record cube-base "$r" <"$OUT/last.log"
    fi
    for q in "${sqlite_queries[@]}"; do
      label=${q%%|*}
      /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" sqlite3 "$db" "${q#*|}" >"$OUT/sqlite.out"
      read -r secs user sys <"$OUT/time.txt"
      awk -F'|' -v l="sqlite3 $label" -v s="$secs" -v u="$user" -v y="$sys" '{ n++; inc += $(NF-1); k += $NF }
        END { printf "%-44s %8.3f ms median (one run; CPU median %.3f ms = user %.0f + sys %.0f; 1 runs; %d rows, %d incidents, %d killed)\n",
              l, s * 1000, (u + y) * 1000, u * 1000, y * 1000, n, inc, k }' "$OUT/sqlite.out" | tee "$OUT/sqlite.line"
      record sqlite3 "$r" <"$OUT/sqlite.line"
    done
    if [ -n "$duck" ]; then
      measure "duckdb process (CSV load + all queries)" node bench/duckdb/groupby.mjs "$scsv" "$RUNS" ${DUCKDB_THREADS:+"$DUCKDB_THREADS"}
      sed 's/^/   /' "$OUT/last.log"
      record duckdb "$r" <"$OUT/last.log"
    fi
  done
  echo "== median of $ROUNDS rounds (wall ms / CPU ms; cube and DuckDB: each round's median of $RUNS runs; sqlite3 CPU = user + sys)"
  awk -F'\t' '
    function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return a[int((n + 1) / 2)] }
    { k = $1 SUBSEP $2; wall[k] = wall[k] " " $3; cpu[k] = cpu[k] " " $4; ans[k] = $5 " rows, " $6 " incidents, " $7 " killed"
      if (!($2 in seen)) { seen[$2] = 1; order[++nq] = $2 } }
    END {
      for (i = 1; i <= nq; i++) {
        q = order[i]; base = q; sub(/ \[rows\]$/, "", base)
        c = "cube" SUBSEP q; s = "sqlite3" SUBSEP base; d = "duckdb" SUBSEP base
        cw = med(wall[c]); cc = med(cpu[c])
        printf "%-44s cube %9.3f / %9.3f  (%s)\n", q, cw, cc, ans[c]
        b = "cube-base" SUBSEP q
        if (b in wall) printf "%-44s cube-base %9.3f / %9.3f  (%s)  base/cube: wall %.1fx, CPU %.1fx\n", "", med(wall[b]), med(cpu[b]), ans[b], med(wall[b]) / cw, med(cpu[b]) / cc
        if (s in wall) printf "%-44s sqlite3 %9.0f / %9.0f  (%s)  sqlite3/cube: wall %.0fx, CPU %.0fx\n", "", med(wall[s]), med(cpu[s]), ans[s], med(wall[s]) / cw, med(cpu[s]) / cc
        if (d in wall) printf "%-44s duckdb %9.1f / %9.1f  (%s)  duckdb/cube: wall %.1fx, CPU %.1fx\n", "", med(wall[d]), med(cpu[d]), ans[d], med(wall[d]) / cw, med(cpu[d]) / cc
      }
    }' "$tsv"
  echo "(per-round figures in $tsv)"
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
