// Cube: every incident's statistical facts held in memory, column by column,
// so that grouped counts over millions of incidents take milliseconds.
// Dates are day numbers; countries, places, perpetrators, importers and
// licences are small integers into per-column dictionaries; measures are
// integers (best killed and injured as saturating 16-bit totals with a
// category code; the rare incident with several categories, ranges or large
// counts keeps its full casualty matrix beside the columns). About 29 bytes
// per incident (MemoryBytes() says exactly).
//
// Beside the rows, a pre-aggregate keeps per day the incidents, killed and
// injured (best, all categories) of each (country, admin1, event type,
// status) that occurs: a few cells per day, so a query that filters and
// groups only by those (and dates) — the dashboard's shape — adds up
// cells instead of reading millions of rows. Preaggregated() says which
// path a query takes; both give the same numbers. Other queries read the
// rows in blocks: the filters tested column by column into a mask, then
// only the passing rows coded and summed (docs/analysis.md).
//
// It holds all incidents whatever their status, so every store Filter can be
// applied in memory: status, dates, places, actors, types, targets, importer,
// licence, min_killed, after_id and limit directly; the full-text and
// bounding-box filters need the store's indexes, so Compile() asks the store
// for the matching ids once and the query tests membership.
//
// Kept current with Upsert/Remove as incidents change (the server applies
// each write); the CLI loads one per run. Not thread-safe for writes; const
// methods may run concurrently.
//
//   ASSIGN_OR_RETURN(auto cube, Cube::Load(store));
//   ASSIGN_OR_RETURN(auto q, cube->Compile(filter, store));
//   ASSIGN_OR_RETURN(StatsTable t, cube->GroupBy(q, {Dimension::kMonth, Dimension::kAdmin1},
//                                                {Measure::Incidents(), Measure::Killed()}));
//   ASSIGN_OR_RETURN(Series s, cube->SeriesOf(q, Period::kWeek, Measure::Incidents()));
#ifndef FAULTLINE_ANALYSIS_CUBE_H_
#define FAULTLINE_ANALYSIS_CUBE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/period.h"
#include "analysis/stats.h"
#include "faultline/phase.h"
#include "faultline/store.h"

namespace faultline {

// A filter resolved against a cube's dictionaries (see Cube::Compile).
struct CompiledFilter;

// Counts per period, dense: values[i] is the measure in period first + i.
struct Series {
  Period period = Period::kMonth;
  int32_t first = 0;  // period index of values[0]
  std::vector<int64_t> values;
  std::string Label(size_t i) const { return PeriodLabel(period, first + static_cast<int32_t>(i)); }
  int32_t FirstDay(size_t i) const { return PeriodFirstDay(period, first + static_cast<int32_t>(i)); }
};

class Cube {
 public:
  Cube();
  ~Cube();
  Cube(const Cube&) = delete;
  Cube& operator=(const Cube&) = delete;

  // Every incident (all statuses) and every phase of `store`.
  static Result<std::unique_ptr<Cube>> Load(Store* store);

  // Inserts the incident, or replaces the one with the same id.
  // InvalidArgument for an id outside 1..2^32-1.
  Status Upsert(const IncidentFacts& f);
  // Forgets incident `id`; false when it was not there.
  bool Remove(int64_t id);
  // Replaces the phases and recomputes every incident's phase: the phase of
  // its country (or of every country) covering its date that started last.
  void SetPhases(std::vector<Phase> phases);
  const std::vector<Phase>& phases() const { return phases_; }
  // perpetrator id -> the id to count it under (a faction under its parent
  // group); applied when grouping by perpetrator with roll_up.
  void SetPerpetratorRollUp(std::unordered_map<std::string, std::string> parent);

  // Gives back the columns' unused capacity (growing one row at a time
  // leaves up to half unused); Load does it, call it after a bulk of Upserts.
  void ShrinkToFit();

  size_t size() const { return live_; }
  // Bytes held by the columns, dictionaries and detail records.
  size_t MemoryBytes() const;
  // First and last date of any incident held (removals do not narrow them).
  int32_t MinDate() const;
  int32_t MaxDate() const;

  // Resolves names to dictionary codes; for `text` or `bbox` asks `store`
  // for the matching ids (store may be null when neither is set:
  // InvalidArgument otherwise).
  Result<std::shared_ptr<const CompiledFilter>> Compile(const Filter& filter, Store* store) const;

  struct GroupOptions {
    bool roll_up = false;  // perpetrators counted under their parent group
    // Read every row even when the per-day pre-aggregate could answer (for
    // tests and benchmarks that compare the two paths).
    bool scan_rows = false;
    // How the row path aggregates a block of 4096 rows once the filters
    // have marked the passing ones: kAuto adds up only the passing rows
    // (their offsets gathered first) when fewer than half pass, else every
    // row with 0 for a failing one; the others force one way (tests).
    enum class Rows { kAuto, kEvery, kSelected };
    Rows rows = Rows::kAuto;
  };
  // Groups the incidents that pass `q` by `by` and sums `measures`. Rows come
  // sorted by key (periods in time order); empty cells are left out.
  Result<StatsTable> GroupBy(const CompiledFilter& q, const std::vector<Dimension>& by,
                             const std::vector<Measure>& measures, GroupOptions options) const;
  Result<StatsTable> GroupBy(const CompiledFilter& q, const std::vector<Dimension>& by,
                             const std::vector<Measure>& measures) const {
    return GroupBy(q, by, measures, GroupOptions{});
  }
  // Adds change columns to `t`, a GroupBy(q, by, measures) result whose
  // `by` holds a period: for each row the previous period's value, the change
  // from it (%), and what the trailing 4 and 52 weeks before the period
  // started give at their weekly rate over the period's length (ACLED's trend
  // tables compare a week with both). InvalidArgument without a period in `by`.
  Status AddChangeColumns(const CompiledFilter& q, const std::vector<Dimension>& by,
                          const std::vector<Measure>& measures, GroupOptions options, StatsTable* t) const;
  // What the data holds for a definition: per importer (provenance), the
  // incidents that pass `q` and the first and last of their dates; sorted by
  // importer name, importers without a passing incident left out.
  struct SourceSpan {
    std::string importer;
    int64_t incidents = 0;
    int32_t first = 0, last = 0;
  };
  std::vector<SourceSpan> Coverage(const CompiledFilter& q) const;
  // The measure per period over [from, to] (days; default: the filter's
  // dates, else the data's first and last dates), zeros included.
  Result<Series> SeriesOf(const CompiledFilter& q, Period period, const Measure& measure,
                          std::optional<int32_t> from = std::nullopt, std::optional<int32_t> to = std::nullopt) const {
    return SeriesOf(q, period, measure, from, to, GroupOptions{});
  }
  Result<Series> SeriesOf(const CompiledFilter& q, Period period, const Measure& measure, std::optional<int32_t> from,
                          std::optional<int32_t> to, GroupOptions options) const;
  // Whether GroupBy / SeriesOf with `q`, `by` and `measures` read the
  // per-day pre-aggregate instead of the rows (see docs/analysis.md).
  bool Preaggregated(const CompiledFilter& q, const std::vector<Dimension>& by,
                     const std::vector<Measure>& measures) const;

 private:
  struct Columns;
  struct Detail;
  struct Cell;
  // Adds (sign +1) or takes away (-1) row `row`'s incident in the pre-aggregate.
  void Aggregate(size_t row, int sign);
  // Calls fn(day, cell) for the pre-aggregated cells of the days in
  // [from, to] whose keys pass `q` (Preaggregated(q, ...) must hold).
  template <typename Fn>
  void ForEachCell(const CompiledFilter& q, int32_t from, int32_t to, Fn&& fn) const;
  uint32_t Intern(int which, const std::string& s);
  void SetRow(size_t row, const IncidentFacts& f);
  uint16_t PhaseFor(int32_t date, uint16_t country) const;
  int64_t Value(size_t row, const Measure& m) const;
  // Calls fn(begin, end, mask) for blocks of rows; mask[i] is 1 when row
  // begin+i passes `q`, else 0 (also from end - begin up to the next
  // multiple of 8). The filters are tested column by column, one pass each.
  template <typename Fn>
  void ForEachBlock(const CompiledFilter& q, Fn&& fn) const;

  std::unique_ptr<Columns> c_;
  std::vector<Phase> phases_;
  std::vector<std::string> perp_roll_up_;  // by perpetrator code
  size_t live_ = 0;
};

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_CUBE_H_
