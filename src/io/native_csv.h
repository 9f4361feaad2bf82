// faultline's own CSV layout: one incident per row, every model field in a
// fixed column order (docs/formats.md), casualties as 24 columns, sources
// as a JSON array. Export then import then export gives the same bytes.
#ifndef FAULTLINE_IO_NATIVE_CSV_H_
#define FAULTLINE_IO_NATIVE_CSV_H_

#include <string>
#include <vector>

#include "faultline/incident.h"

namespace faultline {

const std::vector<std::string>& NativeCsvColumns();
// The row's fields, in NativeCsvColumns() order.
std::vector<std::string> NativeCsvRow(const Incident& incident);
// One CSV line (with "\n"), quoting fields only where RFC 4180 needs it.
std::string CsvLine(const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace faultline

#endif  // FAULTLINE_IO_NATIVE_CSV_H_
