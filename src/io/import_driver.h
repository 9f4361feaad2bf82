// The import driver: reads a RowSource, validates every incident, writes to
// a Store, and accounts for every row (rows read = stored + rejected).
//
// Atomic by default: one transaction, and any rejected row rolls the whole
// import back. With a quarantine file, valid rows are committed and rejected
// ones are written to the file with their reasons. With batch_size > 0 the
// import commits every batch_size rows (a crash keeps whole batches; a re-run
// updates instead of duplicating, because rows are keyed by source_key).
// Rows are read, mapped and validated on a thread of its own (bounded queue
// of chunks), which also renders what the store derives from each row
// (RenderIncidentText), while the calling thread writes them with
// Store::UpsertRenderedBatch in batches of up to 2000; the Store is used
// from the calling thread only.
// The driver depends only on the Store interface.
#ifndef FAULTLINE_IO_IMPORT_DRIVER_H_
#define FAULTLINE_IO_IMPORT_DRIVER_H_

#include <string>
#include <vector>

#include "faultline/store.h"
#include "io/importer.h"

namespace faultline {

struct ImportOptions {
  bool dry_run = false;
  std::string quarantine_path;  // empty: atomic
  int64_t batch_size = 0;       // 0: one transaction for the whole file
  bool progress = true;         // drawn only on a terminal
  Change change{"import", ""};
  size_t max_reported_errors = 20;
  // false: rows are read on the calling thread, one chunk at a time — the
  // same rows, counts, errors and quarantine file; the reference the tests
  // hold the pipelined import to.
  bool reader_thread = true;
};

struct ImportSummary {
  ImportRecord record;
  bool committed = false;
  std::vector<std::string> errors;  // "file:line: column x: reason", first max_reported_errors
  std::string quarantine_path;
};

// Runs one import. Returns the summary when the import ran to the end — even
// when it rolled back because rows were rejected (then committed == false) —
// and an error Status only for what stops the whole file (missing file, bad
// header, database failure), with nothing of the import kept.
Result<ImportSummary> RunImport(Store* store, RowSource* source, const ImportContext& context,
                                const ImportOptions& options);

// A new batch id: UTC time plus random suffix, "20261126T143000Z-3fa2".
std::string NewBatchId();

}  // namespace faultline

#endif  // FAULTLINE_IO_IMPORT_DRIVER_H_
