-- The news window (Store::ScanNewsWindow) also leaves out the rows whose
-- date range ended before the candidate's window began (NewsWindow::
-- date_end_from): resolution would drop them for their day gap anyway.
-- With date_end in the index those rows are skipped in the index itself,
-- without reading the table row: at a 2-day window that is most of the
-- rows the date_start range (which must reach back a week for week-long
-- spans) lists. Same rows and partial WHERE as migration 0008.
DROP INDEX incidents_news_window;
CREATE INDEX incidents_news_window ON incidents (country, admin1, date_start, date_end)
  WHERE prov_importer = 'extract' AND status IN ('candidate', 'confirmed');
