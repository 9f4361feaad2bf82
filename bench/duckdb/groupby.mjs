// DuckDB side of `bench/run.sh stats`: loads the incidents CSV that
// run.sh exported from the same SQLite file the cube reads, then times the
// same two queries as bench/cube_bench (month x admin1, incidents and
// killed, event_type = explosions_remote_violence; one province, the last
// two years, by ISO week). DuckDB uses all cores unless THREADS is set.
// Usage: node bench/duckdb/groupby.mjs CSV [RUNS] [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, runsArg, threadsArg] = process.argv.slice(2);
if (!csv) {
  console.error('usage: node groupby.mjs CSV [RUNS] [THREADS]');
  process.exit(2);
}
const runs = Number(runsArg || 20);
const instance = await DuckDBInstance.create(':memory:', threadsArg ? { threads: String(threadsArg) } : {});
const db = await instance.connect();
const threads = (await db.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
let t0 = performance.now();
await db.run(`CREATE TABLE incidents AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true)`);
const n = (await db.runAndReadAll('SELECT count(*) FROM incidents')).getRows()[0][0];
console.log(`duckdb load CSV (${threads} threads)              ${((performance.now() - t0) / 1000).toFixed(2).padStart(8)} s   ${n} incidents`);

const killed = 'coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0)';
const maxDate = Number((await db.runAndReadAll('SELECT max(date_start) FROM incidents')).getRows()[0][0]);
const queries = [
  ['duckdb month x admin1, 1 filter',
   `SELECT strftime(DATE '1970-01-01' + date_start::INTEGER, '%Y-%m') AS m, admin1, count(*), sum(${killed})
    FROM incidents WHERE status IN ('candidate','confirmed') AND event_type = 'explosions_remote_violence'
    GROUP BY m, admin1 ORDER BY m, admin1`],
  ['duckdb dashboard: 1 province, 2 years, week',
   `SELECT strftime(DATE '1970-01-01' + date_start::INTEGER, '%G-W%V') AS w, count(*), sum(${killed})
    FROM incidents WHERE status IN ('candidate','confirmed') AND admin1 = 'Balochistan' AND date_start >= ${maxDate - 730}
    GROUP BY w ORDER BY w`],
];
for (const [label, sql] of queries) {
  const ms = [];
  let rows = 0;
  for (let i = 0; i < runs; ++i) {
    t0 = performance.now();
    const r = await db.runAndReadAll(sql);
    ms.push(performance.now() - t0);
    rows = r.getRows().length;
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} ${ms[ms.length >> 1].toFixed(1).padStart(8)} ms median (min ${ms[0].toFixed(1)}, ${runs} runs; ${rows} rows)`);
}
