// Panel: the counts models are fitted to — one row per unit (a country, a
// province, a district or a 0.5 degree grid cell), one column per period
// (week or month), of attacks or of killed, under any store filter — with
// the incident days for point-process models and the phase in force in each
// period. Built from the stats cube (grid cells from the store's
// coordinates). Truncate() is how a backtest hides the future: a model is
// handed a panel that ends at its origin and cannot see past it.
// Plain value; thread-safe as a value.
#ifndef FAULTLINE_FORECAST_PANEL_H_
#define FAULTLINE_FORECAST_PANEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/cube.h"
#include "faultline/phase.h"
#include "faultline/store.h"

namespace faultline {

enum class UnitKind : uint8_t { kCountry, kAdmin1, kAdmin2, kGrid };
std::string_view Name(UnitKind k);
// InvalidArgument listing country, admin1, admin2, grid.
Result<UnitKind> ParseUnitKind(std::string_view s);

struct Panel {
  UnitKind unit_kind = UnitKind::kAdmin1;
  Period period = Period::kMonth;
  std::string measure = "incidents";
  int32_t first = 0;                      // period index of column 0
  std::vector<std::string> units;         // "Balochistan", "Khyber Pakhtunkhwa / Peshawar", "33.25,70.75"
  std::vector<std::string> unit_country;  // ISO code per unit ("" when unknown)
  std::vector<std::vector<int64_t>> counts;  // [unit][t]
  // Incident days and units, sorted by day: only when counting incidents.
  std::vector<int32_t> event_days;
  std::vector<uint32_t> event_units;
  // Phase type in force in each period for each unit's country (-1 none),
  // by the rule of the cube: the covering phase that started last, at the
  // period's middle day.
  std::vector<std::vector<int8_t>> phase;  // [unit][t]
  // Days on which some phase of the panel's countries starts or ends (the
  // day after its last), ascending: where a Hawkes background steps.
  std::vector<int32_t> phase_boundaries;

  size_t periods() const { return counts.empty() ? 0 : counts[0].size(); }
  int32_t PeriodFirstDayAt(size_t t) const { return PeriodFirstDay(period, first + static_cast<int32_t>(t)); }
  std::string Label(size_t t) const { return PeriodLabel(period, first + static_cast<int32_t>(t)); }
  // The first `t` periods only: counts, phases, events before period t, and
  // phase boundaries before its first day.
  Panel Truncate(size_t t) const;
};

struct PanelOptions {
  UnitKind unit = UnitKind::kAdmin1;
  Period period = Period::kMonth;
  Measure measure = Measure::Incidents();
  // Leave out the last period when the data stop before its last day (a
  // half-observed month would read as a fall).
  bool drop_incomplete_last = true;
};

// From the cube: every unit with at least one matching incident in the
// filter's date range (default: the data's). InvalidArgument for a grid unit
// (use BuildGridPanel), week/month only; FailedPrecondition when nothing matches.
Result<Panel> BuildPanel(const Cube& cube, const CompiledFilter& q, std::optional<int32_t> from,
                         std::optional<int32_t> to, const PanelOptions& options);
// 0.5 degree cells from the incidents' coordinates (incidents without any are
// left out and counted in *skipped).
Result<Panel> BuildGridPanel(Store* store, const Filter& filter, const std::vector<Phase>& phases,
                             const PanelOptions& options, int64_t* skipped);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_PANEL_H_
