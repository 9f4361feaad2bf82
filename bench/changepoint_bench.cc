// Change-point throughput on one core: PELT (Poisson cost, BIC penalty) and
// BOCPD (Poisson-Gamma, run-length cap 500) over a simulated weekly-count
// series whose rate changes every ~200 points. Prints wall time and this
// thread's CPU time (the machine is shared: CPU time is what one core
// spends; points/s are from it).
//
// Usage: changepoint_bench [N] [RUNS] [BOCPD-VARIANTS]
// BOCPD-VARIANTS: a comma-separated list of best, avx512, avx2, portable
// (default best: what Bocpd picks on this CPU); each forced step is timed on
// the same series, one line each. A variant the CPU lacks runs the best one
// below it (Bocpd's rule), so the lines name what was asked for.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/changepoint.h"

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best of `runs` (by CPU time) of fn(); prints one line.
template <typename Fn>
void Time(const char* label, size_t n, int runs, Fn&& fn) {
  double best_cpu = 1e300, best_wall = 1e300;
  size_t found = 0;
  for (int i = 0; i < runs; ++i) {
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuSeconds();
    found = fn();
    best_cpu = std::min(best_cpu, ThreadCpuSeconds() - c0);
    best_wall = std::min(best_wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
  }
  std::printf("%-30s %zu points: %.3f s CPU (wall %.3f s) = %.2fM points/s per core, best of %d (%zu change points)\n",
              label, n, best_cpu, best_wall, static_cast<double>(n) / best_cpu / 1e6, runs, found);
}

// "avx512" -> BocpdIsa::kAvx512, ...; false for a name it does not know.
bool ParseIsa(std::string_view name, faultline::BocpdIsa* isa) {
  using faultline::BocpdIsa;
  constexpr std::pair<std::string_view, BocpdIsa> kNames[] = {{"best", BocpdIsa::kBest},
                                                              {"avx512", BocpdIsa::kAvx512},
                                                              {"avx2", BocpdIsa::kAvx2},
                                                              {"portable", BocpdIsa::kPortable}};
  for (const auto& [known, value] : kNames) {
    if (name == known) {
      *isa = value;
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace faultline;
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  std::vector<std::pair<std::string, BocpdIsa>> variants;
  const std::string_view list = argc > 3 ? argv[3] : "best";
  for (size_t at = 0; at <= list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string_view name = list.substr(at, comma - at);
    BocpdIsa isa{};
    if (!ParseIsa(name, &isa)) {
      std::fprintf(stderr, "changepoint_bench: BOCPD variant \"%.*s\" is not best, avx512, avx2 or portable\n",
                   static_cast<int>(name.size()), name.data());
      return 2;
    }
    variants.emplace_back(std::string(name), isa);
    at = comma + 1;
  }
  std::mt19937 rng(1);
  std::vector<int64_t> y;
  y.reserve(n);
  double rate = 5;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 200 == 0) rate = std::uniform_real_distribution<double>(0.5, 30)(rng);
    y.push_back(std::poisson_distribution<int64_t>(rate)(rng));
  }
  Time("PELT Poisson (BIC)", n, runs,
       [&] { return Pelt(y, PenaltyValue(PenaltyKind::kBic, n)).changepoints.size(); });
  for (const auto& [name, isa] : variants) {
    const std::string label = name == "best" ? "BOCPD Poisson-Gamma cap 500" : "BOCPD cap 500 [" + name + "]";
    Time(label.c_str(), n, runs,
         [&] { return Bocpd(y, {.hazard = 1.0 / 200, .max_run_length = 500}, isa).changepoints.size(); });
  }
  return 0;
}
