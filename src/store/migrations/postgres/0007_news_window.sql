-- News resolution (Store::ScanNewsWindow) looks up the incidents extracted
-- from news in one province and date window for every new candidate. A
-- partial index: imported rows (the bulk of a store) pay nothing for it.
-- The query repeats the WHERE literally so that the planner can use it.
CREATE INDEX incidents_news_window ON incidents (country, admin1, date_start) WHERE prov_importer = 'extract';
