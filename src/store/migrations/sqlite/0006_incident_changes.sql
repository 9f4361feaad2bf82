-- A counter of committed changes to what statistics and incident lists read
-- (incidents and phases), bumped by triggers so that every writer counts,
-- this program or any other. The server polls it (Store::IncidentsStamp)
-- when PRAGMA data_version says the database moved, and keeps its cube and
-- cached answers when only other tables changed (a sign-in, the audit log).
-- SQLite has only row triggers; the row is one page already in the cache of
-- the writing transaction, so a bulk import pays an in-memory update a row.
CREATE TABLE incident_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO incident_changes (id, n) VALUES (1, 0);
CREATE TRIGGER incidents_changed_insert AFTER INSERT ON incidents
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER incidents_changed_update AFTER UPDATE ON incidents
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER incidents_changed_delete AFTER DELETE ON incidents
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER phases_changed_insert AFTER INSERT ON phases
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER phases_changed_update AFTER UPDATE ON phases
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER phases_changed_delete AFTER DELETE ON phases
  BEGIN UPDATE incident_changes SET n = n + 1 WHERE id = 1; END;
