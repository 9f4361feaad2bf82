#include "plan/patrol.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "common/csv.h"
#include "common/text.h"
#include "plan/internal/lp.h"
#include "plan/schedule.h"

namespace faultline {
namespace {

Result<double> Number(const std::string& s, const std::string& where, double lo, double hi) {
  char* end = nullptr;
  std::string t(Trim(s));
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !std::isfinite(v)) return InvalidArgument(where + ": \"" + s + "\" is not a number");
  if (v < lo || v > hi) {
    return InvalidArgument(where + ": " + t + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return v;
}

Result<Border> ReadBorder(std::unique_ptr<CsvReader> reader, const std::string& label) {
  Border b;
  b.name = label;
  CsvRecord rec;
  std::map<std::string, size_t> col;
  std::vector<std::string> names;  // the header, by index
  bool header = false;
  while (true) {
    auto r = reader->Next(&rec);
    if (r == CsvReader::ReadResult::kEnd) break;
    std::string where = label + ":" + std::to_string(rec.line);
    if (r == CsvReader::ReadResult::kMalformed) return InvalidArgument(where + ": " + rec.error.message());
    if (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#') continue;
    if (!header) {
      for (size_t i = 0; i < rec.fields.size(); ++i) {
        names.emplace_back(Trim(rec.fields[i]));
        col[names.back()] = i;
      }
      for (const char* need : {"id", "length_km", "risk"}) {
        if (!col.count(need)) return InvalidArgument(where + ": the header has no column \"" + need + "\"");
      }
      header = true;
      continue;
    }
    auto get = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it == col.end() || it->second >= rec.fields.size() ? std::string() : rec.fields[it->second];
    };
    auto where_col = [&](const std::string& name) { return where + ": column " + name; };
    for (size_t i = 0; i < rec.fields.size() && i < names.size(); ++i) {
      if (auto bad = FindInvalidUtf8(rec.fields[i])) {
        return InvalidArgument(where_col(names[i]) + ": invalid UTF-8 at byte " + std::to_string(*bad));
      }
    }
    BorderSegment s;
    s.id = std::string(Trim(get("id")));
    if (s.id.empty()) return InvalidArgument(where_col("id") + ": empty");
    s.name = get("name").empty() ? s.id : get("name");
    s.district = get("district");
    ASSIGN_OR_RETURN(s.length_km, Number(get("length_km"), where_col("length_km"), 1e-6, 1e6));
    ASSIGN_OR_RETURN(s.risk, Number(get("risk"), where_col("risk"), 0, 1e9));
    if (!get("posts").empty()) {
      ASSIGN_OR_RETURN(double p, Number(get("posts"), where_col("posts"), 0, 1e6));
      s.posts = static_cast<int>(p);
    }
    if (!get("terrain").empty()) {
      ASSIGN_OR_RETURN(s.terrain, Number(get("terrain"), where_col("terrain"), 1, 100));
    }
    s.detection = 0.9 / s.terrain;
    if (!get("detection").empty()) {
      ASSIGN_OR_RETURN(s.detection, Number(get("detection"), where_col("detection"), 0, 1));
    }
    const std::string crossings = get("crossings");
    for (std::string_view c : Split(crossings, ';')) {
      if (!Trim(c).empty()) s.crossings.emplace_back(Trim(c));
    }
    if (!get("lat").empty()) {
      ASSIGN_OR_RETURN(s.lat, Number(get("lat"), where_col("lat"), -90, 90));
    }
    if (!get("lon").empty()) {
      ASSIGN_OR_RETURN(s.lon, Number(get("lon"), where_col("lon"), -180, 180));
    }
    b.segments.push_back(std::move(s));
  }
  if (!reader->io_status().ok()) return reader->io_status();
  if (b.segments.empty()) return InvalidArgument(label + ": no segments");
  return b;
}

}  // namespace

Result<Border> LoadBorder(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, {}));
  return ReadBorder(std::move(reader), path);
}

Result<Border> ParseBorder(const std::string& text, const std::string& label) {
  return ReadBorder(CsvReader::FromString(text, {}), label);
}

std::vector<PatrolWindow> MaximalWindows(const Border& border, double range_km) {
  const auto& seg = border.segments;
  const int n = static_cast<int>(seg.size());
  std::vector<PatrolWindow> out;
  int j = 0;
  double reach = 0;  // weighted length of [i, j)
  for (int i = 0; i < n; ++i) {
    if (j < i) {
      j = i;
      reach = 0;
    }
    while (j < n && (j == i || reach + seg[j].length_km * seg[j].terrain <= range_km)) {
      reach += seg[j].length_km * seg[j].terrain;
      ++j;
    }
    // [i, j - 1] is the longest window from i. One contained in its
    // predecessor is kept too: a day with disjoint windows may need it.
    out.push_back({i, j - 1});
    reach -= seg[i].length_km * seg[i].terrain;
  }
  return out;
}

Result<PatrolPlan> SolvePatrol(const Border& border, int units, double range_km) {
  if (units < 1) return InvalidArgument("--units must be at least 1");
  if (!(range_km > 0)) return InvalidArgument("the patrol range must be positive");
  if (border.segments.empty()) return InvalidArgument("the border has no segments");
  const auto& seg = border.segments;
  const int n = static_cast<int>(seg.size());
  PatrolPlan plan;
  plan.windows = MaximalWindows(border, range_km);
  const int w = static_cast<int>(plan.windows.size());
  std::vector<std::vector<int>> covering(n);  // windows containing each segment
  for (int k = 0; k < w; ++k) {
    for (int s = plan.windows[k].first; s <= plan.windows[k].last; ++s) covering[s].push_back(k);
  }
  // Columns: y_0..y_{w-1}, z. Phase 1 minimises z; phase 2 caps z and
  // maximises the expected loss prevented.
  auto build = [&](std::optional<double> cap) {
    lp::Program p;
    p.maximize = cap.has_value();
    for (int k = 0; k < w; ++k) {
      double prevented = 0;
      if (cap) {
        for (int s = plan.windows[k].first; s <= plan.windows[k].last; ++s) prevented += seg[s].risk * seg[s].detection;
      }
      p.AddColumn(0, 1, prevented);
    }
    int z = p.AddColumn(-lp::kInf, cap ? *cap : lp::kInf, cap ? 0 : 1);
    std::vector<int> all(w);
    for (int k = 0; k < w; ++k) all[k] = k;
    p.AddRow(all, std::vector<double>(w, 1.0), -lp::kInf, units);
    for (int s = 0; s < n; ++s) {
      std::vector<int> cols = covering[s];
      p.AddRow(cols, std::vector<double>(cols.size(), 1.0), -lp::kInf, 1);
      cols.push_back(z);
      std::vector<double> coef(covering[s].size(), seg[s].risk * seg[s].detection);
      coef.push_back(1);
      p.AddRow(cols, coef, seg[s].risk, lp::kInf);  // z >= risk (1 - d c)
    }
    return p;
  };
  ASSIGN_OR_RETURN(lp::Answer first, lp::SolveLp(build(std::nullopt)));
  if (first.outcome != lp::Outcome::kOptimal) return Internal("the patrol LP is infeasible, which it cannot be");
  double z = first.objective;
  ASSIGN_OR_RETURN(lp::Answer second, lp::SolveLp(build(z + 1e-9 * std::max(1.0, std::fabs(z)))));
  const lp::Answer& use = second.outcome == lp::Outcome::kOptimal ? second : first;
  plan.window_probability.assign(use.x.begin(), use.x.begin() + w);
  for (double& y : plan.window_probability) y = std::clamp(y, 0.0, 1.0);
  plan.coverage.assign(n, 0);
  for (int k = 0; k < w; ++k) {
    for (int s = plan.windows[k].first; s <= plan.windows[k].last; ++s) plan.coverage[s] += plan.window_probability[k];
  }
  plan.worst_case = 0;
  for (int s = 0; s < n; ++s) {
    plan.coverage[s] = std::min(plan.coverage[s], 1.0);
    plan.attacker_value.push_back(seg[s].risk * (1 - seg[s].detection * plan.coverage[s]));
    plan.worst_case = std::max(plan.worst_case, plan.attacker_value.back());
  }
  for (int s = 0; s < n; ++s) {
    if (plan.attacker_value[s] >= plan.worst_case - 1e-7 * std::max(1.0, plan.worst_case)) {
      plan.best_crossings.push_back(s);
    }
  }
  return plan;
}

std::vector<std::vector<int>> DrawShifts(const PatrolPlan& plan, int units, int days, uint64_t seed) {
  // Window probabilities from the LP satisfy the sampler's checks up to
  // rounding; clamp so Create cannot refuse them.
  std::vector<double> y = plan.window_probability;
  double sum = 0;
  for (double v : y) sum += v;
  if (sum > units) {
    for (double& v : y) v *= units / sum;
  }
  Result<CombSampler> comb = CombSampler::Create(y, units);
  std::vector<std::vector<int>> out;
  if (!comb.ok()) return out;
  std::mt19937_64 rng(seed);
  for (int d = 0; d < days; ++d) out.push_back(comb->Draw(UnitInterval(rng())));
  return out;
}

}  // namespace faultline
