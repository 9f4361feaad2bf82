-- The text index without its per-row column sizes (FTS5 `columnsize = 0`):
-- nothing reads them (no bm25() or rank ordering; searches are MATCH
-- filters), and keeping them cost one more B-tree insert per incident, ≈ a
-- third of the index's CPU in a bulk load (docs/benchmarks.md). MATCH,
-- phrases, prefixes and column filters work as before. A contentless table
-- cannot be rebuilt in place, so it is made anew and filled from
-- `incidents`: the notes, and the outlets and headlines of the sources
-- through faultline_sources_search_text(), which the store registers on its
-- connection (the same text the store indexes on every write).
DROP TABLE incidents_fts;
CREATE VIRTUAL TABLE incidents_fts USING fts5 (notes, sources, content = '', columnsize = 0, tokenize = 'unicode61');
INSERT INTO incidents_fts (rowid, notes, sources)
  SELECT id, notes, faultline_sources_search_text(sources) FROM incidents;
