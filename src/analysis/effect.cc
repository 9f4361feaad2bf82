#include "analysis/effect.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace faultline {
namespace {

using Matrix = std::vector<std::vector<double>>;
constexpr double kZ95 = 1.959963984540054;

// Inverse of a small square matrix by Gauss-Jordan with partial pivoting;
// false when it is singular.
bool Invert(Matrix a, Matrix* inv) {
  const size_t n = a.size();
  *inv = Matrix(n, std::vector<double>(n, 0));
  for (size_t i = 0; i < n; ++i) (*inv)[i][i] = 1;
  double scale = 0;
  for (const auto& row : a) {
    for (double v : row) scale = std::max(scale, std::fabs(v));
  }
  for (size_t col = 0; col < n; ++col) {
    size_t piv = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[piv][col])) piv = r;
    }
    if (std::fabs(a[piv][col]) <= 1e-13 * std::max(scale, 1e-300)) return false;
    std::swap(a[piv], a[col]);
    std::swap((*inv)[piv], (*inv)[col]);
    const double d = a[col][col];
    for (size_t k = 0; k < n; ++k) {
      a[col][k] /= d;
      (*inv)[col][k] /= d;
    }
    for (size_t r = 0; r < n; ++r) {
      if (r == col || a[r][col] == 0) continue;
      const double f = a[r][col];
      for (size_t k = 0; k < n; ++k) {
        a[r][k] -= f * a[col][k];
        (*inv)[r][k] -= f * (*inv)[col][k];
      }
    }
  }
  return true;
}

std::vector<double> MatVec(const Matrix& a, const std::vector<double>& v) {
  std::vector<double> out(a.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < v.size(); ++j) out[i] += a[i][j] * v[j];
  }
  return out;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Log-likelihood, gradient and Hessian of NB2 in (b, alpha).
struct NbEval {
  double ll = 0;
  std::vector<double> grad;  // p coefficients, then alpha
  Matrix hess;
};

NbEval Evaluate(const Matrix& x, std::span<const int64_t> y, const std::vector<double>& b, double alpha,
                bool derivatives) {
  const size_t p = b.size();
  NbEval e;
  e.grad.assign(p + 1, 0);
  if (derivatives) e.hess.assign(p + 1, std::vector<double>(p + 1, 0));
  const double r = 1 / alpha;
  for (size_t i = 0; i < y.size(); ++i) {
    const double eta = Dot(x[i], b), mu = std::exp(eta), yi = static_cast<double>(y[i]);
    const double l1am = std::log1p(alpha * mu);
    // lgamma(y + r) - lgamma(r) as a sum for integer y (exact and stable for small alpha).
    double lg = 0, dig = 0, trig = 0;
    for (int64_t k = 0; k < y[i]; ++k) {
      const double rk = r + static_cast<double>(k);
      lg += std::log(rk);
      dig += 1 / rk;
      trig += 1 / (rk * rk);
    }
    e.ll += lg - std::lgamma(yi + 1) - r * l1am + yi * (std::log(alpha) + eta) - yi * l1am;
    const double denom = 1 + alpha * mu;
    const double gb = (yi - mu) / denom;
    const double ga = (l1am - dig) / (alpha * alpha) + (yi - mu) / (alpha * denom);
    for (size_t j = 0; j < p; ++j) e.grad[j] += gb * x[i][j];
    e.grad[p] += ga;
    if (!derivatives) continue;
    const double hbb = -mu * (1 + alpha * yi) / (denom * denom);
    const double hba = -mu * (yi - mu) / (denom * denom);
    const double haa = -2 / (alpha * alpha * alpha) * (l1am - dig) +
                       (mu / denom - trig / (alpha * alpha)) / (alpha * alpha) -
                       (yi - mu) * (1 + 2 * alpha * mu) / (alpha * alpha * denom * denom);
    for (size_t j = 0; j < p; ++j) {
      for (size_t k = 0; k <= j; ++k) e.hess[j][k] += hbb * x[i][j] * x[i][k];
      e.hess[p][j] += hba * x[i][j];
    }
    e.hess[p][p] += haa;
  }
  if (derivatives) {
    for (size_t j = 0; j <= p; ++j) {
      for (size_t k = j + 1; k <= p; ++k) e.hess[j][k] = e.hess[k][j];
    }
  }
  return e;
}

// Poisson IRLS: the starting coefficients.
Result<std::vector<double>> PoissonStart(const Matrix& x, std::span<const int64_t> y) {
  const size_t p = x[0].size(), n = y.size();
  double mean = 0;
  for (auto v : y) mean += static_cast<double>(v);
  mean = std::max(mean / static_cast<double>(n), 1e-3);
  std::vector<double> b(p, 0);
  // Start from the intercept-only fit when the first column is constant.
  b[0] = std::log(mean);
  for (int it = 0; it < 50; ++it) {
    Matrix xtwx(p, std::vector<double>(p, 0));
    std::vector<double> xtwz(p, 0);
    for (size_t i = 0; i < n; ++i) {
      const double eta = Dot(x[i], b), mu = std::exp(eta);
      const double z = eta + (static_cast<double>(y[i]) - mu) / mu;
      for (size_t j = 0; j < p; ++j) {
        xtwz[j] += mu * x[i][j] * z;
        for (size_t k = 0; k < p; ++k) xtwx[j][k] += mu * x[i][j] * x[i][k];
      }
    }
    Matrix inv;
    if (!Invert(xtwx, &inv)) return InvalidArgument("effect: the design is not of full rank (too few periods?)");
    std::vector<double> nb = MatVec(inv, xtwz);
    double change = 0;
    for (size_t j = 0; j < p; ++j) {
      // Counts of zero in a whole segment push a coefficient to -inf: bound it.
      nb[j] = std::clamp(nb[j], -30.0, 30.0);
      change = std::max(change, std::fabs(nb[j] - b[j]));
    }
    b = nb;
    if (change < 1e-10) break;
  }
  return b;
}

}  // namespace

Result<NegBinFit> FitNegativeBinomial(const std::vector<std::vector<double>>& x, std::span<const int64_t> y) {
  if (x.size() != y.size() || y.empty()) return InvalidArgument("negative binomial: X and y differ in length");
  const size_t p = x[0].size();
  for (const auto& row : x) {
    if (row.size() != p) return InvalidArgument("negative binomial: ragged design matrix");
  }
  for (auto v : y) {
    if (v < 0) return InvalidArgument("negative binomial: negative count");
  }
  if (y.size() <= p + 1) return InvalidArgument("negative binomial: fewer observations than parameters");
  ASSIGN_OR_RETURN(std::vector<double> b, PoissonStart(x, y));
  // Moment start for alpha: Var = mu + alpha mu^2.
  double num = 0, den = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double mu = std::exp(Dot(x[i], b)), d = static_cast<double>(y[i]) - mu;
    num += d * d - mu;
    den += mu * mu;
  }
  double theta = std::log(std::clamp(den > 0 ? num / den : 0.1, 1e-4, 10.0));  // log alpha
  NegBinFit fit;
  NbEval e = Evaluate(x, y, b, std::exp(theta), true);
  bool converged = false;
  for (int it = 1; it <= 200 && !converged; ++it) {
    fit.iterations = it;
    const double alpha = std::exp(theta);
    // Newton in (b, theta): chain rule from (b, alpha).
    Matrix h = e.hess;
    std::vector<double> g = e.grad;
    for (size_t j = 0; j < p; ++j) {
      h[p][j] *= alpha;
      h[j][p] *= alpha;
    }
    h[p][p] = e.hess[p][p] * alpha * alpha + e.grad[p] * alpha;
    g[p] *= alpha;
    Matrix neg = h;
    for (auto& row : neg) {
      for (double& v : row) v = -v;
    }
    Matrix inv;
    std::vector<double> step;
    if (Invert(neg, &inv)) step = MatVec(inv, g);
    // Not a maximum direction (indefinite Hessian far from the optimum): gradient ascent.
    if (step.empty() || Dot(step, g) <= 0) {
      step = g;
      const double norm = std::sqrt(Dot(g, g));
      for (double& v : step) v /= std::max(1.0, norm);
    }
    double t = 1;
    for (int half = 0; half < 60; ++half, t /= 2) {
      std::vector<double> nb(p);
      for (size_t j = 0; j < p; ++j) nb[j] = b[j] + t * step[j];
      const double nt = std::clamp(theta + t * step[p], -25.0, 10.0);
      NbEval ne = Evaluate(x, y, nb, std::exp(nt), false);
      if (std::isfinite(ne.ll) && ne.ll >= e.ll - 1e-12 * std::fabs(e.ll)) {
        double biggest = 0;
        for (size_t j = 0; j < p; ++j) biggest = std::max(biggest, std::fabs(nb[j] - b[j]));
        biggest = std::max(biggest, std::fabs(nt - theta));
        b = nb;
        theta = nt;
        e = Evaluate(x, y, b, std::exp(theta), true);
        double gnorm = 0;
        for (size_t j = 0; j < p; ++j) gnorm = std::max(gnorm, std::fabs(e.grad[j]));
        if (biggest < 1e-10 || (gnorm < 1e-9 && std::fabs(e.grad[p] * std::exp(theta)) < 1e-9)) converged = true;
        break;
      }
    }
  }
  if (!converged) return FailedPrecondition("negative binomial: Newton did not converge in 200 iterations");
  fit.coef = b;
  fit.alpha = std::exp(theta);
  fit.log_likelihood = e.ll;
  Matrix neg = e.hess;
  for (auto& row : neg) {
    for (double& v : row) v = -v;
  }
  Matrix cov;
  if (!Invert(neg, &cov)) return InvalidArgument("negative binomial: information matrix is singular");
  fit.se.resize(p);
  fit.cov.assign(p, std::vector<double>(p, 0));
  for (size_t j = 0; j < p; ++j) {
    fit.se[j] = std::sqrt(std::max(cov[j][j], 0.0));
    for (size_t k = 0; k < p; ++k) fit.cov[j][k] = cov[j][k];
  }
  fit.alpha_se = std::sqrt(std::max(cov[p][p], 0.0));
  return fit;
}

Result<EffectEstimate> EstimateEffects(const Series& series, const std::vector<size_t>& boundaries,
                                       const std::vector<std::string>& labels, const EffectOptions& options) {
  const size_t n = series.values.size();
  if (boundaries.empty()) return InvalidArgument("effect: no boundary to measure");
  for (size_t b : boundaries) {
    if (b == 0 || b >= n) {
      return InvalidArgument("effect: a boundary falls outside the series (" + std::to_string(n) +
                             " periods); widen --from/--to");
    }
  }
  EffectEstimate est;
  const size_t b0 = boundaries[0];
  double periods_per_year = 0;
  switch (series.period) {
    case Period::kDay: periods_per_year = 365.25; break;
    case Period::kWeek: periods_per_year = 365.25 / 7; break;
    case Period::kMonth: periods_per_year = 12; break;
    case Period::kQuarter: periods_per_year = 4; break;
    case Period::kYear: periods_per_year = 0; break;
  }
  const bool seasonal = options.seasonality && periods_per_year > 0 && n >= 2 * periods_per_year;
  est.columns = {"intercept", "trend"};
  for (size_t k = 0; k < boundaries.size(); ++k) {
    est.columns.push_back("level_" + std::to_string(k + 1));
    if (options.slope_changes) est.columns.push_back("slope_" + std::to_string(k + 1));
  }
  if (seasonal) {
    est.columns.push_back("season_sin");
    est.columns.push_back("season_cos");
  }
  // Trend and slopes in periods, centred on the first boundary (keeps the
  // intercept interpretable and the design well conditioned).
  Matrix x;
  for (size_t t = 0; t < n; ++t) {
    std::vector<double> row = {1, static_cast<double>(t) - static_cast<double>(b0)};
    for (size_t b : boundaries) {
      row.push_back(t >= b ? 1 : 0);
      if (options.slope_changes) row.push_back(t >= b ? static_cast<double>(t - b) : 0);
    }
    if (seasonal) {
      const double angle = 2 * std::numbers::pi * static_cast<double>(series.first + static_cast<int32_t>(t)) /
                           periods_per_year;
      row.push_back(std::sin(angle));
      row.push_back(std::cos(angle));
    }
    x.push_back(std::move(row));
  }
  ASSIGN_OR_RETURN(est.fit, FitNegativeBinomial(x, series.values));
  const NegBinFit& fit = est.fit;
  const size_t per = options.slope_changes ? 2 : 1;
  auto ratio = [&](size_t j) {
    return RateRatio{std::exp(fit.coef[j]), std::exp(fit.coef[j] - kZ95 * fit.se[j]),
                     std::exp(fit.coef[j] + kZ95 * fit.se[j])};
  };
  for (size_t k = 0; k < boundaries.size(); ++k) {
    BoundaryEffect e;
    e.label = k < labels.size() ? labels[k] : "boundary " + std::to_string(k + 1);
    e.index = boundaries[k];
    const size_t lj = 2 + k * per;
    e.level = ratio(lj);
    if (options.slope_changes) e.slope = ratio(lj + 1);
    // Window: with vs without this boundary's terms, over the periods after it.
    const size_t from = boundaries[k], to = std::min(n, from + static_cast<size_t>(std::max(1, options.window_periods)));
    e.window_periods = static_cast<int>(to - from);
    double sw = 0, sv = 0;
    std::vector<double> dw(fit.coef.size(), 0), dv(fit.coef.size(), 0);
    for (size_t t = from; t < to; ++t) {
      std::vector<double> cf = x[t];
      cf[lj] = 0;
      if (options.slope_changes) cf[lj + 1] = 0;
      const double w = std::exp(Dot(x[t], fit.coef)), v = std::exp(Dot(cf, fit.coef));
      sw += w;
      sv += v;
      for (size_t j = 0; j < fit.coef.size(); ++j) {
        dw[j] += w * x[t][j];
        dv[j] += v * cf[j];
      }
    }
    std::vector<double> grad(fit.coef.size());
    for (size_t j = 0; j < grad.size(); ++j) grad[j] = dw[j] / sw - dv[j] / sv;
    const double log_r = std::log(sw / sv), var = Dot(grad, MatVec(fit.cov, grad));
    const double sd = std::sqrt(std::max(var, 0.0));
    e.window = {std::exp(log_r), std::exp(log_r - kZ95 * sd), std::exp(log_r + kZ95 * sd)};
    double before = 0, after = 0;
    size_t nb = 0, na = 0;
    for (size_t t = from >= static_cast<size_t>(e.window_periods) ? from - static_cast<size_t>(e.window_periods) : 0;
         t < from; ++t, ++nb) {
      before += static_cast<double>(series.values[t]);
    }
    for (size_t t = from; t < to; ++t, ++na) after += static_cast<double>(series.values[t]);
    e.mean_before = nb ? before / static_cast<double>(nb) : 0;
    e.mean_after = na ? after / static_cast<double>(na) : 0;
    est.effects.push_back(std::move(e));
  }
  return est;
}

std::string DescribeEffect(const BoundaryEffect& e, std::string_view what, Period period) {
  char buf[512];
  const std::string unit(Name(period));
  std::snprintf(buf, sizeof buf,
                "%.*s per %s were \xC3\x97%.2g (%.2g\xE2\x80\x93%.2g) in the %d %ss after %s, compared with the "
                "trend before it (observed mean %.1f before, %.1f after)",
                static_cast<int>(what.size()), what.data(), unit.c_str(), e.window.estimate, e.window.low,
                e.window.high, e.window_periods, unit.c_str(), e.label.c_str(), e.mean_before, e.mean_after);
  return buf;
}

}  // namespace faultline
