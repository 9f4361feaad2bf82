-- Less index work per imported row (docs/benchmarks.md, "Import 1M
-- ACLED-layout rows into PostgreSQL 15"; docs/storage.md, "Indexes").
--
-- 1. The text index reads a plain column instead of walking the sources
-- JSON: `sources_text` holds the outlets, then the headlines, of
-- `sources`, the non-empty ones joined by single spaces — the text the
-- SQLite store indexes (SourcesSearchText in src/store/columns.cc), which
-- the store writes with every row. One to_tsvector over `notes || ' ' ||
-- sources_text` finds the same words as the old to_tsvector(notes) ||
-- jsonb_to_tsvector(outlets and headlines): the parser splits on spaces,
-- so no word spans the joins, and search (plainto_tsquery, every word
-- must occur) does not look at positions. src/store/sql_filter.h repeats
-- the expression exactly so the planner can use the index; change both
-- together.
DROP INDEX incidents_text;
ALTER TABLE incidents ADD COLUMN sources_text text NOT NULL DEFAULT '';
UPDATE incidents SET sources_text = coalesce((
    SELECT string_agg(s.v #>> '{}', ' ' ORDER BY s.n)
    FROM jsonb_array_elements(jsonb_path_query_array(sources, '$[*].outlet') ||
                              jsonb_path_query_array(sources, '$[*].headline')) WITH ORDINALITY AS s(v, n)
    WHERE jsonb_typeof(s.v) = 'string' AND s.v #>> '{}' <> ''), '')
  WHERE sources IS NOT NULL;
CREATE INDEX incidents_text ON incidents USING gin (to_tsvector('simple', notes || ' ' || sources_text));

-- 2. incident_keys: one B-tree instead of three. The primary key leads
-- with source_key, so it serves every look-up by key alone (a batch's
-- look-up, the owner of a key, the news window) and the separate
-- source_key index goes. The (country, incident_id) index goes too: the
-- store deletes an incident's key by the key itself (an incident has at
-- most one, its source_key). Still Citus-shaped: the key holds country.
ALTER TABLE incident_keys DROP CONSTRAINT incident_keys_pkey, ADD PRIMARY KEY (source_key, country);
DROP INDEX incident_keys_source_key;
DROP INDEX incident_keys_incident;
