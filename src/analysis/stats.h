// Grouped statistics over incidents: the dimensions a table is grouped by,
// the measures it sums, and the table itself (`faultline stats`). The work is
// done by the columnar cube (analysis/cube.h); ComputeStats is the one-shot
// form that loads a cube from a store and queries it once. DimensionKey is
// the plain per-incident reference the cube is tested against. Stateless
// functions; thread-safe.
#ifndef FAULTLINE_ANALYSIS_STATS_H_
#define FAULTLINE_ANALYSIS_STATS_H_

#include <string>
#include <vector>

#include "faultline/store.h"

namespace faultline {

enum class Dimension { kDay, kWeek, kMonth, kQuarter, kYear, kCountry, kAdmin1, kAdmin2, kPerpetrator, kTarget,
                       kAttackType, kEventType, kPhase };
inline bool IsPeriod(Dimension d) { return d <= Dimension::kYear; }

// What a cell sums: incidents, or killed / injured — all categories or one —
// at the low, best or high estimate (IncidentFacts says how missing bounds
// are read). Names: "incidents", "killed", "injured_civilians",
// "killed_high", "killed_security_low", ...
struct Measure {
  enum class Of : uint8_t { kIncidents, kKilled, kInjured };
  enum class Bound : uint8_t { kBest, kLow, kHigh };
  Of of = Of::kIncidents;
  int8_t category = -1;  // CasualtyCategory, or -1 for the sum over categories
  Bound bound = Bound::kBest;

  static constexpr Measure Incidents() { return {}; }
  static constexpr Measure Killed() { return {Of::kKilled, -1, Bound::kBest}; }
  static constexpr Measure Injured() { return {Of::kInjured, -1, Bound::kBest}; }
  friend bool operator==(const Measure&, const Measure&) = default;
};

Result<Dimension> ParseDimension(std::string_view s);
Result<Measure> ParseMeasure(std::string_view s);
std::string_view Name(Dimension d);
std::string Name(Measure m);
// The value of measure `m` for one incident.
int64_t MeasureValue(const Measure& m, const IncidentFacts& f);
// The group key of one incident for one dimension ("2022-11", "2022-Q4",
// "2022-W48" (ISO week), "Balochistan", ...). kPhase has no key here (the
// incident's phase comes from the phases table): "".
std::string DimensionKey(Dimension d, const IncidentFacts& f);

struct StatsTable {
  std::vector<std::string> key_columns;
  std::vector<std::string> measure_columns;
  std::vector<std::vector<std::string>> keys;  // one per row, sorted (periods in time order)
  std::vector<std::vector<int64_t>> values;    // one per row
  std::vector<int64_t> totals;
  // With change columns (AddChangeColumns): per measure, the previous
  // period, the change from it in %, and the trailing 4- and 52-week
  // averages scaled to the period's length; NaN where undefined.
  std::vector<std::string> change_columns;
  std::vector<std::vector<double>> change_values;  // one per row
};

// Loads a cube from `store` (incidents and phases) and groups it once.
// InvalidArgument without measures.
Result<StatsTable> ComputeStats(Store* store, const Filter& filter, const std::vector<Dimension>& by,
                                const std::vector<Measure>& measures);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_STATS_H_
