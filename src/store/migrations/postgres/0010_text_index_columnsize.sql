-- Migration 0010 rebuilt SQLite's FTS5 text index without per-row column
-- sizes. PostgreSQL's text index (a GIN expression index) has no such
-- sizes; nothing changes here. The number is kept so that both backends
-- report the same schema version.
SELECT 1;
