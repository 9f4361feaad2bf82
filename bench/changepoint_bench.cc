// Change-point throughput on one core: PELT (Poisson cost, BIC penalty) and
// BOCPD (Poisson-Gamma, run-length cap 500) over a simulated weekly-count
// series whose rate changes every ~200 points. Usage: changepoint_bench [N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "analysis/changepoint.h"

int main(int argc, char** argv) {
  using namespace faultline;
  using Clock = std::chrono::steady_clock;
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::mt19937 rng(1);
  std::vector<int64_t> y;
  y.reserve(n);
  double rate = 5;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 200 == 0) rate = std::uniform_real_distribution<double>(0.5, 30)(rng);
    y.push_back(std::poisson_distribution<int64_t>(rate)(rng));
  }
  auto t0 = Clock::now();
  Segmentation s = Pelt(y, PenaltyValue(PenaltyKind::kBic, n));
  double pelt = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("PELT Poisson (BIC)       %zu points in %.3f s = %.2fM points/s (%zu change points)\n", n, pelt,
              static_cast<double>(n) / pelt / 1e6, s.changepoints.size());
  t0 = Clock::now();
  BocpdResult b = Bocpd(y, {.hazard = 1.0 / 200, .max_run_length = 500});
  double bocpd = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("BOCPD Poisson-Gamma cap 500  %zu points in %.3f s = %.2fM points/s (%zu change points)\n", n, bocpd,
              static_cast<double>(n) / bocpd / 1e6, b.changepoints.size());
  return 0;
}
