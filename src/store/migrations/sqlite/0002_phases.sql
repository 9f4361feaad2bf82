-- faultline schema 2 (SQLite): phases — ceasefires, talks, military
-- operations — that effects are measured across and statistics grouped by.
-- `key` is the phase's stable identity (re-importing a file updates it);
-- parties are actor ids joined with ';'; date_end NULL = still running.
CREATE TABLE phases (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  parties TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  date_start INTEGER NOT NULL,
  date_end INTEGER,
  source TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX phases_date_start ON phases (date_start);
