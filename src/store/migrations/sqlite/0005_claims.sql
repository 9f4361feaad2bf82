-- faultline schema 5 (SQLite): claims — published figures as data (who said
-- it, where, what it counts, over which incidents and period, the number),
-- checked against the incidents and against each other. `key` is the
-- claim's stable identity (re-importing a file updates it). Numbered 5:
-- numbers 3 and 4 are taken by branches developed in parallel.
CREATE TABLE claims (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  citation TEXT NOT NULL DEFAULT '',
  standing TEXT NOT NULL,
  metric TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  filters TEXT NOT NULL DEFAULT '',
  period TEXT NOT NULL,
  date_from INTEGER NOT NULL,
  date_to INTEGER NOT NULL,
  value INTEGER NOT NULL,
  evidence TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX claims_metric_period ON claims (metric, date_from);
