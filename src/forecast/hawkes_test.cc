#include "forecast/hawkes.h"
#include "forecast/internal/hawkes_simd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace faultline {
namespace {

HawkesParams RandomParams(size_t dn, size_t segs, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0.05, 0.6);
  HawkesParams p;
  for (size_t d = 0; d < dn; ++d) p.mu.push_back(u(*rng));
  for (size_t k = 0; k < dn * dn; ++k) p.alpha.push_back(u(*rng) / static_cast<double>(dn));
  p.beta = 0.5 + u(*rng) * 3;
  p.step.push_back(1);
  for (size_t k = 1; k < segs; ++k) p.step.push_back(0.3 + u(*rng) * 2);
  return p;
}

HawkesData RandomData(size_t dn, size_t n, size_t segs, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0, 100);
  HawkesData data;
  data.dimensions = dn;
  data.start = 0;
  data.end = 100;
  for (size_t i = 0; i < n; ++i) data.times.push_back(u(*rng));
  std::sort(data.times.begin(), data.times.end());
  for (size_t i = 0; i < n; ++i) data.dims.push_back(static_cast<uint32_t>((*rng)() % dn));
  for (size_t k = 1; k < segs; ++k) data.breaks.push_back(100.0 * static_cast<double>(k) / static_cast<double>(segs));
  return data;
}

double RelErr(double a, double b) { return std::fabs(a - b) / std::max(1e-300, std::max(std::fabs(a), std::fabs(b))); }

TEST(Hawkes, RecursiveLikelihoodAndGradientEqualTheDirectSums) {
  std::mt19937_64 rng(1234);
  for (int rep = 0; rep < 12; ++rep) {
    const size_t dn = 1 + rep % 4, segs = 1 + rep % 3, n = 50 + 40 * static_cast<size_t>(rep);
    HawkesData data = RandomData(dn, n, segs, &rng);
    HawkesParams p = RandomParams(dn, segs, &rng);
    HawkesParams g1, g2;
    const double fast = HawkesLogLikelihood(data, p, &g1);
    const double slow = HawkesLogLikelihoodDirect(data, p, &g2);
    ASSERT_TRUE(std::isfinite(fast));
    EXPECT_LT(RelErr(fast, slow), 1e-9) << fast << " vs " << slow;
    for (size_t d = 0; d < dn; ++d) EXPECT_LT(RelErr(g1.mu[d], g2.mu[d]), 1e-9) << "mu " << d;
    for (size_t k = 0; k < dn * dn; ++k) EXPECT_LT(RelErr(g1.alpha[k], g2.alpha[k]), 1e-9) << "alpha " << k;
    EXPECT_LT(RelErr(g1.beta, g2.beta), 1e-9) << g1.beta << " vs " << g2.beta;
    for (size_t k = 1; k < segs; ++k) EXPECT_LT(RelErr(g1.step[k], g2.step[k]), 1e-9) << "step " << k;
    // And the gradient is the derivative: a central difference in beta.
    const double h = 1e-6 * p.beta;
    HawkesParams up = p, down = p;
    up.beta += h;
    down.beta -= h;
    const double numeric = (HawkesLogLikelihood(data, up) - HawkesLogLikelihood(data, down)) / (2 * h);
    EXPECT_NEAR(g1.beta, numeric, 1e-5 * std::max(1.0, std::fabs(numeric)));
  }
}

// Widths the fast path compiles separately (odd, padded, and above 16 the
// generic loop), ties, gaps whose decay underflows, and more than one block.
TEST(Hawkes, RecursiveLikelihoodEqualsTheDirectSumsAtEveryWidth) {
  std::mt19937_64 rng(99);
  for (size_t dn : {5u, 9u, 16u, 17u}) {
    HawkesData data = RandomData(dn, 700, 2, &rng);
    data.times[100] = data.times[101] = data.times[102];  // ties
    data.dims[101] = data.dims[100];
    for (size_t i = 600; i < data.times.size(); ++i) data.times[i] += 400;  // a gap: e^{-beta 400} underflows
    data.end += 400;
    data.breaks = {50};
    HawkesParams p = RandomParams(dn, 2, &rng);
    HawkesParams g1, g2;
    const double fast = HawkesLogLikelihood(data, p, &g1);
    const double slow = HawkesLogLikelihoodDirect(data, p, &g2);
    EXPECT_LT(RelErr(fast, slow), 1e-9) << dn << ": " << fast << " vs " << slow;
    for (size_t d = 0; d < dn; ++d) EXPECT_LT(RelErr(g1.mu[d], g2.mu[d]), 1e-9) << dn << " mu " << d;
    for (size_t k = 0; k < dn * dn; ++k) EXPECT_LT(RelErr(g1.alpha[k], g2.alpha[k]), 1e-9) << dn << " alpha " << k;
    EXPECT_LT(RelErr(g1.beta, g2.beta), 1e-9) << dn << ": " << g1.beta << " vs " << g2.beta;
    EXPECT_LT(RelErr(g1.step[1], g2.step[1]), 1e-9) << dn;
  }
}

// The four-wide (AVX2) loop rounds exactly as the two-wide (SSE2) one: the
// same bits on every x86-64. (Where the CPU lacks AVX2 both runs are SSE2.)
TEST(Hawkes, VectorWidthsGiveTheSameBits) {
  std::mt19937_64 rng(77);
  for (size_t dn : {1u, 3u, 6u, 10u, 16u}) {
    HawkesData data = RandomData(dn, 1000, 2, &rng);
    HawkesParams p = RandomParams(dn, 2, &rng);
    HawkesParams g_auto, g_sse2;
    const double ll_auto = HawkesLogLikelihood(data, p, &g_auto);
    SetHawkesSimd(HawkesSimd::kSse2);
    EXPECT_STREQ(HawkesSimdInUse(dn), "sse2");
    const double ll_sse2 = HawkesLogLikelihood(data, p, &g_sse2);
    SetHawkesSimd(HawkesSimd::kAuto);
    EXPECT_EQ(ll_auto, ll_sse2) << dn;
    EXPECT_EQ(g_auto.mu, g_sse2.mu) << dn;
    EXPECT_EQ(g_auto.alpha, g_sse2.alpha) << dn;
    EXPECT_EQ(g_auto.beta, g_sse2.beta) << dn;
    EXPECT_EQ(g_auto.step, g_sse2.step) << dn;
    HawkesParams g_direct;
    EXPECT_LT(RelErr(ll_sse2, HawkesLogLikelihoodDirect(data, p, &g_direct)), 1e-9) << dn;
    EXPECT_LT(RelErr(g_sse2.beta, g_direct.beta), 1e-9) << dn;
  }
}

TEST(Hawkes, NonPositiveIntensityGivesMinusInfinity) {
  std::mt19937_64 rng(5);
  HawkesData data = RandomData(3, 400, 1, &rng);
  HawkesParams p = RandomParams(3, 1, &rng);
  p.alpha[1 * 3 + 0] = -5;  // events in 0 push the intensity of 1 below zero
  EXPECT_EQ(HawkesLogLikelihoodDirect(data, p), -INFINITY);
  EXPECT_EQ(HawkesLogLikelihood(data, p), -INFINITY);
  HawkesParams g;
  EXPECT_EQ(HawkesLogLikelihood(data, p, &g), -INFINITY);
}

HawkesSharedParams RandomShared(size_t dn, size_t segs, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0.05, 0.6);
  HawkesSharedParams p;
  for (size_t d = 0; d < dn; ++d) {
    p.mu.push_back(u(*rng));
    p.self.push_back(u(*rng));
  }
  p.cross = u(*rng);
  p.beta = 0.5 + u(*rng) * 3;
  p.step.push_back(1);
  for (size_t k = 1; k < segs; ++k) p.step.push_back(0.3 + u(*rng) * 2);
  return p;
}

TEST(Hawkes, SharedLikelihoodAndGradientEqualTheDirectSums) {
  std::mt19937_64 rng(4321);
  for (int rep = 0; rep < 10; ++rep) {
    const size_t dn = 2 + static_cast<size_t>(rep) % 6, segs = 1 + static_cast<size_t>(rep) % 3;
    const size_t n = 60 + 70 * static_cast<size_t>(rep);
    HawkesData data = RandomData(dn, n, segs, &rng);
    HawkesSharedParams p = RandomShared(dn, segs, &rng);
    HawkesSharedParams g1;
    HawkesParams g2;
    const double fast = HawkesSharedLogLikelihood(data, p, &g1);
    const double slow = HawkesLogLikelihoodDirect(data, p.Expand(), &g2);
    ASSERT_TRUE(std::isfinite(fast));
    EXPECT_LT(RelErr(fast, slow), 1e-9) << fast << " vs " << slow;
    EXPECT_LT(RelErr(HawkesSharedLogLikelihood(data, p), fast), 1e-15);
    double cross = 0;
    for (size_t d = 0; d < dn; ++d) {
      EXPECT_LT(RelErr(g1.mu[d], g2.mu[d]), 1e-9) << "mu " << d;
      EXPECT_LT(RelErr(g1.self[d], g2.alpha[d * dn + d]), 1e-9) << "self " << d;
      for (size_t k = 0; k < dn; ++k) cross += d == k ? 0 : g2.alpha[d * dn + k];
    }
    EXPECT_LT(RelErr(g1.cross, cross / static_cast<double>(dn - 1)), 1e-9) << g1.cross;
    EXPECT_LT(RelErr(g1.beta, g2.beta), 1e-9) << g1.beta << " vs " << g2.beta;
    for (size_t k = 1; k < segs; ++k) EXPECT_LT(RelErr(g1.step[k], g2.step[k]), 1e-9) << "step " << k;
    EXPECT_NEAR(BranchingRatio(p), BranchingRatio(p.Expand()), 1e-10);
  }
}

TEST(Hawkes, BranchingRatioIsTheSpectralRadius) {
  HawkesParams p;
  p.mu = {1, 1};
  p.alpha = {0.2, 0.3, 0.4, 0.1};  // eigenvalues 0.5 and -0.2
  EXPECT_NEAR(BranchingRatio(p), 0.5, 1e-10);
  p.alpha = {0, 0.6, 0.6, 0};  // periodic: eigenvalues +-0.6
  EXPECT_NEAR(BranchingRatio(p), 0.6, 1e-10);
}

// E N_d(0, T) from an empty start: m' = -beta (I - A) m + beta mu... solved
// numerically (RK4) for the expected intensity m(t), m(0) = mu.
std::vector<double> ExpectedCounts(const HawkesParams& p, double horizon) {
  const size_t dn = p.dimensions();
  std::vector<double> m = p.mu, total(dn, 0);
  const int steps = 200000;
  const double h = horizon / steps;
  auto deriv = [&](const std::vector<double>& x) {
    std::vector<double> out(dn);
    for (size_t d = 0; d < dn; ++d) {
      double s = 0;
      for (size_t k = 0; k < dn; ++k) s += p.Alpha(d, k) * x[k];
      out[d] = -p.beta * (x[d] - s) + p.beta * p.mu[d];
    }
    return out;
  };
  for (int i = 0; i < steps; ++i) {
    auto k1 = deriv(m);
    std::vector<double> t(dn);
    for (size_t d = 0; d < dn; ++d) t[d] = m[d] + h / 2 * k1[d];
    auto k2 = deriv(t);
    for (size_t d = 0; d < dn; ++d) t[d] = m[d] + h / 2 * k2[d];
    auto k3 = deriv(t);
    for (size_t d = 0; d < dn; ++d) t[d] = m[d] + h * k3[d];
    auto k4 = deriv(t);
    std::vector<double> next(dn);
    for (size_t d = 0; d < dn; ++d) next[d] = m[d] + h / 6 * (k1[d] + 2 * k2[d] + 2 * k3[d] + k4[d]);
    for (size_t d = 0; d < dn; ++d) total[d] += h / 2 * (m[d] + next[d]);
    m = next;
  }
  return total;
}

TEST(Hawkes, SimulatedCountsMatchTheAnalyticMean) {
  HawkesParams p;
  p.mu = {0.5, 0.2};
  p.alpha = {0.4, 0.2, 0.1, 0.3};
  p.beta = 0.8;
  p.step = {1};
  const double horizon = 30;
  std::vector<double> expected = ExpectedCounts(p, horizon);
  // Stationary check of the ODE: for long horizons the rate tends to (I - A)^{-1} mu.
  std::vector<double> mean(2, 0), sq(2, 0);
  const int reps = 4000;
  for (int r = 0; r < reps; ++r) {
    auto sim = SimulateHawkes(p, 0, horizon, {}, 1000 + static_cast<uint64_t>(r));
    ASSERT_TRUE(sim.ok());
    std::vector<double> c(2, 0);
    for (uint32_t d : sim->dims) c[d] += 1;
    for (size_t d = 0; d < 2; ++d) {
      mean[d] += c[d] / reps;
      sq[d] += c[d] * c[d] / reps;
    }
  }
  for (size_t d = 0; d < 2; ++d) {
    const double se = std::sqrt((sq[d] - mean[d] * mean[d]) / reps);
    EXPECT_NEAR(mean[d], expected[d], 4 * se) << "dimension " << d << ": " << mean[d] << " vs " << expected[d];
  }
}

TEST(Hawkes, ForwardSimulationFromAnEmptyHistoryMatchesTheAnalyticMean) {
  HawkesParams p;
  p.mu = {0.3};
  p.alpha = {0.6};
  p.beta = 0.5;
  p.step = {1};
  HawkesData empty;
  empty.start = 0;
  empty.end = 10;
  auto draws = SimulateForward(empty, p, {10, 20, 40}, 20000, 9);
  ASSERT_TRUE(draws.ok());
  // From t0 = 10 the process starts empty: the expected counts on [0,10) and [0,30).
  const double first = ExpectedCounts(p, 10)[0], both = ExpectedCounts(p, 30)[0];
  double m0 = 0, m1 = 0;
  for (const auto& s : *draws) {
    m0 += s[0];
    m1 += s[1];
  }
  m0 /= static_cast<double>(draws->size());
  m1 /= static_cast<double>(draws->size());
  EXPECT_NEAR(m0, first, 0.05 * first);
  EXPECT_NEAR(m1, both - first, 0.05 * (both - first));
}

TEST(Hawkes, HistoryRaisesTheForecast) {
  HawkesParams p;
  p.mu = {0.1};
  p.alpha = {0.7};
  p.beta = 0.2;
  p.step = {1};
  HawkesData quiet, busy;
  quiet.start = busy.start = 0;
  quiet.end = busy.end = 50;
  for (int i = 0; i < 20; ++i) {
    busy.times.push_back(48 + 0.1 * i);
    busy.dims.push_back(0);
  }
  auto a = SimulateForward(quiet, p, {50, 60}, 5000, 1);
  auto b = SimulateForward(busy, p, {50, 60}, 5000, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  double ma = 0, mb = 0;
  for (const auto& s : *a) ma += s[0];
  for (const auto& s : *b) mb += s[0];
  EXPECT_GT(mb, ma * 3);
}

TEST(Hawkes, RecoversParametersFrom50000Events) {
  HawkesParams truth;
  truth.mu = {0.3, 0.2};
  truth.alpha = {0.35, 0.15, 0.10, 0.40};  // spectral radius 0.5
  truth.beta = 1.5;
  truth.step = {1, 2.0};
  const double br = BranchingRatio(truth);
  // About 50,000 events.
  auto sim = SimulateHawkes(truth, 0, 36000, {21600}, 2024);
  ASSERT_TRUE(sim.ok());
  std::printf("simulated %zu events, true branching ratio %.3f\n", sim->times.size(), br);
  ASSERT_GT(sim->times.size(), 45000u);
  ASSERT_LT(sim->times.size(), 55000u);
  auto fit = FitHawkes(*sim);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  std::printf("fitted branching ratio %.3f, beta %.3f (true %.3f), step %.3f, %d iterations\n", fit->branching_ratio,
              fit->params.beta, truth.beta, fit->params.step[1], fit->iterations);
  EXPECT_NEAR(fit->branching_ratio, br, 0.05);
  EXPECT_NEAR(fit->params.beta, truth.beta, 0.3);
  EXPECT_NEAR(fit->params.step[1], 2.0, 0.2);
  for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(fit->params.alpha[k], truth.alpha[k], 0.06) << k;
  EXPECT_GE(fit->log_likelihood, HawkesLogLikelihood(*sim, truth));
}

TEST(Hawkes, SharedCrossExcitationFitsManyDimensions) {
  HawkesParams truth;
  const size_t dn = 20;
  for (size_t d = 0; d < dn; ++d) truth.mu.push_back(0.02 + 0.01 * static_cast<double>(d % 5));
  truth.alpha.assign(dn * dn, 0.2 / static_cast<double>(dn - 1));
  for (size_t d = 0; d < dn; ++d) truth.alpha[d * dn + d] = 0.4;
  truth.beta = 0.3;
  truth.step = {1};
  auto sim = SimulateHawkes(truth, 0, 5000, {}, 77);
  ASSERT_TRUE(sim.ok());
  auto fit = FitHawkes(*sim);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->branching_ratio, BranchingRatio(truth), 0.08);
}

TEST(Hawkes, RefusesBadInput) {
  HawkesData d;
  d.dimensions = 1;
  d.end = 10;
  EXPECT_EQ(FitHawkes(d).status().code(), StatusCode::kInvalidArgument);
  d.times = {5, 3};
  d.dims = {0, 0};
  EXPECT_EQ(FitHawkes(d).status().code(), StatusCode::kInvalidArgument);
  d.times = {3, 5};
  d.dims = {0, 1};
  EXPECT_EQ(FitHawkes(d).status().code(), StatusCode::kInvalidArgument);
  HawkesParams explosive;
  explosive.mu = {1};
  explosive.alpha = {1.5};
  explosive.beta = 1;
  EXPECT_EQ(SimulateHawkes(explosive, 0, 1000, {}, 1, 10000).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace faultline
