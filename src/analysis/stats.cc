#include "analysis/stats.h"

#include <algorithm>
#include <map>

#include "common/date.h"

namespace faultline {
namespace {

constexpr std::string_view kDimNames[] = {"day",         "week",   "month",       "quarter",
                                          "year",        "country", "admin1",     "admin2",
                                          "perpetrator", "target", "attack_type", "event_type"};
constexpr std::string_view kMeasureNames[] = {"incidents",       "killed",           "injured",
                                              "killed_security", "killed_civilians", "killed_militants",
                                              "killed_unknown"};

int64_t MeasureValue(Measure m, const IncidentFacts& f) {
  switch (m) {
    case Measure::kIncidents: return 1;
    case Measure::kKilled: {
      int64_t n = 0;
      for (int32_t v : f.killed) n += v;
      return n;
    }
    case Measure::kInjured: {
      int64_t n = 0;
      for (int32_t v : f.injured) n += v;
      return n;
    }
    case Measure::kKilledSecurityForces: return f.killed[0];
    case Measure::kKilledCivilians: return f.killed[1];
    case Measure::kKilledMilitants: return f.killed[2];
    case Measure::kKilledUnknown: return f.killed[3];
  }
  return 0;
}

}  // namespace

Result<Dimension> ParseDimension(std::string_view s) {
  for (size_t i = 0; i < std::size(kDimNames); ++i) {
    if (kDimNames[i] == s) return static_cast<Dimension>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a dimension (day, week, month, quarter, year, country, "
                         "admin1, admin2, perpetrator, target, attack_type, event_type)");
}

Result<Measure> ParseMeasure(std::string_view s) {
  for (size_t i = 0; i < std::size(kMeasureNames); ++i) {
    if (kMeasureNames[i] == s) return static_cast<Measure>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a measure (incidents, killed, injured, "
                         "killed_security, killed_civilians, killed_militants, killed_unknown)");
}

std::string_view Name(Dimension d) { return kDimNames[static_cast<size_t>(d)]; }
std::string_view Name(Measure m) { return kMeasureNames[static_cast<size_t>(m)]; }

std::string DimensionKey(Dimension d, const IncidentFacts& f) {
  char buf[48];
  switch (d) {
    case Dimension::kDay: return CivilDate(f.date).ToString();
    case Dimension::kWeek: {
      // ISO 8601 week: the week belongs to the year of its Thursday.
      CivilDate day(f.date);
      CivilDate thursday = day.AddDays(3 - day.Weekday());
      YearMonthDay t = thursday.ToYmd();
      int32_t jan1 = CivilDate::FromYmd(t.year, 1, 1)->days();
      int week = (thursday.days() - jan1) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", t.year, week);
      return buf;
    }
    case Dimension::kMonth: {
      YearMonthDay ymd = CivilDate(f.date).ToYmd();
      std::snprintf(buf, sizeof buf, "%04d-%02d", ymd.year, ymd.month);
      return buf;
    }
    case Dimension::kQuarter: {
      YearMonthDay ymd = CivilDate(f.date).ToYmd();
      std::snprintf(buf, sizeof buf, "%04d-Q%d", ymd.year, (ymd.month - 1) / 3 + 1);
      return buf;
    }
    case Dimension::kYear: return std::to_string(CivilDate(f.date).year());
    case Dimension::kCountry: return f.country;
    case Dimension::kAdmin1: return f.admin1;
    case Dimension::kAdmin2: return f.admin2;
    case Dimension::kPerpetrator: return f.perpetrator;
    case Dimension::kTarget: return std::string(Name(f.target));
    case Dimension::kAttackType: return std::string(Name(f.attack_type));
    case Dimension::kEventType: return std::string(Name(f.event_type));
  }
  return {};
}

Result<StatsTable> ComputeStats(Store* store, const Filter& filter, const std::vector<Dimension>& by,
                                const std::vector<Measure>& measures) {
  if (measures.empty()) return InvalidArgument("stats needs at least one measure");
  StatsTable t;
  for (auto d : by) t.key_columns.emplace_back(Name(d));
  for (auto m : measures) t.measure_columns.emplace_back(Name(m));
  t.totals.assign(measures.size(), 0);
  std::map<std::vector<std::string>, std::vector<int64_t>> groups;
  std::vector<std::string> key(by.size());
  RETURN_IF_ERROR(store->ScanFacts(filter, [&](const IncidentFacts& f) {
    for (size_t i = 0; i < by.size(); ++i) key[i] = DimensionKey(by[i], f);
    auto& v = groups[key];
    if (v.empty()) v.assign(measures.size(), 0);
    for (size_t i = 0; i < measures.size(); ++i) {
      int64_t x = MeasureValue(measures[i], f);
      v[i] += x;
      t.totals[i] += x;
    }
  }));
  for (auto& [k, v] : groups) {
    t.keys.push_back(k);
    t.values.push_back(v);
  }
  return t;
}

}  // namespace faultline
