// Exporters: CSV (native layout), NDJSON, GeoJSON, XLSX and ACLED-layout CSV,
// all streaming from Store::Scan with the query's Filter. Rows whose licence
// forbids redistribution are left out unless allow_restricted is set; the
// summary says which licences and how many rows.
#ifndef FAULTLINE_IO_EXPORTERS_H_
#define FAULTLINE_IO_EXPORTERS_H_

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "faultline/store.h"

namespace faultline {

struct ExportOptions {
  std::string format = "csv";  // csv | ndjson | geojson | xlsx | acled
  bool allow_restricted = false;
  bool facts_only = false;  // drop notes and sources (free text)
};

struct ExportSummary {
  int64_t rows_written = 0;
  std::map<std::string, int64_t> withheld_by_license;  // licence tag -> rows left out
};

const std::vector<std::string_view>& ExportFormats();

// Writes to `path` ("-" = stdout; XLSX needs a real path). InvalidArgument
// for an unknown format, IoError when the file cannot be written.
Result<ExportSummary> ExportIncidents(Store* store, const Filter& filter, const ExportOptions& options,
                                      const std::string& path);

}  // namespace faultline

#endif  // FAULTLINE_IO_EXPORTERS_H_
