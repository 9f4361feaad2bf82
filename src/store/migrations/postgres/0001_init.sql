-- faultline schema 1 (PostgreSQL 15). docs/storage.md explains every choice.
-- Kept Citus-compatible: `country` is the distribution column of incidents,
-- incident_history and incident_keys, and every primary key contains it;
-- incidents are range-partitioned on date_start (a day number). No triggers
-- and no foreign keys between these tables: the store writes all of them
-- itself, so a distributed cluster runs the same statements unchanged.

-- Ids come from one sequence (on Citus it lives on the coordinator); they are
-- unique because only the sequence hands them out, not by a constraint: a
-- unique key on id alone is impossible on a distributed, partitioned table.
CREATE SEQUENCE incident_id_seq AS bigint;

CREATE TABLE incidents (
  id bigint NOT NULL DEFAULT nextval('incident_id_seq'),
  version integer NOT NULL,
  status text NOT NULL,
  merged_into bigint,
  source_key text NOT NULL DEFAULT '',
  date_start integer NOT NULL,        -- days since 1970-01-01
  date_end integer NOT NULL,
  date_precision text NOT NULL,
  country text NOT NULL,
  admin1 text NOT NULL DEFAULT '',
  admin2 text NOT NULL DEFAULT '',
  place text NOT NULL DEFAULT '',
  lat double precision,
  lon double precision,
  geo_precision text NOT NULL,
  event_type text NOT NULL,
  sub_event_type text NOT NULL DEFAULT '',
  attack_type text NOT NULL,
  perpetrator text NOT NULL DEFAULT '',
  attribution text NOT NULL,
  target text NOT NULL,
  killed_sf_low integer, killed_sf_best integer, killed_sf_high integer,
  killed_civ_low integer, killed_civ_best integer, killed_civ_high integer,
  killed_mil_low integer, killed_mil_best integer, killed_mil_high integer,
  killed_unk_low integer, killed_unk_best integer, killed_unk_high integer,
  injured_sf_low integer, injured_sf_best integer, injured_sf_high integer,
  injured_civ_low integer, injured_civ_best integer, injured_civ_high integer,
  injured_mil_low integer, injured_mil_best integer, injured_mil_high integer,
  injured_unk_low integer, injured_unk_best integer, injured_unk_high integer,
  sources jsonb,                      -- array of sources; NULL when none
  notes text NOT NULL DEFAULT '',
  license text NOT NULL DEFAULT '',
  prov_importer text NOT NULL DEFAULT '',
  prov_batch text NOT NULL DEFAULT '',
  prov_file text NOT NULL DEFAULT '',
  prov_row bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  PRIMARY KEY (country, id, date_start)
) PARTITION BY RANGE (date_start);

-- One partition per decade where the data is, and a DEFAULT partition for
-- everything else (dates before 1970 or from 2040 on). Bounds are day numbers:
-- 0 = 1970-01-01, 3652 = 1980-01-01, ... 25567 = 2040-01-01.
CREATE TABLE incidents_1970s PARTITION OF incidents FOR VALUES FROM (0) TO (3652);
CREATE TABLE incidents_1980s PARTITION OF incidents FOR VALUES FROM (3652) TO (7305);
CREATE TABLE incidents_1990s PARTITION OF incidents FOR VALUES FROM (7305) TO (10957);
CREATE TABLE incidents_2000s PARTITION OF incidents FOR VALUES FROM (10957) TO (14610);
CREATE TABLE incidents_2010s PARTITION OF incidents FOR VALUES FROM (14610) TO (18262);
CREATE TABLE incidents_2020s PARTITION OF incidents FOR VALUES FROM (18262) TO (21915);
CREATE TABLE incidents_2030s PARTITION OF incidents FOR VALUES FROM (21915) TO (25567);
CREATE TABLE incidents_default PARTITION OF incidents DEFAULT;

CREATE INDEX incidents_id ON incidents (id);
CREATE INDEX incidents_date_start ON incidents (date_start);
CREATE INDEX incidents_country_admin1 ON incidents (country, admin1);
CREATE INDEX incidents_perpetrator ON incidents (perpetrator);
CREATE INDEX incidents_event_type ON incidents (event_type);
-- Full-text search over notes and the words of sources (outlets and
-- headlines). The query in src/store/sql_filter.cc repeats this expression
-- exactly so the planner can use the index; change both together.
CREATE INDEX incidents_text ON incidents USING gin ((to_tsvector('simple', notes) || jsonb_to_tsvector('simple',
  coalesce(jsonb_path_query_array(sources, '$[*].outlet') || jsonb_path_query_array(sources, '$[*].headline'),
           '[]'::jsonb), '["string"]')));

-- Re-import identity. The key is unique per country (the distribution column
-- must be part of it); the store looks keys up by source_key alone before
-- inserting, which keeps them unique across countries for a single writer.
CREATE TABLE incident_keys (
  country text NOT NULL,
  source_key text NOT NULL,
  incident_id bigint NOT NULL,
  PRIMARY KEY (country, source_key)
);
CREATE INDEX incident_keys_source_key ON incident_keys (source_key);
CREATE INDEX incident_keys_incident ON incident_keys (country, incident_id);

-- One row per version of every incident, the current one included. `data` is
-- the canonical JSON of a superseded version without id and version; NULL for
-- the current version, whose content is the incidents row (written when the
-- version is superseded). `country` is the incident's current country, so all
-- its versions sit on one shard with it.
CREATE TABLE incident_history (
  country text NOT NULL,
  incident_id bigint NOT NULL,
  version integer NOT NULL,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  reason text NOT NULL DEFAULT '',
  data jsonb,
  PRIMARY KEY (country, incident_id, version)
);
CREATE INDEX incident_history_incident ON incident_history (incident_id, version);

-- Small and written rarely: a reference table on Citus.
CREATE TABLE imports (
  id bigserial PRIMARY KEY,
  batch_id text NOT NULL UNIQUE,
  importer text NOT NULL DEFAULT '',
  file text NOT NULL DEFAULT '',
  started_at text NOT NULL DEFAULT '',
  rows_read bigint NOT NULL DEFAULT 0,
  rows_inserted bigint NOT NULL DEFAULT 0,
  rows_updated bigint NOT NULL DEFAULT 0,
  rows_unchanged bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0
);
