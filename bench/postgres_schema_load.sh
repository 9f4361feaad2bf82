#!/usr/bin/env bash
# The floor PostgreSQL itself sets for an import into faultline's schema:
# the rows a faultline import stored (database SRC_URI) dumped with `psql
# \copy ... TO`, and a psql script that loads them with `\copy ... FROM` into
# a fresh store (made by `faultline init`: the same partitions, keys, indexes
# and text index) in one transaction. No parsing, mapping, validation or key
# look-ups: what is left is PostgreSQL writing the same rows, history rows,
# keys and index entries.
# Usage: bench/postgres_schema_load.sh FAULTLINE SRC_URI DST_URI DIR
#   writes DIR/pg_*.copy and DIR/pg_schema_load.psql; run the load with
#   `psql -q DST_URI -f DIR/pg_schema_load.psql`.
set -euo pipefail
fl=$1 src=$2 dst=$3 dir=$4
"$fl" --db "$dst" init >/dev/null
tables=(incidents incident_history incident_keys)
{
  echo "BEGIN;"
  for t in "${tables[@]}"; do
    cols=$(psql -qAt "$dst" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                                WHERE attrelid = '$t'::regclass AND attnum > 0 AND NOT attisdropped")
    psql -q "$src" -c "\\copy (SELECT $cols FROM $t) TO '$dir/pg_$t.copy'"
    echo "\\copy $t ($cols) FROM '$dir/pg_$t.copy'"
  done
  echo "COMMIT;"
} >"$dir/pg_schema_load.psql"
