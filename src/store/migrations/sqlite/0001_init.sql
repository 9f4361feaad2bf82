-- faultline schema 1 (SQLite). docs/storage.md explains every choice.
-- Dates are day numbers (days since 1970-01-01); enums are their snake_case
-- names; strings that may be absent are '' (never NULL) so equality filters
-- need no COALESCE; counts and coordinates that may be absent are NULL.

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,            -- rowid alias: ids come from SQLite
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  merged_into INTEGER,
  source_key TEXT NOT NULL DEFAULT '',
  date_start INTEGER NOT NULL,
  date_end INTEGER NOT NULL,
  date_precision TEXT NOT NULL,
  country TEXT NOT NULL,
  admin1 TEXT NOT NULL DEFAULT '',
  admin2 TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL DEFAULT '',
  lat REAL,
  lon REAL,
  geo_precision TEXT NOT NULL,
  event_type TEXT NOT NULL,
  sub_event_type TEXT NOT NULL DEFAULT '',
  attack_type TEXT NOT NULL,
  perpetrator TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL,
  target TEXT NOT NULL,
  killed_sf_low INTEGER, killed_sf_best INTEGER, killed_sf_high INTEGER,
  killed_civ_low INTEGER, killed_civ_best INTEGER, killed_civ_high INTEGER,
  killed_mil_low INTEGER, killed_mil_best INTEGER, killed_mil_high INTEGER,
  killed_unk_low INTEGER, killed_unk_best INTEGER, killed_unk_high INTEGER,
  injured_sf_low INTEGER, injured_sf_best INTEGER, injured_sf_high INTEGER,
  injured_civ_low INTEGER, injured_civ_best INTEGER, injured_civ_high INTEGER,
  injured_mil_low INTEGER, injured_mil_best INTEGER, injured_mil_high INTEGER,
  injured_unk_low INTEGER, injured_unk_best INTEGER, injured_unk_high INTEGER,
  sources TEXT,                      -- JSON array (SourcesToJson); NULL when none
  notes TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  prov_importer TEXT NOT NULL DEFAULT '',
  prov_batch TEXT NOT NULL DEFAULT '',
  prov_file TEXT NOT NULL DEFAULT '',
  prov_row INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,          -- UTC, ISO 8601
  updated_by TEXT NOT NULL
);
CREATE INDEX incidents_date_start ON incidents (date_start);
CREATE INDEX incidents_country_admin1 ON incidents (country, admin1);
CREATE INDEX incidents_perpetrator ON incidents (perpetrator);
CREATE INDEX incidents_event_type ON incidents (event_type);
-- Re-import identity: a non-empty source_key names one incident. On SQLite
-- this unique index is the identity (a look-up and no extra write per row);
-- incident_keys below is a view of it, so both backends answer the same
-- query. (PostgreSQL keeps a real incident_keys table, keyed by country.)
CREATE UNIQUE INDEX incidents_source_key ON incidents (source_key) WHERE source_key <> '';
CREATE VIEW incident_keys (country, source_key, incident_id) AS
  SELECT country, source_key, id FROM incidents WHERE source_key <> '';

-- One row per version of every incident, the current one included. `data` is
-- the canonical JSON of a superseded version without id and version (those
-- are columns); it is NULL for the current version, whose content is the
-- incidents row itself, and is written when that version is superseded. So
-- an insert writes no JSON at all, and the content is never stored twice.
-- `country` is the incident's current country (its distribution key on
-- PostgreSQL), not the country the version recorded.
CREATE TABLE incident_history (
  country TEXT NOT NULL,
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  data TEXT,
  PRIMARY KEY (incident_id, version)
) WITHOUT ROWID;  -- rows are small (data is NULL but for superseded versions): one B-tree, not two

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL UNIQUE,
  importer TEXT NOT NULL DEFAULT '',
  file TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL DEFAULT '',
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_inserted INTEGER NOT NULL DEFAULT 0,
  rows_updated INTEGER NOT NULL DEFAULT 0,
  rows_unchanged INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0
);

-- Full-text index over notes and the words of sources (outlets and
-- headlines; not urls, dates or evidence field names, which would match
-- nearly every row). Contentless: the text lives
-- in `incidents`. The store writes it with explicit statements, not triggers:
-- a trigger makes every incidents write a multi-row statement, and each such
-- statement makes FTS5 flush its pending terms (a savepoint), which costs more
-- than the rest of an insert. A 'delete' must repeat the indexed values; the
-- store derives them from the stored row with the same function.
CREATE VIRTUAL TABLE incidents_fts USING fts5 (notes, sources, content = '', tokenize = 'unicode61');
