#include "forecast/panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/date.h"

namespace faultline {
namespace {

// The covering phase of `country` at `day` that started last (phases sorted
// by start), as its type; -1 for none.
int8_t PhaseTypeAt(const std::vector<Phase>& phases, const std::string& country, int32_t day) {
  for (size_t i = phases.size(); i-- > 0;) {
    const Phase& p = phases[i];
    if (!p.Covers(day)) continue;
    if (!p.country.empty() && p.country != country) continue;
    return static_cast<int8_t>(p.type);
  }
  return -1;
}

// Fills phase and phase_boundaries from `phases` for the units' countries.
void AddPhases(const std::vector<Phase>& phases_in, Panel* panel) {
  std::vector<Phase> phases = phases_in;
  std::stable_sort(phases.begin(), phases.end(), [](const Phase& a, const Phase& b) { return a.start < b.start; });
  const size_t n = panel->periods();
  panel->phase.assign(panel->units.size(), std::vector<int8_t>(n, -1));
  std::map<std::string, std::vector<int8_t>> by_country;
  for (size_t u = 0; u < panel->units.size(); ++u) {
    const std::string& c = panel->unit_country[u];
    auto it = by_country.find(c);
    if (it == by_country.end()) {
      std::vector<int8_t> v(n);
      for (size_t t = 0; t < n; ++t) {
        const int32_t mid = (panel->PeriodFirstDayAt(t) + PeriodLastDay(panel->period, panel->first + static_cast<int32_t>(t))) / 2;
        v[t] = PhaseTypeAt(phases, c, mid);
      }
      it = by_country.emplace(c, std::move(v)).first;
    }
    panel->phase[u] = it->second;
  }
  std::vector<int32_t> b;
  for (const Phase& p : phases) {
    bool applies = p.country.empty();
    for (const auto& [c, v] : by_country) applies = applies || c == p.country;
    if (!applies) continue;
    b.push_back(p.start);
    if (p.end) b.push_back(*p.end + 1);
  }
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  panel->phase_boundaries = std::move(b);
}

Result<std::pair<int32_t, int32_t>> PeriodRange(Period period, int32_t from, int32_t to, bool drop_incomplete) {
  if (period != Period::kWeek && period != Period::kMonth) {
    return InvalidArgument("forecasts are per week or per month, not per " + std::string(Name(period)));
  }
  int32_t p0 = PeriodOf(period, from), p1 = PeriodOf(period, to);
  if (drop_incomplete && PeriodLastDay(period, p1) > to) --p1;
  if (p1 < p0) return FailedPrecondition("the data cover less than one whole " + std::string(Name(period)));
  return std::make_pair(p0, p1);
}

}  // namespace

std::string_view Name(UnitKind k) {
  switch (k) {
    case UnitKind::kCountry: return "country";
    case UnitKind::kAdmin1: return "admin1";
    case UnitKind::kAdmin2: return "admin2";
    case UnitKind::kGrid: return "grid";
  }
  return "?";
}

Result<UnitKind> ParseUnitKind(std::string_view s) {
  for (UnitKind k : {UnitKind::kCountry, UnitKind::kAdmin1, UnitKind::kAdmin2, UnitKind::kGrid}) {
    if (s == Name(k)) return k;
  }
  return InvalidArgument("--unit: \"" + std::string(s) + "\" is not one of country, admin1, admin2, grid");
}

Panel Panel::Truncate(size_t t) const {
  Panel p;
  p.unit_kind = unit_kind;
  p.period = period;
  p.measure = measure;
  p.first = first;
  p.units = units;
  p.unit_country = unit_country;
  t = std::min(t, periods());
  p.counts.reserve(counts.size());
  for (const auto& row : counts) p.counts.emplace_back(row.begin(), row.begin() + static_cast<ptrdiff_t>(t));
  p.phase.reserve(phase.size());
  for (const auto& row : phase) p.phase.emplace_back(row.begin(), row.begin() + static_cast<ptrdiff_t>(std::min(t, row.size())));
  const int32_t end_day = PeriodFirstDay(period, first + static_cast<int32_t>(t));
  const size_t n_events =
      static_cast<size_t>(std::lower_bound(event_days.begin(), event_days.end(), end_day) - event_days.begin());
  p.event_days.assign(event_days.begin(), event_days.begin() + static_cast<ptrdiff_t>(n_events));
  p.event_units.assign(event_units.begin(), event_units.begin() + static_cast<ptrdiff_t>(n_events));
  for (int32_t b : phase_boundaries) {
    if (b < end_day) p.phase_boundaries.push_back(b);
  }
  return p;
}

Result<Panel> BuildPanel(const Cube& cube, const CompiledFilter& q, std::optional<int32_t> from,
                         std::optional<int32_t> to, const PanelOptions& options) {
  if (options.unit == UnitKind::kGrid) return InvalidArgument("grid cells come from BuildGridPanel");
  std::vector<Dimension> dims = {Dimension::kCountry};
  if (options.unit != UnitKind::kCountry) dims.push_back(Dimension::kAdmin1);
  if (options.unit == UnitKind::kAdmin2) dims.push_back(Dimension::kAdmin2);
  dims.push_back(Dimension::kDay);
  ASSIGN_OR_RETURN(StatsTable t, cube.GroupBy(q, dims, {options.measure}));
  const size_t day_col = dims.size() - 1;
  Panel panel;
  panel.unit_kind = options.unit;
  panel.period = options.period;
  panel.measure = Name(options.measure);
  int32_t lo = from.value_or(cube.MinDate()), hi = to.value_or(cube.MaxDate());
  if (cube.size() == 0) return FailedPrecondition("the database holds no incidents");
  ASSIGN_OR_RETURN(auto range, PeriodRange(options.period, lo, hi, options.drop_incomplete_last && !to));
  panel.first = range.first;
  const size_t n = static_cast<size_t>(range.second - range.first + 1);
  std::map<std::string, size_t> index;
  struct Cell {
    size_t unit;
    int32_t day;
    int64_t value;
  };
  std::vector<Cell> cells;
  for (size_t r = 0; r < t.keys.size(); ++r) {
    const auto& k = t.keys[r];
    std::string label;
    if (options.unit == UnitKind::kCountry) label = k[0].empty() ? "(unknown)" : k[0];
    if (options.unit == UnitKind::kAdmin1) label = k[1].empty() ? "(unknown)" : k[1];
    if (options.unit == UnitKind::kAdmin2) {
      label = (k[1].empty() ? "(unknown)" : k[1]) + " / " + (k[2].empty() ? "(unknown)" : k[2]);
    }
    auto day = CivilDate::Parse(k[day_col]);
    if (!day.ok()) return Internal("cube day key \"" + k[day_col] + "\": " + day.status().message());
    const int32_t p = PeriodOf(options.period, day->days());
    if (p < range.first || p > range.second) continue;
    auto [it, fresh] = index.emplace(label, panel.units.size());
    if (fresh) {
      panel.units.push_back(label);
      panel.unit_country.push_back(k[0]);
    }
    cells.push_back({it->second, day->days(), t.values[r][0]});
  }
  if (panel.units.empty()) return FailedPrecondition("no incidents match the filter in the chosen dates");
  // Units in name order, so output and seeds do not depend on the data's order.
  std::vector<size_t> order(panel.units.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return panel.units[a] < panel.units[b]; });
  std::vector<size_t> rank(order.size());
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::vector<std::string> units(order.size()), countries(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    units[i] = panel.units[order[i]];
    countries[i] = panel.unit_country[order[i]];
  }
  panel.units = std::move(units);
  panel.unit_country = std::move(countries);
  panel.counts.assign(panel.units.size(), std::vector<int64_t>(n, 0));
  std::vector<std::pair<int32_t, uint32_t>> events;
  const bool incidents = options.measure == Measure::Incidents();
  for (const Cell& c : cells) {
    const size_t u = rank[c.unit];
    panel.counts[u][static_cast<size_t>(PeriodOf(options.period, c.day) - range.first)] += c.value;
    if (incidents) {
      for (int64_t i = 0; i < c.value; ++i) events.emplace_back(c.day, static_cast<uint32_t>(u));
    }
  }
  std::sort(events.begin(), events.end());
  for (const auto& [d, u] : events) {
    panel.event_days.push_back(d);
    panel.event_units.push_back(u);
  }
  AddPhases(cube.phases(), &panel);
  return panel;
}

Result<Panel> BuildGridPanel(Store* store, const Filter& filter, const std::vector<Phase>& phases,
                             const PanelOptions& options, int64_t* skipped) {
  struct Row {
    std::string cell, country;
    int32_t day;
    int64_t value;
  };
  std::vector<Row> rows;
  int64_t no_coords = 0;
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  const bool incidents = options.measure == Measure::Incidents();
  RETURN_IF_ERROR(store->Scan(filter, [&](const Incident& inc) {
    if (!inc.lat || !inc.lon) {
      ++no_coords;
      return Status::Ok();
    }
    // The cell's centre, to two decimals: "33.25,70.75".
    char buf[64];
    const double clat = std::floor(*inc.lat * 2) / 2 + 0.25, clon = std::floor(*inc.lon * 2) / 2 + 0.25;
    std::snprintf(buf, sizeof buf, "%.2f,%.2f", clat, clon);
    const int64_t v = incidents ? 1 : inc.casualties.TotalKilled();
    rows.push_back({buf, inc.country, inc.date, v});
    lo = std::min(lo, inc.date);
    hi = std::max(hi, inc.date);
    return Status::Ok();
  }));
  if (skipped != nullptr) *skipped = no_coords;
  if (rows.empty()) return FailedPrecondition("no incidents with coordinates match the filter");
  if (filter.date_from) lo = *filter.date_from;
  if (filter.date_to) hi = *filter.date_to;
  ASSIGN_OR_RETURN(auto range, PeriodRange(options.period, lo, hi, options.drop_incomplete_last && !filter.date_to));
  Panel panel;
  panel.unit_kind = UnitKind::kGrid;
  panel.period = options.period;
  panel.measure = Name(options.measure);
  panel.first = range.first;
  const size_t n = static_cast<size_t>(range.second - range.first + 1);
  std::map<std::string, std::string> cells;
  for (const Row& r : rows) cells.emplace(r.cell, r.country);
  std::map<std::string, size_t> index;
  for (const auto& [cell, country] : cells) {
    index[cell] = panel.units.size();
    panel.units.push_back(cell);
    panel.unit_country.push_back(country);
  }
  panel.counts.assign(panel.units.size(), std::vector<int64_t>(n, 0));
  std::vector<std::pair<int32_t, uint32_t>> events;
  for (const Row& r : rows) {
    const int32_t p = PeriodOf(options.period, r.day);
    if (p < range.first || p > range.second) continue;
    const size_t u = index[r.cell];
    panel.counts[u][static_cast<size_t>(p - range.first)] += r.value;
    if (incidents) events.emplace_back(r.day, static_cast<uint32_t>(u));
  }
  std::sort(events.begin(), events.end());
  for (const auto& [d, u] : events) {
    panel.event_days.push_back(d);
    panel.event_units.push_back(u);
  }
  AddPhases(phases, &panel);
  return panel;
}

}  // namespace faultline
