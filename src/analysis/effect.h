// Effects of phase boundaries on a count series (interrupted time series):
// a segmented negative-binomial (NB2) regression
//
//   log E[y_t] = b0 + b1 t + sum_k [g_k 1(t >= T_k) + d_k (t - T_k) 1(t >= T_k)] + seasonal terms
//   Var[y_t] = mu_t + alpha mu_t^2
//
// fitted by maximum likelihood — Newton-Raphson on the coefficients and
// log alpha jointly, from a Poisson IRLS start (Cameron & Trivedi,
// Regression Analysis of Count Data, 2nd ed., §3.3) — with Wald standard
// errors from the observed information in (coefficients, alpha), as
// statsmodels' NegativeBinomial reports them. Each boundary's effect is
// given as rate ratios with 95% Wald intervals: the level change exp(g_k),
// the change in trend per period exp(d_k), and the ratio of expected counts
// over the W periods after T_k with and without that boundary's terms
// (delta method on its log). Seasonality (one sine/cosine pair per year) is
// included when the series spans at least two years.
// Plain functions; thread-safe.
#ifndef FAULTLINE_ANALYSIS_EFFECT_H_
#define FAULTLINE_ANALYSIS_EFFECT_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/cube.h"
#include "faultline/status.h"

namespace faultline {

struct NegBinFit {
  std::vector<double> coef, se;  // one per design column
  double alpha = 0, alpha_se = 0;
  std::vector<std::vector<double>> cov;  // of coef (the coefficient block)
  double log_likelihood = 0;
  int iterations = 0;
};

// ML fit of y ~ NB2(exp(X b), alpha). `x` holds one row per observation.
// InvalidArgument for mismatched sizes, negative counts, or a design that is
// not of full rank; FailedPrecondition when Newton does not converge.
Result<NegBinFit> FitNegativeBinomial(const std::vector<std::vector<double>>& x, std::span<const int64_t> y);

struct RateRatio {
  double estimate = 1, low = 1, high = 1;  // 95% Wald interval
};

struct BoundaryEffect {
  std::string label;    // "end of TTP indefinite ceasefire (2022-11-28)"
  size_t index = 0;     // first period on or after the boundary
  RateRatio level;      // immediate change
  RateRatio slope;      // change in the trend, per period
  RateRatio window;     // expected counts over `window_periods` after, with vs without this boundary
  int window_periods = 0;
  double mean_before = 0, mean_after = 0;  // observed means over window_periods either side
};

struct EffectOptions {
  int window_periods = 8;
  bool slope_changes = true;
  bool seasonality = true;  // used only when the series spans two years or more
};

struct EffectEstimate {
  std::vector<std::string> columns;  // names of the design columns
  NegBinFit fit;
  std::vector<BoundaryEffect> effects;
};

// Fits the segmented model to `series` with boundaries at the given period
// indices (into series.values; each in 1..n-1) and reports each boundary's
// effect. InvalidArgument for boundaries outside the series or too few
// periods to fit.
Result<EffectEstimate> EstimateEffects(const Series& series, const std::vector<size_t>& boundaries,
                                       const std::vector<std::string>& labels, const EffectOptions& options);

// "incidents per week were x2.3 (1.7-3.1) in the 8 weeks after the end of
// ..., compared with the trend before it".
std::string DescribeEffect(const BoundaryEffect& e, std::string_view what, Period period);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_EFFECT_H_
