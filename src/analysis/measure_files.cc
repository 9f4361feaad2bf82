#include "analysis/measure_files.h"

#include <fstream>
#include <iterator>

#include "analysis/measure.h"
#include "common/text.h"

namespace faultline {
namespace {

// A key for a claim given without one: what it is about, so that adding the
// same figure twice updates rather than duplicates.
std::string DefaultKey(const Claim& c) {
  std::string k = FoldKey(c.source) + ":" + std::string(Name(c.metric));
  if (c.category) (k += "-") += Name(*c.category);
  if (!c.filters.empty()) (k += ":") += c.filters;
  return k + ":" + c.period;
}

// Calls `row(where, columns)` for each line that is neither blank nor a '#'
// comment nor the header (a first such row whose first column is "key"),
// after checking that it has the first `required` of `columns` and that the
// columns it names are UTF-8; stops at the first error, which names
// label:line and the column.
template <class Row>
Status ForEachTsvRow(std::string_view text, const std::string& label, const std::vector<const char*>& columns,
                     size_t required, Row&& row) {
  bool header_seen = false;
  int number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line[0] == '#') continue;
    std::vector<std::string_view> cols = Split(line, '\t');
    if (!header_seen) {
      header_seen = true;
      if (!cols.empty() && Trim(cols[0]) == "key") continue;
    }
    const std::string where = label + ":" + std::to_string(number);
    if (cols.size() < required) {
      std::string names;
      for (size_t i = 0; i < columns.size(); ++i) {
        names += std::string(i == 0 ? "" : i == required ? "[, " : ", ") + columns[i];
      }
      return InvalidArgument(where + ": expected at least " + std::to_string(required) +
                             " tab-separated columns (" + names + (columns.size() > required ? "])" : ")"));
    }
    for (size_t i = 0; i < cols.size() && i < columns.size(); ++i) {
      if (auto bad = FindInvalidUtf8(cols[i])) {
        return InvalidArgument(where + ": " + columns[i] + ": invalid UTF-8 at byte " + std::to_string(*bad));
      }
    }
    // " #x" is data, but written back as "#x" it would read as a comment.
    if (std::string_view key = Trim(cols[0]); !key.empty() && key[0] == '#') {
      return InvalidArgument(where + ": key: \"" + std::string(key) + "\" starts with '#', which marks a comment");
    }
    RETURN_IF_ERROR(row(where, cols));
  }
  return Status::Ok();
}

}  // namespace

Result<Claim> ClaimFromFields(const ClaimFields& a) {
  Claim c;
  c.source = Trim(a.source);
  c.citation = Trim(a.citation);
  auto standing = ParseClaimStanding(Trim(a.standing));
  if (!standing.ok()) return standing.status().WithContext("standing");
  c.standing = *standing;
  auto metric = ParseClaimMetric(Trim(a.metric));
  if (!metric.ok()) return metric.status().WithContext("metric");
  c.metric = *metric;
  if (!Trim(a.category).empty()) {
    auto category = ParseCasualtyCategory(Trim(a.category));
    if (!category.ok()) return category.status().WithContext("category");
    c.category = *category;
  }
  ASSIGN_OR_RETURN(ClaimFilters f, ParseClaimFilters(a.filters));
  c.filters = FormatClaimFilters(f);
  c.period = Trim(a.period);
  RETURN_IF_ERROR(ParseClaimPeriod(c.period, &c.date_from, &c.date_to));
  if (a.value < 0) return InvalidArgument("value: missing or negative");
  c.value = a.value;
  c.notes = Trim(a.notes);
  c.key = Trim(a.key).empty() ? DefaultKey(c) : std::string(Trim(a.key));
  if (std::string why = ValidateClaim(c); !why.empty()) return InvalidArgument(why);
  return c;
}

Result<std::vector<Claim>> ParseClaimsTsv(std::string_view text, const std::string& label) {
  std::vector<Claim> out;
  static const std::vector<const char*> kColumns = {"key",     "source", "citation", "standing", "metric",
                                                    "category", "filters", "period",  "value",    "notes"};
  RETURN_IF_ERROR(ForEachTsvRow(text, label, kColumns, 9, [&](const std::string& where, const auto& cols) -> Status {
    ClaimFields row;
    row.key = cols[0];
    row.source = cols[1];
    row.citation = cols[2];
    row.standing = Trim(cols[3]).empty() ? "primary" : std::string(cols[3]);
    row.metric = cols[4];
    row.category = cols[5];
    row.filters = cols[6];
    row.period = cols[7];
    auto v = ParseInt(Trim(cols[8]));
    if (!v.ok()) return v.status().WithContext(where + ": value");
    row.value = *v;
    if (cols.size() > 9) row.notes = cols[9];
    auto c = ClaimFromFields(row);
    if (!c.ok()) return c.status().WithContext(where);
    out.push_back(std::move(*c));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Phase>> ParsePhasesTsv(std::string_view text, const std::string& label) {
  std::vector<Phase> out;
  static const std::vector<const char*> kColumns = {"key", "type", "name", "parties", "country",
                                                    "start", "end", "source", "notes"};
  RETURN_IF_ERROR(ForEachTsvRow(text, label, kColumns, 7, [&](const std::string& where, const auto& cols) -> Status {
    PhaseFields f;
    f.key = cols[0];
    f.type = cols[1];
    f.name = cols[2];
    f.parties = cols[3];
    f.country = cols[4];
    f.start = cols[5];
    f.end = cols[6];
    if (cols.size() > 7) f.source = cols[7];
    if (cols.size() > 8) f.notes = cols[8];
    auto p = PhaseFromFields(f);
    if (!p.ok()) return p.status().WithContext(where);
    out.push_back(std::move(*p));
    return Status::Ok();
  }));
  return out;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return IoError(path + ": cannot read");
  return text;
}

}  // namespace faultline
