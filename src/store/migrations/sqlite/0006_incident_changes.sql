-- A counter of committed changes to what statistics and incident lists read
-- (incidents and phases). The server polls it (Store::IncidentsStamp) when
-- PRAGMA data_version says the database moved, and keeps its cube and cached
-- answers when only other tables changed (a sign-in, the audit log).
-- The store bumps it once per committed transaction that wrote incidents or
-- phases (it learns which tables a transaction wrote from SQLite's update
-- hook), not with triggers: SQLite has only row triggers, and a trigger makes
-- every incidents write a multi-statement one, which flushes FTS5's pending
-- terms on each row (+46 % CPU on a 200k-row load). So every faultline
-- process counts; a program writing the file with raw SQL does not (see
-- docs/storage.md).
CREATE TABLE incident_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO incident_changes (id, n) VALUES (1, 0);
