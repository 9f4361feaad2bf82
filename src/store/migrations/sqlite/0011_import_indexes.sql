-- Nothing to change on SQLite: PostgreSQL's migration 11 gives its text
-- index a plain sources_text column and keys incident_keys by source_key
-- (src/store/migrations/postgres/0011_import_indexes.sql). SQLite's FTS5
-- table already indexes SourcesSearchText, and its incident_keys is a view
-- of the unique source_key index. The number is kept in step so that both
-- backends report the same schema version.
SELECT 1;
