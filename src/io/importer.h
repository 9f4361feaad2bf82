// Importers turn a dataset file into incidents, one row at a time, in
// constant memory. Each format is a RowSource; the import driver
// (import_driver.h) validates, stores, counts and quarantines. A row the
// format cannot read comes out as kRejected with the file, line, column and
// reason; nothing is dropped silently, so rows read = stored + rejected.
//
// Not thread-safe; one RowSource per input.
#ifndef FAULTLINE_IO_IMPORTER_H_
#define FAULTLINE_IO_IMPORTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/incident.h"
#include "faultline/status.h"
#include "gazetteer/gazetteer.h"

namespace faultline {

class ResolveCache;  // memoised gazetteer and actor look-ups (csv_format.cc)

struct ImportContext {
  const Gazetteer* gazetteer = nullptr;     // may be null: names kept as given
  const ActorDictionary* actors = nullptr;  // may be null
  std::string batch_id;
  std::string file_label;  // the name used in messages and provenance
  // The text encoding of the input: "" for the format's own (UTF-8 but for
  // the PBC files, which are Latin-1), or one of ImportEncodings(). Only
  // CSV/TSV formats can be read in another encoding than UTF-8.
  std::string encoding;
  // Filled by the row source: datasets repeat the same places and actors on
  // most rows, so look-ups are memoised per import (bounded size).
  std::shared_ptr<ResolveCache> cache;
};

struct ImportedRow {
  enum class Kind { kIncident, kRejected };
  Kind kind = Kind::kIncident;
  Incident incident;                    // when kIncident
  uint64_t line = 0;                    // physical line the row starts on
  std::string column;                   // when kRejected: the column at fault ("" = whole row)
  std::string reason;                   // when kRejected
  std::vector<std::string> raw_fields;  // the row as read, for the quarantine file
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills `row` and returns true, or returns false at the end of input.
  virtual bool Next(ImportedRow* row) = 0;
  // A problem that stops the whole file (no header, empty file, I/O error).
  // Checked after Next returns false; also set before the first row when the
  // header is wrong.
  virtual Status fatal() const = 0;
  virtual uint64_t bytes_consumed() const = 0;
  virtual uint64_t total_bytes() const = 0;
  // Rows the format read but are not incidents by design, already counted as
  // rejected (PBC totals rows); for the summary.
  virtual std::string_view format() const = 0;
};

// The encodings `faultline import --encoding` accepts: utf-8, latin1
// (ISO-8859-1), cp1252 (Windows-1252, Latin-1 with printable characters in
// 0x80-0x9F, as Excel writes it).
const std::vector<std::string_view>& ImportEncodings();

// The formats `faultline import --format` accepts.
const std::vector<std::string_view>& ImportFormats();
// Guesses a format from the header line / extension; InvalidArgument if unsure.
Result<std::string> DetectFormat(const std::string& path);
// Opens `path` ("-" for stdin) as `format`. NotFound/IoError for the file,
// InvalidArgument for an unknown format.
Result<std::unique_ptr<RowSource>> OpenRowSource(std::string_view format, const std::string& path,
                                                 const ImportContext& context);
// The same from memory (tests and fuzzers).
Result<std::unique_ptr<RowSource>> OpenRowSourceFromString(std::string_view format, std::string data,
                                                           const ImportContext& context);

}  // namespace faultline

#endif  // FAULTLINE_IO_IMPORTER_H_
