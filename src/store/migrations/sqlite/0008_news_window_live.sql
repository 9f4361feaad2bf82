-- The news window (Store::ScanNewsWindow) reads only candidate and
-- confirmed rows, but migration 0007's index also lists the candidates
-- merged into another incident: about half of a news store, each row read
-- from the table only to be dropped by its status. The index now leaves
-- them out; a row enters or leaves it as its status changes (a review
-- merge, a split). The query repeats the WHERE literally so that the
-- planner can use it.
DROP INDEX incidents_news_window;
CREATE INDEX incidents_news_window ON incidents (country, admin1, date_start)
  WHERE prov_importer = 'extract' AND status IN ('candidate', 'confirmed');
