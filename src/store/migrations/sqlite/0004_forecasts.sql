-- faultline schema 4 (SQLite): forecasts — one row per unit, horizon and
-- run: the predictive distribution's mean and quantiles, P(count >= k) for
-- k = 1.. as space-separated numbers, optional samples likewise, and what
-- made it (model, version, training window, issue day, filter, seed).
CREATE TABLE forecasts (
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  model TEXT NOT NULL,
  model_version TEXT NOT NULL,
  measure TEXT NOT NULL,
  unit_kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  period TEXT NOT NULL,
  target TEXT NOT NULL,
  horizon INTEGER NOT NULL,
  issued INTEGER NOT NULL,
  train_from INTEGER NOT NULL,
  train_to INTEGER NOT NULL,
  filter TEXT NOT NULL DEFAULT '',
  seed INTEGER NOT NULL DEFAULT 0,
  mean REAL NOT NULL,
  q05 REAL NOT NULL,
  q10 REAL NOT NULL,
  q25 REAL NOT NULL,
  q50 REAL NOT NULL,
  q75 REAL NOT NULL,
  q90 REAL NOT NULL,
  q95 REAL NOT NULL,
  p_at_least TEXT NOT NULL DEFAULT '',
  samples TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX forecasts_run ON forecasts (run);
CREATE INDEX forecasts_target ON forecasts (unit_kind, unit, target);
