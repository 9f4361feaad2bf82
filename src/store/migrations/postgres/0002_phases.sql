-- faultline schema 2 (PostgreSQL): phases — ceasefires, talks, military
-- operations. A small table every node needs whole: on Citus it is a
-- reference table (SELECT create_reference_table('phases')), so it carries
-- no distribution key. `key` is the stable identity; parties are actor ids
-- joined with ';'; date_end NULL = still running.
CREATE TABLE phases (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  type text NOT NULL,
  name text NOT NULL,
  parties text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT '',
  date_start integer NOT NULL,
  date_end integer,
  source text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phases_date_start ON phases (date_start);
