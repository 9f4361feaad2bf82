// One libFuzzer target per import format: fuzz/CMakeLists.txt compiles this
// file once per format with FUZZ_FORMAT="<format>". Each input is imported
// from memory and drained; besides the sanitizers, the harness checks the
// importer's contract (io/importer.h):
// - every Next() that returns true fills exactly one row, and a rejected row
//   says why;
// - rows come in input order (lines never go back) and reading ends: no more
//   rows than input bytes + 1;
// - bytes_consumed never exceeds the input;
// - with FUZZ_REQUIRE_VALID, an accepted incident passes Validate(). The
//   dataset formats (acled, ucdp-ged, gtd, gdelt) promise this; the others
//   leave the last checks to the import driver, so for them Validate() only
//   has to run without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/importer.h"

#ifndef FUZZ_FORMAT
#error "compile with -DFUZZ_FORMAT=\"<import format>\""
#endif
#ifndef FUZZ_REQUIRE_VALID
#define FUZZ_REQUIRE_VALID 0
#endif

namespace {

[[noreturn]] void Fail(const char* what, const faultline::ImportedRow& row) {
  std::fprintf(stderr, "import_fuzzer(%s): %s (line %llu, column \"%s\", reason \"%s\")\n", FUZZ_FORMAT, what,
               static_cast<unsigned long long>(row.line), row.column.c_str(), row.reason.c_str());
  std::abort();
}

// The real gazetteer and actor dictionary when they load (FAULTLINE_DATA or
// the compiled-in paths), so that place and actor resolution is fuzzed too;
// otherwise none, and names are kept as given.
faultline::ImportContext MakeContext() {
  faultline::ImportContext ctx;
  if (auto gz = faultline::Gazetteer::Default(); gz.ok()) ctx.gazetteer = *gz;
  if (auto actors = faultline::ActorDictionary::Default(); actors.ok()) ctx.actors = *actors;
  ctx.batch_id = "fuzz";
  ctx.file_label = "fuzz-input";
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const faultline::ImportContext ctx = MakeContext();
  auto source =
      faultline::OpenRowSourceFromString(FUZZ_FORMAT, std::string(reinterpret_cast<const char*>(data), size), ctx);
  if (!source.ok()) {
    std::fprintf(stderr, "import_fuzzer: cannot open format %s: %s\n", FUZZ_FORMAT, source.status().ToString().c_str());
    std::abort();
  }
  faultline::RowSource& rows = **source;
  constexpr uint64_t kUnset = ~uint64_t{0};
  uint64_t count = 0;
  uint64_t last_line = 0;
  for (;;) {
    faultline::ImportedRow row;
    row.line = kUnset;
    if (!rows.Next(&row)) break;
    if (row.line == kUnset) Fail("Next() returned true without filling a row", row);
    if (++count > size + 1) Fail("more rows than input bytes", row);
    if (row.line < last_line) Fail("row line went backwards", row);
    last_line = row.line;
    if (row.kind == faultline::ImportedRow::Kind::kRejected) {
      if (row.reason.empty()) Fail("rejected row without a reason", row);
      continue;
    }
    auto errors = faultline::Validate(row.incident);
    if (FUZZ_REQUIRE_VALID && !errors.empty()) {
      row.column = errors[0].field;
      row.reason = errors[0].message;
      Fail("accepted incident fails Validate()", row);
    }
  }
  (void)rows.fatal();
  if (rows.bytes_consumed() > size) {
    faultline::ImportedRow none;
    Fail("bytes_consumed() exceeds the input size", none);
  }
  return 0;
}
