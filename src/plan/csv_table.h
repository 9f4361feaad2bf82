// The CSV tables `faultline plan` reads (targets, attacker types, unit
// kinds): a header row naming the columns, then one row per line as named
// cells labelled "file:line" for error messages. Lines whose first field
// starts with '#' are comments. Stateless; thread-safe.
//
//   ASSIGN_OR_RETURN(auto rows, LoadCsvTable("targets.csv", {"id", "attacker_covered"}));
//   ASSIGN_OR_RETURN(double v, ParseCsvNumber(rows[0].cell["attacker_covered"], rows[0].where + ": column x"));
#ifndef FAULTLINE_PLAN_CSV_TABLE_H_
#define FAULTLINE_PLAN_CSV_TABLE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/csv.h"
#include "faultline/status.h"

namespace faultline {

struct CsvTableRow {
  std::map<std::string, std::string> cell;  // by header name; a short row's missing cells are empty
  std::string where;                        // "label:line"
};

// InvalidArgument "label:line: ..." for a malformed line, a header without
// one of `required`, or a cell that is not UTF-8 ("label:line: column c:
// invalid UTF-8 ..."); the reader's I/O error.
Result<std::vector<CsvTableRow>> ReadCsvTable(CsvReader& reader, const std::string& label,
                                              const std::vector<std::string>& required);
// The same from a file: NotFound / IoError when it cannot be read.
Result<std::vector<CsvTableRow>> LoadCsvTable(const std::string& path, const std::vector<std::string>& required);

// A finite number, the whole trimmed field; InvalidArgument
// "where: \"s\" is not a number" otherwise.
Result<double> ParseCsvNumber(const std::string& s, const std::string& where);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_CSV_TABLE_H_
