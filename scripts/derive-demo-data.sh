#!/usr/bin/env bash
# Rebuilds data/demo/ from the Pakistan Body Count CSVs with faultline's own
# importer and a facts-only export (no notes, no sources: dates, places,
# coordinates, target category, casualty ranges). Run from the project root
# after a build: scripts/derive-demo-data.sh [PBC_DIR] [FAULTLINE_BINARY]
set -euo pipefail
pbc=${1:-../shared/data/pbc}
fl=${2:-build/release/faultline}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p data/demo
"$fl" --db "$tmp/pbc.db" import --no-progress --input-format pbc-suicide "$pbc/PakistanSuicideAttacks.csv"
# The drone file's totals row is rejected by design; quarantine it.
"$fl" --db "$tmp/pbc.db" import --no-progress --input-format pbc-drone --quarantine "$tmp/drone-rejects.csv" \
  "$pbc/PakistanDroneAttacks.csv"
"$fl" --db "$tmp/pbc.db" export --facts-only --source pbc-suicide -o data/demo/pbc_suicide_facts.csv
"$fl" --db "$tmp/pbc.db" export --facts-only --source pbc-drone -o data/demo/pbc_drone_facts.csv
wc -l data/demo/*.csv
