-- A counter of committed changes to what statistics and incident lists read
-- (incidents and phases), bumped by statement triggers so that every writer
-- counts, this program or any other. The server polls the sum
-- (Store::IncidentsStamp) when pg_current_snapshot() says something
-- committed, and keeps its cube and cached answers when only other tables
-- changed (a sign-in, the audit log). One row per server backend: writers in
-- different sessions never wait on each other's row lock, and every commit
-- that wrote incidents or phases raises the sum, which never falls.
CREATE TABLE incident_changes (
  backend integer PRIMARY KEY,
  n bigint NOT NULL
);
CREATE FUNCTION incident_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $fl$
BEGIN
  INSERT INTO incident_changes (backend, n) VALUES (pg_backend_pid(), 1)
    ON CONFLICT (backend) DO UPDATE SET n = incident_changes.n + 1;
  RETURN NULL;
END
$fl$;
CREATE TRIGGER incidents_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION incident_changes_bump();
CREATE TRIGGER phases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON phases
  FOR EACH STATEMENT EXECUTE FUNCTION incident_changes_bump();
