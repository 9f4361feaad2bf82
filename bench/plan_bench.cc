// Security-game benchmarks for docs/benchmarks.md, each beside its
// reference in one run: ORIGAMI against the multiple-LP method (Clp), the
// DOBSS MILP (Cbc) across targets x attacker types, and the border patrol
// LP + 365 days of shifts. Games come from Kiekintveld et al. 2009's
// generator (covered defender / uncovered attacker payoffs ~ U[0,100], the
// others ~ U[-100,0]) at a fixed seed.
// Usage: plan_bench [origami|lp|milp|patrol|all] [MILP_TIME_LIMIT_S]
//        plan_bench milp-cell TARGETS TYPES MILP_TIME_LIMIT_S [plain]  (plain: the old formulation beside it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "plan/bayesian.h"
#include "plan/patrol.h"
#include "plan/sse.h"

namespace faultline {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Payoffs RandomPayoffs(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> pos(0, 100), neg(-100, 0);
  Payoffs p;
  p.defender_covered = pos(rng);
  p.defender_uncovered = neg(rng);
  p.attacker_uncovered = pos(rng);
  p.attacker_covered = neg(rng);
  return p;
}

SecurityGame Game(int n, double m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  SecurityGame g;
  g.resources = m;
  g.targets.resize(n);
  for (auto& t : g.targets) t.payoffs = RandomPayoffs(rng);
  return g;
}

// Median of `reps` timed runs of f.
template <typename F>
double Time(int reps, F f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    double a = Now();
    f();
    t.push_back(Now() - a);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void Origami() {
  std::printf("== ORIGAMI, n targets, m = n/100 resources (median of 5; games generated once)\n");
  std::printf("%10s %8s %12s\n", "n", "m", "seconds");
  for (int n : {1000, 10000, 100000, 1000000}) {
    SecurityGame g = Game(n, n / 100, 2009 + n);
    double s = Time(5, [&] {
      auto r = SolveOrigami(g);
      if (!r.ok()) std::abort();
    });
    std::printf("%10d %8d %12.6f\n", n, n / 100, s);
  }
}

void Lp() {
  std::printf("== ORIGAMI vs one LP per target through Clp (same games; m = max(1, n/10))\n");
  std::printf("%6s %14s %14s %10s %12s\n", "n", "ORIGAMI s", "LPs s", "ratio", "same value");
  for (int n : {10, 30, 100, 300, 1000}) {
    SecurityGame g = Game(n, std::max(1, n / 10), 7 + n);
    double value_o = 0, value_l = 0;
    double o = Time(5, [&] { value_o = SolveOrigami(g)->defender_utility; });
    double l = Time(n <= 100 ? 3 : 1, [&] { value_l = SolveMultipleLps(g)->defender_utility; });
    std::printf("%6d %14.6f %14.3f %9.0fx %12s\n", n, o, l, l / o, std::abs(value_o - value_l) < 1e-6 ? "yes" : "NO");
  }
}

BayesianGame MilpGame(int n, int types) {
  std::mt19937_64 rng(100 * n + types);
  BayesianGame b;
  b.resources = 5;
  b.targets.resize(n);
  for (int l = 0; l < types; ++l) {
    AttackerType a{"t" + std::to_string(l), 1.0 / types, {}};
    for (int t = 0; t < n; ++t) a.payoffs.push_back(RandomPayoffs(rng));
    b.types.push_back(std::move(a));
  }
  return b;
}

// One DOBSS solve on a generated game: seconds, or -1 when Cbc could not
// prove optimality within `limit` seconds.
double MilpSeconds(const BayesianGame& b, double limit, bool strengthened, double* value) {
  double a0 = Now();
  auto r = SolveDobss(b, limit, strengthened);
  double s = Now() - a0;
  if (!r.ok()) return -1;
  *value = r->defender_utility;
  return s;
}

std::string Cell(double s, double limit) {
  char buf[32];
  if (s < 0) {
    std::snprintf(buf, sizeof buf, "%.0f>", limit);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", s);
  }
  return buf;
}

// Strengthened (median of `repeats`) beside the plain formulation (once),
// same game, same run.
void MilpCell(int n, int types, double limit, int repeats, bool plain) {
  BayesianGame b = MilpGame(n, types);
  std::vector<double> times;
  double v_strong = 0, v_plain = 0;
  for (int i = 0; i < repeats; ++i) times.push_back(MilpSeconds(b, limit, true, &v_strong));
  std::sort(times.begin(), times.end());
  double strong = times[times.size() / 2];
  if (std::find(times.begin(), times.end(), -1.0) != times.end()) strong = -1;
  std::printf("%8d %6d %12s", n, types, Cell(strong, limit).c_str());
  if (plain) {
    double p = MilpSeconds(b, limit, false, &v_plain);
    std::printf(" %12s", Cell(p, limit).c_str());
    if (p > 0 && strong > 0) {
      std::printf(" %8.1fx %6s", p / strong, std::abs(v_plain - v_strong) < 1e-5 ? "yes" : "NO");
    }
  }
  std::printf("\n");
  std::fflush(stdout);
}

void Milp(double limit) {
  std::printf("== DOBSS MILP through Cbc, m = 5 (limit %.0f s; '>' = hit it): strengthened (median of 3) "
              "beside the plain formulation (once)\n", limit);
  std::printf("%8s %6s %12s %12s %9s %6s\n", "targets", "types", "strengthened", "plain", "ratio", "same");
  for (int n : {10, 20, 40, 80}) {
    for (int types : {1, 2, 3, 5}) MilpCell(n, types, limit, 3, true);
  }
  std::printf("-- larger, strengthened only\n");
  for (int types : {1, 3, 5}) MilpCell(160, types, limit, 1, false);
  for (int n : {20, 40}) MilpCell(n, 8, limit, 1, false);
  MilpCell(20, 10, limit, 1, false);
}

void Patrol() {
  std::printf("== Border patrol: 500 segments, 50 units, range 150 km (terrain-weighted)\n");
  std::mt19937_64 rng(500);
  Border b;
  for (int s = 0; s < 500; ++s) {
    BorderSegment seg;
    seg.id = "s" + std::to_string(s);
    seg.length_km = std::uniform_real_distribution<double>(2, 10)(rng);
    seg.terrain = std::uniform_real_distribution<double>(1, 3)(rng);
    seg.risk = std::uniform_real_distribution<double>(0, 100)(rng);
    seg.detection = 0.9 / seg.terrain;
    b.segments.push_back(seg);
  }
  PatrolPlan plan;
  double solve = Time(3, [&] { plan = *SolvePatrol(b, 50, 150); });
  std::vector<std::vector<int>> shifts;
  double draw = Time(5, [&] { shifts = DrawShifts(plan, 50, 365, 1); });
  std::printf("windows %zu   solve (2 LPs) %.3f s   draw 365 days %.6f s   worst case %.2f\n", plan.windows.size(), solve,
              draw, plan.worst_case);
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "all";
  if (what == "milp-cell" && (argc == 5 || argc == 6)) {
    const bool plain = argc == 6 && std::string(argv[5]) == "plain";
    std::printf("DOBSS, m = 5: targets, types, seconds strengthened%s\n", plain ? ", plain" : "");
    faultline::MilpCell(std::atoi(argv[2]), std::atoi(argv[3]), std::atof(argv[4]), 1, plain);
    return 0;
  }
  double limit = argc > 2 ? std::atof(argv[2]) : 300;
  if (what == "origami" || what == "all") faultline::Origami();
  if (what == "lp" || what == "all") faultline::Lp();
  if (what == "milp" || what == "all") faultline::Milp(limit);
  if (what == "patrol" || what == "all") faultline::Patrol();
  return 0;
}
