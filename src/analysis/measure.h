// The measure stage's entry points, shared by `faultline` (cli/) and
// `faultline serve` (server/) so that both answer the same question the same
// way: the cube with perpetrators rolled up through the actor dictionary, a
// claim's filters as a store Filter, phases from text fields, the series a
// change-point or effect estimate works on, change points turned into
// segments, and phase effects with their JSON. Plain functions; thread-safe
// over a const cube (the store is the caller's, one thread at a time).
//
//   ASSIGN_OR_RETURN(auto cube, LoadRolledUpCube(store));
//   EffectRequest r{.phase = "ttp-ceasefire-2022", .period = Period::kWeek};
//   ASSIGN_OR_RETURN(EffectReport e, EstimatePhaseEffects(*cube, store, r));
//   std::puts(EffectReportJson(e).c_str());
#ifndef FAULTLINE_ANALYSIS_MEASURE_H_
#define FAULTLINE_ANALYSIS_MEASURE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/claims.h"
#include "analysis/cube.h"
#include "analysis/effect.h"
#include "faultline/claim.h"
#include "faultline/phase.h"
#include "faultline/store.h"

namespace faultline {

// The cube over the whole store, with perpetrators rolled up to the group at
// the top of their parent chain in the actor dictionary (when it loads).
Result<std::unique_ptr<Cube>> LoadRolledUpCube(Store* store);

// The store Filter for a claim's filters, without dates: names resolved
// through the gazetteer and the actor dictionary as `--country`, `--admin1`,
// `--perpetrator [--with-affiliates]` would be.
Result<Filter> ClaimFilter(const Claim& claim);

// The checks of `shown` (indices into claims/checks) as a JSON array, the
// shape `faultline claims check --format json` prints and GET /claims/check
// returns. `indent` as nlohmann's dump (-1 = one line).
std::string ClaimChecksJson(const std::vector<Claim>& claims, const std::vector<ClaimCheck>& checks,
                            const std::vector<size_t>& shown, int indent);
// One claim as JSON: id, key, source, standing, metric, category, filters,
// period, value, citation, notes.
std::string ClaimJson(const Claim& claim);

// A phase as text fields (the TSV columns, the API's JSON strings).
struct PhaseFields {
  std::string key, type = "other", name, parties /* a|b */, country, start, end, source, notes;
};
// InvalidArgument naming the field: unknown type, bad date, or what
// ValidatePhase objects to.
Result<Phase> PhaseFromFields(const PhaseFields& f);
// One phase as JSON (dates as YYYY-MM-DD, end null while it lasts).
std::string PhaseJson(const Phase& phase);

// The measure of the incidents passing `filter` per `period` over [from, to]
// (default: the filter's dates, else the data's). FailedPrecondition for an
// empty cube.
Result<Series> LoadSeries(const Cube& cube, Store* store, const Filter& filter, Period period, const Measure& measure,
                          std::optional<int32_t> from = std::nullopt, std::optional<int32_t> to = std::nullopt);

// A stretch between change points, with its labels and mean.
struct SeriesSegment {
  size_t first = 0, end = 0;  // [first, end) into series.values
  std::string from, to;       // labels of the first and last period
  int64_t total = 0;
  double mean = 0;
};
std::vector<SeriesSegment> SegmentsBetween(const Series& series, const std::vector<size_t>& changepoints);

struct EffectRequest {
  std::string phase;             // id or key of a stored phase: its start and end are boundaries
  std::vector<int32_t> at;       // explicit boundary days
  Filter filter;                 // which incidents; its dates bound the series
  Period period = Period::kWeek;
  Measure measure = Measure::Incidents();
  std::string measure_name = "incidents";
  EffectOptions options;
  size_t max_periods = 0;        // 0 = no limit; otherwise FailedPrecondition beyond it
};
struct EffectReport {
  Series series;
  std::string measure_name;
  EffectEstimate estimate;
  std::vector<std::string> left_out;  // boundaries outside the series, in words
};
// The segmented NB regression (effect.h) around the phase's start and end
// (end + 1) and the `at` days; by default two years before the first
// boundary to one after the last, within the data. NotFound for an unknown
// phase; InvalidArgument without boundaries; FailedPrecondition when the
// series is longer than max_periods.
Result<EffectReport> EstimatePhaseEffects(const Cube& cube, Store* store, const EffectRequest& request);
// {"series": {...}, "alpha", "coefficients", "effects": [...]}: the shape of
// `faultline effect --format json`.
std::string EffectReportJson(const EffectReport& report, int indent);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_MEASURE_H_
