#include "gazetteer/internal/tsv.h"

#include "common/date.h"
#include "common/text.h"

namespace faultline::gazetteer_internal {

std::string RowError(const std::string& path, uint64_t line, std::string_view column, std::string_view reason) {
  std::string m = path + ":" + std::to_string(line) + ":";
  if (!column.empty()) m += " column " + std::string(column) + ":";
  m += " ";
  m += reason;
  return m;
}

// Reads a tab-separated file with a header row into trimmed fields, keeping
// each row's physical line. Lines starting with '#' and blank lines are
// skipped. InvalidArgument "file:line: ..." for a wrong header, a wrong
// column count or invalid UTF-8; NotFound/IoError when the file cannot be read.
Result<std::vector<CsvRecord>> ReadTsv(const std::string& path, std::span<const std::string_view> columns) {
  const size_t N = columns.size();
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path, {.delimiter = '\t', .quoting = false}));
  std::vector<CsvRecord> rows;
  bool have_header = false;
  CsvRecord rec;
  for (;;) {
    CsvReader::ReadResult r = reader->Next(&rec);
    if (r == CsvReader::ReadResult::kEnd) break;
    if (r == CsvReader::ReadResult::kMalformed)
      return InvalidArgument(RowError(path, rec.line, "", rec.error.message()));
    if (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#') continue;
    if (rec.fields.size() == 1 && Trim(rec.fields[0]).empty()) continue;
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      if (FindInvalidUtf8(rec.fields[i])) {
        return InvalidArgument(RowError(path, rec.line, i < N ? columns[i] : std::string_view(), "invalid UTF-8"));
      }
      rec.fields[i] = std::string(Trim(rec.fields[i]));
    }
    if (rec.fields.size() != N) {
      return InvalidArgument(RowError(
          path, rec.line, "",
          "expected " + std::to_string(N) + " tab-separated columns, found " + std::to_string(rec.fields.size())));
    }
    if (!have_header) {
      for (size_t i = 0; i < N; ++i) {
        if (rec.fields[i] != columns[i]) {
          return InvalidArgument(RowError(
              path, rec.line, columns[i],
              "header says " + QuoteForError(rec.fields[i]) + ", expected \"" + std::string(columns[i]) + "\""));
        }
      }
      have_header = true;
      continue;
    }
    rows.push_back(std::move(rec));
    rec = CsvRecord();
  }
  if (!reader->io_status().ok()) return reader->io_status().WithContext(path);
  if (!have_header) return InvalidArgument(path + ": no header line");
  return rows;
}

Result<std::optional<int32_t>> ParseOptionalDate(std::string_view s) {
  if (s.empty()) return std::optional<int32_t>();
  ASSIGN_OR_RETURN(CivilDate d, CivilDate::Parse(s));
  return std::optional<int32_t>(d.days());
}

}  // namespace faultline::gazetteer_internal
