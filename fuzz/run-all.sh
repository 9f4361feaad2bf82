#!/usr/bin/env bash
# Builds the fuzz preset and runs every fuzzer for SECONDS each (default 60):
# the importers and news readers, seeded from test/fixtures, test/bad, the
# sample news and, when present, the PBC files in ../shared/data/pbc; and the
# other parsers (plan CSVs, claims/phases TSV, Latin-1/cp1252 decoding),
# seeded from their own fuzz/corpus/<name> and the bundled file of that
# kind in data/. Each target keeps a growing corpus in
# build/fuzz/corpus/<target>; crashes, leaks and timeouts are written to
# build/fuzz/crashes/<target>-*. Exits non-zero when any target fails.
#
#   fuzz/run-all.sh 20                  # 20 s per target
#   FUZZ_TARGETS="acled gtd" fuzz/run-all.sh 300
#   FUZZ_TARGETS= FUZZ_ARTICLE_TARGETS= FUZZ_PARSER_TARGETS=plan_border fuzz/run-all.sh 60
#   MAX_LEN=1048576 JOBS=2 fuzz/run-all.sh
# Reproduce a crash: build/fuzz/fuzz/<target> build/fuzz/crashes/<file>
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/fuzz"
crashes="$build/crashes"
formats=${FUZZ_TARGETS-"acled ucdp-ged gtd gdelt pbc-suicide pbc-drone csv ndjson"}
# News readers and the extraction pipeline (fuzz_article_<name>).
articles=${FUZZ_ARTICLE_TARGETS-"text html feed ndjson pipeline"}
# Parsers outside the importers (fuzz_<name>; seeds in fuzz/corpus/<name>).
parsers=${FUZZ_PARSER_TARGETS-"plan_unit_kinds plan_border claims_tsv phases_tsv decode_text import_csv_legacy"}
max_len=${MAX_LEN:-262144}  # the PBC files (~160 KB) fit whole

cd "$root"
cmake --preset fuzz >/dev/null
targets=()
for format in $formats; do targets+=("fuzz_import_${format//-/_}"); done
for a in $articles; do targets+=("fuzz_article_$a"); done
for p in $parsers; do targets+=("fuzz_$p"); done
cmake --build "$build" --target "${targets[@]}" -j"${JOBS:-2}"

import_seeds=()
for dir in "$root/test/fixtures" "$root/test/bad" "$root/../shared/data/pbc" "$root/data/samples/news"; do
  [[ -d "$dir" ]] && import_seeds+=("$dir")
done
# The seed folders of one target.
seeds_of() {
  local name=${1#fuzz_} dirs=()
  if [[ -d "$root/fuzz/corpus/$name" ]]; then
    dirs+=("$root/fuzz/corpus/$name")
    case $name in
      plan_border) dirs+=("$root/data/plan") ;;
      claims_tsv) dirs+=("$root/data/claims") ;;
      phases_tsv) dirs+=("$root/data/phases") ;;
      import_csv_legacy) dirs+=("$root/test/bad") ;;
    esac
  else
    dirs=("${import_seeds[@]}")
  fi
  printf '%s\n' "${dirs[@]}"
}

mkdir -p "$crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1:abort_on_error=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"halt_on_error=1:print_stacktrace=1"}
failed=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "== $target: ${seconds}s"
  mapfile -t seeds < <(seeds_of "$target")
  if ! "$build/fuzz/$target" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len="$max_len" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/$target-" -print_final_stats=1 \
      >"$build/$target.log" 2>&1; then
    failed+=("$target")
    echo "   FAILED: see $build/$target.log and $crashes/$target-*"
    tail -n 30 "$build/$target.log" | sed 's/^/   | /'
  else
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build/$target.log" | sed 's/^/   /' || true
  fi
done

if ((${#failed[@]})); then
  echo "fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: all ${#targets[@]} targets ran ${seconds}s without a failure"
