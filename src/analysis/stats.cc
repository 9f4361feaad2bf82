#include "analysis/stats.h"

#include <algorithm>
#include <map>

#include "analysis/cube.h"
#include "common/date.h"

namespace faultline {
namespace {

constexpr std::string_view kDimNames[] = {"day",         "week",   "month",       "quarter",    "year",
                                          "country",     "admin1", "admin2",      "perpetrator", "target",
                                          "attack_type", "event_type", "phase"};
// Category words in measure names, in CasualtyCategory order.
constexpr std::string_view kCategoryWords[] = {"security", "civilians", "militants", "unknown"};

}  // namespace

Result<Dimension> ParseDimension(std::string_view s) {
  for (size_t i = 0; i < std::size(kDimNames); ++i) {
    if (kDimNames[i] == s) return static_cast<Dimension>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a dimension (day, week, month, quarter, year, country, "
                         "admin1, admin2, perpetrator, target, attack_type, event_type, phase)");
}

Result<Measure> ParseMeasure(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("\"" + std::string(s) + "\" is not a measure (incidents; killed or injured, optionally "
                           "_security, _civilians, _militants or _unknown, then optionally _low or _high)");
  };
  if (s == "incidents") return Measure::Incidents();
  Measure m;
  std::string_view rest = s;
  if (rest.starts_with("killed")) {
    m.of = Measure::Of::kKilled;
    rest.remove_prefix(6);
  } else if (rest.starts_with("injured")) {
    m.of = Measure::Of::kInjured;
    rest.remove_prefix(7);
  } else {
    return bad();
  }
  for (size_t c = 0; c < std::size(kCategoryWords); ++c) {
    if (rest.starts_with("_") && rest.substr(1).starts_with(kCategoryWords[c])) {
      m.category = static_cast<int8_t>(c);
      rest.remove_prefix(1 + kCategoryWords[c].size());
      break;
    }
  }
  if (rest == "_low") {
    m.bound = Measure::Bound::kLow;
  } else if (rest == "_high") {
    m.bound = Measure::Bound::kHigh;
  } else if (!rest.empty()) {
    return bad();
  }
  return m;
}

std::string_view Name(Dimension d) { return kDimNames[static_cast<size_t>(d)]; }

std::string Name(Measure m) {
  if (m.of == Measure::Of::kIncidents) return "incidents";
  std::string s = m.of == Measure::Of::kKilled ? "killed" : "injured";
  if (m.category >= 0) (s += "_") += kCategoryWords[static_cast<size_t>(m.category)];
  if (m.bound == Measure::Bound::kLow) s += "_low";
  if (m.bound == Measure::Bound::kHigh) s += "_high";
  return s;
}

int64_t MeasureValue(const Measure& m, const IncidentFacts& f) {
  if (m.of == Measure::Of::kIncidents) return 1;
  const bool killed = m.of == Measure::Of::kKilled;
  const auto& v = m.bound == Measure::Bound::kLow    ? (killed ? f.killed_low : f.injured_low)
                  : m.bound == Measure::Bound::kHigh ? (killed ? f.killed_high : f.injured_high)
                                                     : (killed ? f.killed : f.injured);
  if (m.category >= 0) return v[static_cast<size_t>(m.category)];
  int64_t n = 0;
  for (int32_t x : v) n += x;
  return n;
}

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
    case Dimension::kPhase: return {};
  }
  return {};
}

Result<StatsTable> ComputeStats(Store* store, const Filter& filter, const std::vector<Dimension>& by,
                                const std::vector<Measure>& measures) {
  if (measures.empty()) return InvalidArgument("stats needs at least one measure");
  ASSIGN_OR_RETURN(auto cube, Cube::Load(store));
  ASSIGN_OR_RETURN(auto q, cube->Compile(filter, store));
  return cube->GroupBy(*q, by, measures);
}

}  // namespace faultline
