// Grouped counts over incidents: the `faultline stats` table. This is the
// simple streaming aggregator over Store::ScanFacts; the columnar cube of the
// measure stage replaces its hot path later (docs/benchmarks.md records where
// the time goes). Stateless functions; thread-safe.
#ifndef FAULTLINE_ANALYSIS_STATS_H_
#define FAULTLINE_ANALYSIS_STATS_H_

#include <string>
#include <vector>

#include "faultline/store.h"

namespace faultline {

enum class Dimension { kDay, kWeek, kMonth, kQuarter, kYear, kCountry, kAdmin1, kAdmin2, kPerpetrator, kTarget,
                       kAttackType, kEventType };
enum class Measure { kIncidents, kKilled, kInjured, kKilledSecurityForces, kKilledCivilians, kKilledMilitants,
                     kKilledUnknown };

Result<Dimension> ParseDimension(std::string_view s);
Result<Measure> ParseMeasure(std::string_view s);
std::string_view Name(Dimension d);
std::string_view Name(Measure m);
// The group key of one incident for one dimension ("2022-11", "2022-Q4",
// "2022-W48" (ISO week), "Balochistan", ...).
std::string DimensionKey(Dimension d, const IncidentFacts& f);

struct StatsTable {
  std::vector<std::string> key_columns;
  std::vector<std::string> measure_columns;
  std::vector<std::vector<std::string>> keys;  // one per row, sorted
  std::vector<std::vector<int64_t>> values;    // one per row
  std::vector<int64_t> totals;
};

Result<StatsTable> ComputeStats(Store* store, const Filter& filter, const std::vector<Dimension>& by,
                                const std::vector<Measure>& measures);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_STATS_H_
