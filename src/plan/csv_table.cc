#include "plan/csv_table.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/text.h"

namespace faultline {

Result<std::vector<CsvTableRow>> ReadCsvTable(CsvReader& reader, const std::string& label,
                                              const std::vector<std::string>& required) {
  std::vector<std::string> header;
  std::vector<CsvTableRow> rows;
  CsvRecord rec;
  while (true) {
    auto r = reader.Next(&rec);
    if (r == CsvReader::ReadResult::kEnd) break;
    std::string where = label + ":" + std::to_string(rec.line);
    if (r == CsvReader::ReadResult::kMalformed) return InvalidArgument(where + ": " + rec.error.message());
    if (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#') continue;
    if (header.empty()) {
      for (const auto& f : rec.fields) header.emplace_back(Trim(f));
      for (const auto& need : required) {
        if (std::find(header.begin(), header.end(), need) == header.end()) {
          return InvalidArgument(where + ": the header has no column \"" + need + "\"");
        }
      }
      continue;
    }
    CsvTableRow row;
    row.where = where;
    // Every header column gets a cell, empty when the row is short: callers
    // look up required columns with at().
    for (size_t i = 0; i < header.size(); ++i) {
      std::string& cell = row.cell[header[i]];
      if (i >= rec.fields.size()) continue;
      if (auto bad = FindInvalidUtf8(rec.fields[i])) {
        return InvalidArgument(where + ": column " + header[i] + ": invalid UTF-8 at byte " + std::to_string(*bad));
      }
      cell = rec.fields[i];
    }
    rows.push_back(std::move(row));
  }
  if (!reader.io_status().ok()) return reader.io_status();
  return rows;
}

Result<std::vector<CsvTableRow>> LoadCsvTable(const std::string& path, const std::vector<std::string>& required) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, {}));
  return ReadCsvTable(*reader, path, required);
}

Result<double> ParseCsvNumber(const std::string& s, const std::string& where) {
  std::string t(Trim(s));
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !std::isfinite(v)) return InvalidArgument(where + ": \"" + s + "\" is not a number");
  return v;
}

}  // namespace faultline
