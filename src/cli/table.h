// How `faultline` prints rows for --format table|csv|json: an aligned table
// with numbers right-aligned and long cells cut, CSV, or a JSON array of
// objects keyed by the header. Every command's listing goes through here so
// that the three formats look the same everywhere. Writes to std::cout;
// not thread-safe.
//
//   PrintRows(format, {"id", "name"}, {{"1", "Quetta"}}, {true, false});
#ifndef FAULTLINE_CLI_TABLE_H_
#define FAULTLINE_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace faultline {

// What differs between listings: the measure and import listings hold counts
// (JSON integers, cells up to 40 characters); the forecast listings hold
// fractions (JSON doubles, cells up to 44).
struct TableStyle {
  bool real_numbers = false;  // numeric JSON cells as doubles instead of integers
  size_t max_cell = 40;       // a longer table cell is cut to max_cell - 1 characters and "~"
};

// `format` is "csv", "json" or anything else for the table. numeric[i] says
// whether column i is a number: right-aligned in the table, a JSON number
// unless empty. JSON is indented by two spaces; invalid UTF-8 in a cell
// becomes U+FFFD there.
void PrintRows(const std::string& format, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric,
               const TableStyle& style = {});

}  // namespace faultline

#endif  // FAULTLINE_CLI_TABLE_H_
