// Reading the project's tab-separated data files (admin units, places,
// actors): a header row checked against the expected columns, '#' comment
// lines and blank lines skipped, fields trimmed, and errors that name
// file:line:column. Stateless; thread-safe.
#ifndef FAULTLINE_GAZETTEER_INTERNAL_TSV_H_
#define FAULTLINE_GAZETTEER_INTERNAL_TSV_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "faultline/status.h"

namespace faultline::gazetteer_internal {

// "path:line: column c: reason" (the column part only when `column` is set).
std::string RowError(const std::string& path, uint64_t line, std::string_view column, std::string_view reason);

// The data rows of `path` with their physical lines. InvalidArgument for a
// wrong header, a wrong column count or invalid UTF-8; NotFound/IoError when
// the file cannot be read.
Result<std::vector<CsvRecord>> ReadTsv(const std::string& path, std::span<const std::string_view> columns);

// An empty field is nullopt; otherwise a YYYY-MM-DD date as a day number.
Result<std::optional<int32_t>> ParseOptionalDate(std::string_view s);

}  // namespace faultline::gazetteer_internal

#endif  // FAULTLINE_GAZETTEER_INTERNAL_TSV_H_
