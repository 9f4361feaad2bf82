// DuckDB side of `bench/run.sh stats`: loads the incidents CSV that
// run.sh exported from the same SQLite file the cube reads, then times the
// same three queries as bench/cube_bench, incidents and killed each:
// month x admin1 with event_type = explosions_remote_violence; one
// province, the last two years, by ISO week; month x admin1 for one
// perpetrator (TTP). Prints wall and CPU time (the process's, all threads)
// and the answer's rows and totals, in cube_bench's line format so that
// run.sh reads both alike. DuckDB uses all cores unless THREADS is set.
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
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t0 = performance.now();
let c0 = cpuMs();
await db.run(`CREATE TABLE incidents AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true)`);
const n = (await db.runAndReadAll('SELECT count(*) FROM incidents')).getRows()[0][0];
console.log(`duckdb load CSV (${threads} threads)              ${((performance.now() - t0) / 1000).toFixed(2).padStart(8)} s   ${n} incidents; CPU ${((cpuMs() - c0) / 1000).toFixed(2)} s`);

const killed = 'coalesce(killed_sf_best,0)+coalesce(killed_civ_best,0)+coalesce(killed_mil_best,0)+coalesce(killed_unk_best,0)';
const maxDate = Number((await db.runAndReadAll('SELECT max(date_start) FROM incidents')).getRows()[0][0]);
const month = "strftime(DATE '1970-01-01' + date_start::INTEGER, '%Y-%m')";
const live = "status IN ('candidate','confirmed')";
const queries = [
  ['duckdb month x admin1, 1 filter',
   `SELECT ${month} AS m, admin1, count(*), sum(${killed})
    FROM incidents WHERE ${live} AND event_type = 'explosions_remote_violence'
    GROUP BY m, admin1 ORDER BY m, admin1`],
  ['duckdb dashboard: 1 province, 2 years, week',
   `SELECT strftime(DATE '1970-01-01' + date_start::INTEGER, '%G-W%V') AS w, count(*), sum(${killed})
    FROM incidents WHERE ${live} AND admin1 = 'Balochistan' AND date_start >= ${maxDate - 730}
    GROUP BY w ORDER BY w`],
  ['duckdb month x admin1, 1 perpetrator',
   `SELECT ${month} AS m, admin1, count(*), sum(${killed})
    FROM incidents WHERE ${live} AND perpetrator = 'TTP'
    GROUP BY m, admin1 ORDER BY m, admin1`],
];
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
for (const [label, sql] of queries) {
  const ms = [];
  const cpu = [];
  let rows = [];
  for (let i = 0; i < runs; ++i) {
    t0 = performance.now();
    c0 = cpuMs();
    const r = await db.runAndReadAll(sql);
    cpu.push(cpuMs() - c0);
    ms.push(performance.now() - t0);
    rows = r.getRows();
  }
  // The last two columns of every query are count(*) and sum(killed).
  let incidents = 0;
  let dead = 0;
  for (const row of rows) {
    incidents += Number(row[row.length - 2]);
    dead += Number(row[row.length - 1]);
  }
  console.log(`${label.padEnd(44)} ${median(ms).toFixed(3).padStart(8)} ms median (min ${Math.min(...ms).toFixed(3)}; ` +
              `CPU median ${median(cpu).toFixed(3)} ms, ${threads} threads; ${runs} runs; ${rows.length} rows, ${incidents} incidents, ${dead} killed)`);
}
