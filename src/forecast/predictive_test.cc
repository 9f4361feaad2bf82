#include "forecast/predictive.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace faultline {
namespace {

TEST(Predictive, PoissonAndNegativeBinomialHaveTheirMoments) {
  for (double mu : {0.3, 2.0, 17.5, 250.0}) {
    Predictive p = Predictive::Poisson(mu);
    EXPECT_NEAR(p.Mean(), mu, 1e-9 * std::max(1.0, mu));
    Predictive nb = Predictive::NegativeBinomial(mu, 0.7);
    double m = 0, v = 0;
    for (size_t k = 0; k < nb.pmf().size(); ++k) m += static_cast<double>(k) * nb.pmf()[k];
    for (size_t k = 0; k < nb.pmf().size(); ++k) v += (static_cast<double>(k) - m) * (static_cast<double>(k) - m) * nb.pmf()[k];
    EXPECT_NEAR(m, mu, 1e-6 * std::max(1.0, mu));
    EXPECT_NEAR(v, mu + 0.7 * mu * mu, 1e-4 * (mu + 0.7 * mu * mu));
  }
}

TEST(Predictive, QuantilesAndExceedanceOfAKnownDistribution) {
  // P(0)=0.2, P(1)=0.3, P(2)=0.5.
  Predictive f = Predictive::FromPmf({0.2, 0.3, 0.5});
  EXPECT_EQ(f.Quantile(0.05), 0);
  EXPECT_EQ(f.Quantile(0.2), 0);
  EXPECT_EQ(f.Quantile(0.25), 1);
  EXPECT_EQ(f.Quantile(0.5), 1);
  EXPECT_EQ(f.Quantile(0.51), 2);
  EXPECT_NEAR(f.ProbAtLeast(1), 0.8, 1e-15);
  EXPECT_NEAR(f.ProbAtLeast(2), 0.5, 1e-15);
  EXPECT_NEAR(f.ProbAtLeast(3), 0.0, 1e-15);
  EXPECT_NEAR(f.ProbAtLeast(0), 1.0, 1e-15);
  EXPECT_NEAR(f.Mean(), 1.3, 1e-15);
}

TEST(Scores, CrpsEqualsThePoissonClosedForm) {
  for (double mu : {0.1, 1.0, 4.5, 30.0}) {
    for (int64_t y : {0, 1, 3, 7, 40}) {
      EXPECT_NEAR(Crps(Predictive::Poisson(mu), y), PoissonCrps(mu, y), 1e-10) << "mu " << mu << " y " << y;
    }
  }
}

TEST(Scores, CrpsOfADegenerateForecastIsTheAbsoluteError) {
  Predictive f = Predictive::FromPmf({0, 0, 0, 1});
  EXPECT_DOUBLE_EQ(Crps(f, 3), 0);
  EXPECT_DOUBLE_EQ(Crps(f, 0), 3);
  EXPECT_DOUBLE_EQ(Crps(f, 10), 7);
  EXPECT_DOUBLE_EQ(SampleCrps({3, 3, 3}, 10), 7);
}

TEST(Scores, SampleCrpsIsTheDirectDoubleSumAndTheEmpiricalPmfScore) {
  std::mt19937_64 rng(7);
  std::poisson_distribution<int64_t> pois(6.0);
  for (int rep = 0; rep < 20; ++rep) {
    std::vector<int64_t> xs(1 + rep * 13);
    for (auto& x : xs) x = pois(rng);
    std::vector<double> xd(xs.begin(), xs.end());
    for (int64_t y : {0, 4, 6, 15}) {
      double abs_sum = 0, pair = 0;
      for (double a : xd) {
        abs_sum += std::fabs(a - static_cast<double>(y));
        for (double b : xd) pair += std::fabs(a - b);
      }
      const double s = static_cast<double>(xd.size());
      const double direct = abs_sum / s - pair / (2 * s * s);
      EXPECT_NEAR(SampleCrps(xd, static_cast<double>(y)), direct, 1e-12 * std::max(1.0, direct));
      EXPECT_NEAR(Crps(Predictive::FromSamples(xs), y), direct, 1e-9 * std::max(1.0, direct));
    }
  }
}

TEST(Scores, SampleCrpsConvergesToTheNormalClosedForm) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> norm(2.0, 1.5);
  std::vector<double> xs(200000);
  for (double& x : xs) x = norm(rng);
  for (double y : {-1.0, 2.0, 3.3, 8.0}) {
    EXPECT_NEAR(SampleCrps(xs, y), NormalCrps(2.0, 1.5, y), 0.01) << y;
  }
  // A known value: N(0,1) at y=0 is 2 phi(0) - 1/sqrt(pi) = 0.2336949772...
  EXPECT_NEAR(NormalCrps(0, 1, 0), 0.23369497725510913, 1e-14);
}

TEST(Scores, LogScoreOfKnownProbabilities) {
  Predictive f = Predictive::FromPmf({0.25, 0.25, 0.5});
  EXPECT_NEAR(LogScore(f, 2), std::log(2.0), 1e-15);
  EXPECT_NEAR(LogScore(f, 0), std::log(4.0), 1e-15);
  EXPECT_NEAR(LogScore(f, 9), -std::log(kLogScoreFloor), 1e-12);
  EXPECT_NEAR(LogScore(Predictive::Poisson(2.0), 3), -(3 * std::log(2.0) - 2 - std::log(6.0)), 1e-12);
}

TEST(Scores, CoverageOfCentralIntervals) {
  // Uniform on 0..9: the 80% interval is [Q(0.1), Q(0.9)] = [0, 8].
  Predictive f = Predictive::FromPmf(std::vector<double>(10, 0.1));
  EXPECT_EQ(f.Quantile(0.1), 0);
  EXPECT_EQ(f.Quantile(0.9), 8);
  EXPECT_TRUE(Covered(f, 0, 0.8));
  EXPECT_TRUE(Covered(f, 8, 0.8));
  EXPECT_FALSE(Covered(f, 9, 0.8));
  // 50%: [Q(.25), Q(.75)] = [2, 7].
  EXPECT_FALSE(Covered(f, 1, 0.5));
  EXPECT_TRUE(Covered(f, 2, 0.5));
  EXPECT_TRUE(Covered(f, 7, 0.5));
  EXPECT_FALSE(Covered(f, 8, 0.5));
  // Draws from the forecast itself are covered at least at the nominal rate.
  Predictive p = Predictive::Poisson(12.0);
  auto ys = p.Draw(20000, 3);
  for (double level : {0.5, 0.8, 0.95}) {
    double hit = 0;
    for (int64_t y : ys) hit += Covered(p, y, level) ? 1 : 0;
    EXPECT_GE(hit / static_cast<double>(ys.size()), level - 0.01) << level;
    EXPECT_LE(hit / static_cast<double>(ys.size()), level + 0.12) << level;
  }
}

TEST(Scores, BrierOfAtLeastK) {
  Predictive f = Predictive::FromPmf({0.2, 0.3, 0.5});
  EXPECT_NEAR(BrierAtLeast(f, 2, 2), 0.25, 1e-15);  // (0.5 - 1)^2
  EXPECT_NEAR(BrierAtLeast(f, 0, 1), 0.64, 1e-15);  // (0.8 - 0)^2
  EXPECT_NEAR(BrierAtLeast(f, 5, 1), 0.04, 1e-15);
}

TEST(Scores, PitOfACalibratedForecastIsFlat) {
  Predictive p = Predictive::NegativeBinomial(3.0, 0.5);
  auto ys = p.Draw(50000, 5);
  std::vector<double> h(10, 0);
  for (int64_t y : ys) AddPit(p, y, &h);
  for (double v : h) EXPECT_NEAR(v / static_cast<double>(ys.size()), 0.1, 0.01);
  // An overconfident forecast (Poisson for NB data) piles up in the end bins.
  std::vector<double> h2(10, 0);
  Predictive narrow = Predictive::Poisson(3.0);
  for (int64_t y : ys) AddPit(narrow, y, &h2);
  EXPECT_GT(h2[0] + h2[9], 0.3 * static_cast<double>(ys.size()));
}

TEST(Predictive, MixtureAndDrawsAreReproducible) {
  std::vector<Predictive> parts = {Predictive::Poisson(1.0), Predictive::Poisson(10.0)};
  std::vector<double> w = {3, 1};
  Predictive m = Predictive::Mixture(parts, w);
  EXPECT_NEAR(m.Mean(), 0.75 * 1.0 + 0.25 * 10.0, 1e-9);
  EXPECT_EQ(m.Draw(100, 42), m.Draw(100, 42));
  EXPECT_NE(m.Draw(100, 42), m.Draw(100, 43));
}

}  // namespace
}  // namespace faultline
