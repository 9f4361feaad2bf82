-- faultline schema 5 (PostgreSQL): claims — published figures as data (who
-- said it, where, what it counts, over which incidents and period, the
-- number). Small and read whole: on Citus a reference table
-- (SELECT create_reference_table('claims')). `key` is the stable identity.
-- Numbered 5: numbers 3 and 4 are taken by branches developed in parallel.
CREATE TABLE claims (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  source text NOT NULL,
  citation text NOT NULL DEFAULT '',
  standing text NOT NULL,
  metric text NOT NULL,
  category text NOT NULL DEFAULT '',
  filters text NOT NULL DEFAULT '',
  period text NOT NULL,
  date_from integer NOT NULL,
  date_to integer NOT NULL,
  value bigint NOT NULL,
  evidence text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX claims_metric_period ON claims (metric, date_from);
