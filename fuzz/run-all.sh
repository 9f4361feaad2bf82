#!/usr/bin/env bash
# Builds the fuzz preset and runs every import fuzzer for SECONDS each
# (default 60), seeded from test/fixtures, test/bad and, when present, the
# PBC files in ../shared/data/pbc. Each target keeps a growing corpus in
# build/fuzz/corpus/<target>; crashes, leaks and timeouts are written to
# build/fuzz/crashes/<target>-*. Exits non-zero when any target fails.
#
#   fuzz/run-all.sh 20                  # 20 s per target
#   FUZZ_TARGETS="acled gtd" fuzz/run-all.sh 300
#   MAX_LEN=1048576 JOBS=2 fuzz/run-all.sh
# Reproduce a crash: build/fuzz/fuzz/fuzz_import_<format> build/fuzz/crashes/<file>
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/fuzz"
crashes="$build/crashes"
formats=${FUZZ_TARGETS:-"acled ucdp-ged gtd gdelt pbc-suicide pbc-drone csv ndjson"}
# News readers and the extraction pipeline (fuzz_article_<name>).
articles=${FUZZ_ARTICLE_TARGETS:-"text html feed ndjson pipeline"}
max_len=${MAX_LEN:-262144}  # the PBC files (~160 KB) fit whole

cd "$root"
cmake --preset fuzz >/dev/null
targets=()
for format in $formats; do targets+=("fuzz_import_${format//-/_}"); done
for a in $articles; do targets+=("fuzz_article_$a"); done
cmake --build "$build" --target "${targets[@]}" -j"${JOBS:-2}"

seeds=()
for dir in "$root/test/fixtures" "$root/test/bad" "$root/../shared/data/pbc" "$root/data/samples/news"; do
  [[ -d "$dir" ]] && seeds+=("$dir")
done

mkdir -p "$crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1:abort_on_error=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"halt_on_error=1:print_stacktrace=1"}
failed=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "== $target: ${seconds}s"
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
