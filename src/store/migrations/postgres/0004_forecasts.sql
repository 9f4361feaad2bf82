-- faultline schema 4 (PostgreSQL): forecasts — one row per unit, horizon and
-- run: the predictive distribution's mean and quantiles, P(count >= k) for
-- k = 1.. as space-separated numbers, optional samples likewise, and what
-- made it (model, version, training window, issue day, filter, seed). Not
-- keyed by incident: on Citus a local table on the coordinator (small next
-- to incidents: units x horizons per run).
CREATE TABLE forecasts (
  id bigserial PRIMARY KEY,
  run text NOT NULL,
  model text NOT NULL,
  model_version text NOT NULL,
  measure text NOT NULL,
  unit_kind text NOT NULL,
  unit text NOT NULL,
  period text NOT NULL,
  target text NOT NULL,
  horizon integer NOT NULL,
  issued integer NOT NULL,
  train_from integer NOT NULL,
  train_to integer NOT NULL,
  filter text NOT NULL DEFAULT '',
  seed bigint NOT NULL DEFAULT 0,
  mean double precision NOT NULL,
  q05 double precision NOT NULL,
  q10 double precision NOT NULL,
  q25 double precision NOT NULL,
  q50 double precision NOT NULL,
  q75 double precision NOT NULL,
  q90 double precision NOT NULL,
  q95 double precision NOT NULL,
  p_at_least text NOT NULL DEFAULT '',
  samples text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forecasts_run ON forecasts (run);
CREATE INDEX forecasts_target ON forecasts (unit_kind, unit, target);
