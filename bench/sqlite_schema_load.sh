#!/usr/bin/env bash
# The floor SQLite itself sets for an import into faultline's schema: the
# rows a faultline import stored (SRC.db), copied by the `sqlite3` shell into
# a fresh store (made by `faultline init`: the same tables, indexes, text
# index and page size) in one transaction, with the same bulk-load steps the
# store takes (secondary indexes dropped and made again before COMMIT, text
# index merging at 16). No parsing, mapping, validation or per-row
# statements: what is left is SQLite writing the same rows, keys, history
# rows, text index and indexes. The text indexed for sources is the outlet
# and headline of each source (what SourcesSearchText indexes), made by
# SQLite's JSON functions.
# Usage: bench/sqlite_schema_load.sh FAULTLINE SRC.db DST.db SQL_OUT
#   writes the load script to SQL_OUT; run it with `sqlite3 DST.db < SQL_OUT`.
set -euo pipefail
fl=$1 src=$2 dst=$3 sql=$4
rm -f "$dst" "$dst-wal" "$dst-shm"
"$fl" --db "$dst" init >/dev/null
q() { sqlite3 "$dst" "$1"; }
cols=$(q "SELECT group_concat(name, ', ') FROM pragma_table_info('incidents')")
hcols=$(q "SELECT group_concat(name, ', ') FROM pragma_table_info('incident_history')")
secondary="FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'incidents' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
drops=$(q "SELECT group_concat('DROP INDEX ' || name || ';', ' ') $secondary")
creates=$(q "SELECT group_concat(sql || ';', ' ') $secondary")
cat >"$sql" <<SQL
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -131072;
ATTACH '$src' AS src;
BEGIN;
INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('automerge', 16);
$drops
INSERT INTO main.incidents ($cols) SELECT $cols FROM src.incidents ORDER BY id;
INSERT INTO main.incident_history ($hcols) SELECT $hcols FROM src.incident_history ORDER BY incident_id, version;
INSERT INTO incidents_fts (rowid, notes, sources)
  SELECT id, notes, (SELECT group_concat(coalesce(json_extract(value, '\$.outlet'), '') || ' ' ||
                                         coalesce(json_extract(value, '\$.headline'), ''), ' ')
                     FROM json_each(sources))
  FROM src.incidents ORDER BY id;
INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('automerge', 4);
PRAGMA cache_size = -32768;
$creates
COMMIT;
SQL
