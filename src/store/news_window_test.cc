#include "store/news_window.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace faultline {
namespace {

// The column names of SketchSelectList(), in order.
std::vector<std::string> SketchColumnNames() {
  std::vector<std::string> names;
  const std::string list = SketchSelectList();
  for (size_t at = 0; at <= list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    std::string name = list.substr(at, comma - at);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    names.push_back(name);
    at = comma + 1;
  }
  return names;
}

// A row as SketchSelectList() would select it: each column's value looked
// up by its name, NULL when `values` has none. Notes every index asked for
// that lies past the select list.
struct NamedRow {
  const std::vector<std::string>& names;
  const std::map<std::string, std::string>& values;
  mutable std::vector<int> outside;

  const std::string* At(int i) const {
    if (i < 0 || static_cast<size_t>(i) >= names.size()) {
      outside.push_back(i);
      return nullptr;
    }
    auto it = values.find(names[static_cast<size_t>(i)]);
    return it == values.end() ? nullptr : &it->second;
  }
  bool IsNull(int i) const { return At(i) == nullptr; }
  int64_t Int(int i) const { return At(i) ? std::stoll(*At(i)) : 0; }
  double Real(int i) const { return At(i) ? std::stod(*At(i)) : 0; }
  std::string_view Text(int i) const { return At(i) ? std::string_view(*At(i)) : std::string_view(); }
};

TEST(NewsWindow, SketchColumnsCountsTheSelectList) {
  const std::vector<std::string> names = SketchColumnNames();
  EXPECT_EQ(names.size(), kSketchColumns);
  for (const std::string& n : names) EXPECT_FALSE(n.empty()) << SketchSelectList();
}

// ReadSketch reads each column by the position SketchSelectList() gives its
// name, and nothing past the list (the SQLite store reads `sources` at
// kSketchColumns, right after it).
TEST(NewsWindow, ReadSketchReadsTheSelectListByName) {
  const std::vector<std::string> names = SketchColumnNames();
  std::map<std::string, std::string> values = {
      {"id", "42"},          {"version", "3"},         {"status", "confirmed"},
      {"source_key", "news:https://a.example/1#2"},    {"date_start", "18000"},
      {"date_end", "18006"}, {"country", "PK"},        {"admin1", "Balochistan"},
      {"admin2", "Quetta"},  {"lat", "30.25"},         {"geo_precision", "near"},
      {"event_type", "battles"},                       {"attack_type", "armed_assault"},
      {"perpetrator", "TTP"}};
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    values[std::string(KilledBestColumn(c))] = std::to_string(1 + c);
    if (c != 2) values[std::string(InjuredBestColumn(c))] = std::to_string(10 + c);
  }
  NamedRow row{names, values, {}};
  IncidentSketch s;
  ASSERT_TRUE(ReadSketch(row, &s).ok());
  EXPECT_EQ(row.outside, std::vector<int>{});
  EXPECT_EQ(s.id, 42);
  EXPECT_EQ(s.version, 3);
  EXPECT_EQ(s.status, IncidentStatus::kConfirmed);
  EXPECT_EQ(s.source_key, "news:https://a.example/1#2");
  EXPECT_EQ(s.date, 18000);
  EXPECT_EQ(s.date_end, 18006);
  EXPECT_EQ(s.country, "PK");
  EXPECT_EQ(s.admin1, "Balochistan");
  EXPECT_EQ(s.admin2, "Quetta");
  EXPECT_EQ(s.lat, std::optional<double>(30.25));
  EXPECT_EQ(s.lon, std::nullopt);
  EXPECT_EQ(s.geo_precision, GeoPrecision::kNear);
  EXPECT_EQ(s.event_type, EventType::kBattles);
  EXPECT_EQ(s.attack_type, AttackType::kArmedAssault);
  EXPECT_EQ(s.perpetrator, "TTP");
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    EXPECT_EQ(s.killed[c], static_cast<int32_t>(1 + c)) << c;
    EXPECT_EQ(s.injured[c], c == 2 ? 0 : static_cast<int32_t>(10 + c)) << c;
  }
}

}  // namespace
}  // namespace faultline
