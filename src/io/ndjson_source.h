// NDJSON import: one incident per line in the canonical JSON form
// (model/incident_json.h). Lines are read in constant memory; a line longer
// than 16 MiB is rejected without being buffered whole.
#ifndef FAULTLINE_IO_NDJSON_SOURCE_H_
#define FAULTLINE_IO_NDJSON_SOURCE_H_

#include "io/importer.h"

namespace faultline {

Result<std::unique_ptr<RowSource>> OpenNdjsonSource(const std::string& path, const ImportContext& context);
std::unique_ptr<RowSource> NdjsonSourceFromString(std::string data, const ImportContext& context);

}  // namespace faultline

#endif  // FAULTLINE_IO_NDJSON_SOURCE_H_
