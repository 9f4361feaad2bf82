#include "analysis/effect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "test/support/test_paths.h"

namespace faultline {
namespace {

// NB2 draws as a gamma-Poisson mixture: mean mu, variance mu + alpha mu^2.
int64_t DrawNb(std::mt19937& rng, double mu, double alpha) {
  std::gamma_distribution<double> g(1 / alpha, alpha * mu);
  return std::poisson_distribution<int64_t>(g(rng))(rng);
}

Series Simulate(std::mt19937& rng, size_t n, size_t boundary, double level_rr, double slope_rr, double alpha) {
  Series s;
  s.period = Period::kWeek;
  s.first = 2000;
  for (size_t t = 0; t < n; ++t) {
    double eta = std::log(6.0) + 0.002 * (static_cast<double>(t) - static_cast<double>(boundary));
    if (t >= boundary) eta += std::log(level_rr) + std::log(slope_rr) * static_cast<double>(t - boundary);
    s.values.push_back(DrawNb(rng, std::exp(eta), alpha));
  }
  return s;
}

TEST(Effect, RecoversKnownLevelAndSlopeChanges) {
  std::mt19937 rng(12);
  int level_covered = 0, window_covered = 0;
  double level_log_sum = 0;
  const int rounds = 40;
  for (int round = 0; round < rounds; ++round) {
    Series s = Simulate(rng, 160, 80, 2.0, 1.0, 0.15);
    EffectOptions opt;
    opt.seasonality = false;
    auto est = EstimateEffects(s, {80}, {"the boundary"}, opt);
    ASSERT_TRUE(est.ok()) << est.status().ToString();
    const BoundaryEffect& e = est->effects[0];
    level_covered += e.level.low <= 2.0 && 2.0 <= e.level.high;
    window_covered += e.window.low <= 2.0 && 2.0 <= e.window.high;  // slope 1: the window ratio is 2 too
    level_log_sum += std::log(e.level.estimate);
    EXPECT_LT(e.level.low, e.level.estimate);
    EXPECT_GT(e.level.high, e.level.estimate);
    EXPECT_NEAR(est->fit.alpha, 0.15, 0.15);
  }
  // 95% intervals: about 38 of 40 cover; allow sampling noise.
  EXPECT_GE(level_covered, 34);
  EXPECT_GE(window_covered, 34);
  EXPECT_NEAR(std::exp(level_log_sum / rounds), 2.0, 0.15);
}

TEST(Effect, RecoversAGradualChangeAndNoChange) {
  std::mt19937 rng(4);
  Series s = Simulate(rng, 300, 150, 1.0, 1.01, 0.05);
  auto est = EstimateEffects(s, {150}, {}, {.window_periods = 8, .slope_changes = true, .seasonality = false});
  ASSERT_TRUE(est.ok());
  EXPECT_LT(est->effects[0].slope.low, 1.01);
  EXPECT_GT(est->effects[0].slope.high, 1.01);
  EXPECT_GT(est->effects[0].slope.low, 1.0);  // a 1%/week change over 150 weeks is detectable
  Series flat = Simulate(rng, 200, 100, 1.0, 1.0, 0.1);
  auto none = EstimateEffects(flat, {100}, {}, {.seasonality = true});
  ASSERT_TRUE(none.ok());
  EXPECT_LT(none->effects[0].level.low, 1.0);
  EXPECT_GT(none->effects[0].level.high, 1.0);
  EXPECT_EQ(EstimateEffects(flat, {0}, {}, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EstimateEffects(flat, {}, {}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(Effect, DescribesInWordsAndNumbers) {
  BoundaryEffect e;
  e.label = "the end of the ceasefire";
  e.window = {2.31, 1.7, 3.12};
  e.window_periods = 8;
  e.mean_before = 3;
  e.mean_after = 7;
  std::string s = DescribeEffect(e, "attacks", Period::kWeek);
  EXPECT_EQ(s.substr(0, 68), "attacks per week were \xC3\x97" "2.3 (1.7\xE2\x80\x93" "3.1) in the 8 weeks after the end");
}

// The fit against an independent implementation: statsmodels'
// NegativeBinomial (NB2, Newton) on one fixed dataset, written out here.
TEST(Effect, AgreesWithStatsmodels) {
  const char* python = "/usr/bin/python3";
  if (std::system("/usr/bin/python3 -c 'import statsmodels' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Debian's python3-statsmodels is not installed (scripts/install-deps.sh installs it): the "
                    "comparison with an independent NB2 fit is skipped";
  }
  std::mt19937 rng(99);
  Series s = Simulate(rng, 150, 70, 1.8, 0.995, 0.3);
  std::vector<std::vector<double>> x;
  for (size_t t = 0; t < s.values.size(); ++t) {
    double tt = static_cast<double>(t) - 70;
    x.push_back({1, tt, t >= 70 ? 1.0 : 0.0, t >= 70 ? tt : 0.0, std::sin(2 * M_PI * static_cast<double>(t) / 52.18),
                 std::cos(2 * M_PI * static_cast<double>(t) / 52.18)});
  }
  auto fit = FitNegativeBinomial(x, s.values);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  testing::TempDir tmp;
  {
    std::ofstream out(tmp.file("data.csv"));
    out.precision(17);
    for (size_t i = 0; i < x.size(); ++i) {
      out << s.values[i];
      for (double v : x[i]) out << "," << v;
      out << "\n";
    }
  }
  std::string script = tmp.file("fit.py");
  {
    std::ofstream py(script);
    py << "import numpy as np, statsmodels.api as sm, warnings\n"
          "warnings.simplefilter('ignore')\n"
          "d = np.loadtxt('" << tmp.file("data.csv") << "', delimiter=',')\n"
          "y, X = d[:, 0], d[:, 1:]\n"
          "r = sm.NegativeBinomial(y, X, loglike_method='nb2').fit(method='newton', maxiter=300, tol=1e-12, disp=0)\n"
          "print(' '.join(repr(v) for v in r.params))\n"
          "print(' '.join(repr(v) for v in r.bse))\n"
          "print(repr(r.llf))\n";
  }
  std::string cmd = std::string(python) + " " + script;
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buf[4096];
  while (size_t got = fread(buf, 1, sizeof buf, pipe)) text.append(buf, got);
  ASSERT_EQ(pclose(pipe), 0) << text;
  std::istringstream in(text);
  std::vector<double> params(7), bse(7);
  double llf = 0;
  for (double& v : params) in >> v;
  for (double& v : bse) in >> v;
  in >> llf;
  ASSERT_TRUE(in) << text;
  for (size_t j = 0; j < 6; ++j) {
    EXPECT_NEAR(fit->coef[j], params[j], 1e-4 * std::max(1.0, std::fabs(params[j]))) << "coefficient " << j;
    EXPECT_NEAR(fit->se[j], bse[j], 1e-4 * std::max(1.0, std::fabs(bse[j]))) << "standard error " << j;
    // 95% Wald interval ends, as statsmodels' conf_int computes them.
    EXPECT_NEAR(fit->coef[j] - 1.959963984540054 * fit->se[j], params[j] - 1.959963984540054 * bse[j], 1e-4);
  }
  EXPECT_NEAR(fit->alpha, params[6], 1e-4 * std::max(1.0, params[6]));
  EXPECT_NEAR(fit->alpha_se, bse[6], 1e-4 * std::max(1.0, bse[6]));
  EXPECT_NEAR(fit->log_likelihood, llf, 1e-6 * std::fabs(llf));
  std::printf("NB2 fit vs statsmodels: alpha %.6f vs %.6f, level %.6f vs %.6f (se %.6f vs %.6f)\n", fit->alpha,
              params[6], fit->coef[2], params[2], fit->se[2], bse[2]);
}

}  // namespace
}  // namespace faultline
