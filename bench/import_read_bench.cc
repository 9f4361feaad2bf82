// The read side of an import alone, on one thread: a format's RowSource
// (read, parse, check encoding, map through the gazetteer and actor
// dictionary) and validation, with no store. Prints rows, rejected rows and
// the CPU time of the loop (the gazetteer's loading excluded). What
// docs/benchmarks.md compares between builds for the import's reader thread.
// Usage: import_read_bench FORMAT FILE   (FAULTLINE_DATA as for faultline)
#include <cstdio>
#include <ctime>
#include <string>

#include "faultline/incident.h"
#include "io/importer.h"

using namespace faultline;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: import_read_bench FORMAT FILE\n");
    return 2;
  }
  auto gz = Gazetteer::Default();
  auto actors = ActorDictionary::Default();
  if (!gz.ok() || !actors.ok()) {
    std::fprintf(stderr, "cannot load the gazetteer or actor dictionary (FAULTLINE_DATA)\n");
    return 1;
  }
  ImportContext ctx;
  ctx.gazetteer = *gz;
  ctx.actors = *actors;
  ctx.batch_id = "bench";
  ctx.file_label = argv[2];
  auto source = OpenRowSource(argv[1], argv[2], ctx);
  if (!source.ok()) {
    std::fprintf(stderr, "%s\n", source.status().ToString().c_str());
    return 1;
  }
  const std::clock_t start = std::clock();
  ImportedRow row;
  long rows = 0, rejected = 0;
  while ((*source)->Next(&row)) {
    ++rows;
    if (row.kind != ImportedRow::Kind::kIncident || !Validate(row.incident).empty()) ++rejected;
  }
  const double cpu = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  std::printf("%ld rows, %ld rejected, %.2f s CPU, %.0f rows/s\n", rows, rejected, cpu, rows / cpu);
  return (*source)->fatal().ok() ? 0 : 1;
}
