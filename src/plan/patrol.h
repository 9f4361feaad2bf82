// Border patrols as a zero-sum security game (domain.md §7). A border is an
// ordered list of segments; each of k patrol units covers one contiguous
// window of segments per shift, as long as the window's terrain-weighted
// length fits the unit's range. The crosser watches the patrol
// probabilities (not the day's draw) and crosses where it expects most:
//   attacker value at s = risk_s * (1 - detection_s * c_s),
// with c_s the probability that some unit patrols s that shift. The LP
// chooses window probabilities y_w (sum_w y_w <= k, c_s = sum_{w ∋ s} y_w
// <= 1) minimising the largest attacker value — the defender's worst case
// against a best-responding crossing — then, holding that, spends spare
// units where they cut expected losses most. Windows are the longest ones
// from each start segment: any k windows' union is covered by k disjoint
// such windows (greedy from the left), and their starts and ends rise
// together, which is what lets the comb sampler draw pairwise disjoint
// windows each shift with the window probabilities exactly, so c_s is met
// exactly too.
//
// Stateless functions; a PatrolPlan is plain data.
#ifndef FAULTLINE_PLAN_PATROL_H_
#define FAULTLINE_PLAN_PATROL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline {

struct BorderSegment {
  std::string id, name, district;  // district: gazetteer id of the admin unit it runs through
  double length_km = 0;
  int posts = 0;                   // fixed posts/forts (informational; reflected in risk)
  double terrain = 1;              // difficulty >= 1: multiplies length for patrol reach
  std::vector<std::string> crossings;
  double risk = 0;                 // value of a successful crossing here, >= 0
  double detection = 0;            // P(detect | patrolled); 0.9 / terrain unless given
  std::optional<double> lat, lon;
};

struct Border {
  std::string name;
  std::vector<BorderSegment> segments;  // in order along the border
};

// Reads a border CSV with a header row. Required columns: id, length_km,
// risk; optional: name, district, posts, terrain, crossings (';'-separated),
// detection, lat, lon. Lines starting with '#' are comments.
// NotFound / IoError for the file, InvalidArgument "file:line: column c: why".
Result<Border> LoadBorder(const std::string& path);
Result<Border> ParseBorder(const std::string& text, const std::string& label);

struct PatrolWindow {
  int first = 0, last = 0;  // inclusive segment indices
};

// For each start segment, the longest window a unit whose shift reaches
// `range_km` of terrain-weighted length can patrol (a single segment longer
// than that is a window on its own). first rises strictly, last never falls.
std::vector<PatrolWindow> MaximalWindows(const Border& border, double range_km);

struct PatrolPlan {
  std::vector<PatrolWindow> windows;
  std::vector<double> window_probability;  // y_w, sums to <= units
  std::vector<double> coverage;            // c_s per segment
  std::vector<double> attacker_value;      // risk_s (1 - detection_s c_s)
  double worst_case = 0;                   // max attacker value = the defender's worst-case loss
  std::vector<int> best_crossings;         // segments where the crosser gets worst_case
};

// InvalidArgument for units < 1, range_km <= 0 or an empty border; Internal
// when Clp fails.
Result<PatrolPlan> SolvePatrol(const Border& border, int units, double range_km);

// One shift per day: for each unit, the index into plan.windows it patrols
// or -1 (held back). Windows on one day never overlap.
std::vector<std::vector<int>> DrawShifts(const PatrolPlan& plan, int units, int days, uint64_t seed);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_PATROL_H_
