#include "forecast/predictive.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <random>

namespace faultline {
namespace {

// The support is cut where the mass left beyond it is below kTailMass (that
// remainder is spread by normalisation), and at kMaxSupport whatever is left.
constexpr double kTailMass = 1e-13;
constexpr size_t kMaxSupport = 2'000'000;

}  // namespace

void Predictive::Finish() {
  double total = 0;
  for (double p : pmf_) {
    assert(p >= 0 && "negative probability");
    total += p;
  }
  if (!(total > 0)) {
    pmf_.assign(1, 1.0);
    total = 1;
  }
  for (double& p : pmf_) p /= total;
  // Trailing zeros carry nothing.
  while (pmf_.size() > 1 && pmf_.back() == 0) pmf_.pop_back();
  cdf_.resize(pmf_.size());
  double c = 0;
  for (size_t k = 0; k < pmf_.size(); ++k) {
    c += pmf_[k];
    cdf_[k] = std::min(c, 1.0);
  }
  cdf_.back() = 1.0;
}

Predictive Predictive::FromPmf(std::vector<double> pmf) {
  Predictive f;
  f.pmf_ = pmf.empty() ? std::vector<double>{1.0} : std::move(pmf);
  f.Finish();
  return f;
}

Predictive Predictive::FromSamples(std::vector<int64_t> samples) {
  Predictive f;
  int64_t top = 0;
  for (int64_t s : samples) top = std::max(top, s);
  f.pmf_.assign(static_cast<size_t>(top) + 1, 0.0);
  for (int64_t s : samples) f.pmf_[static_cast<size_t>(std::max<int64_t>(s, 0))] += 1;
  f.samples_ = std::move(samples);
  f.Finish();
  double m = 0, v = 0;
  for (int64_t x : f.samples_) m += static_cast<double>(x);
  m /= static_cast<double>(std::max<size_t>(1, f.samples_.size()));
  for (int64_t x : f.samples_) v += (static_cast<double>(x) - m) * (static_cast<double>(x) - m);
  v /= static_cast<double>(std::max<size_t>(1, f.samples_.size()));
  f.sample_mean_ = std::max(m, 0.05);
  f.sample_alpha_ = v > f.sample_mean_ ? (v - f.sample_mean_) / (f.sample_mean_ * f.sample_mean_) : 0;
  return f;
}

Predictive Predictive::Poisson(double mean) {
  mean = std::max(mean, 0.0);
  Predictive f;
  if (mean == 0) return f;
  const double lm = std::log(mean);
  f.pmf_.clear();
  for (size_t k = 0; k < kMaxSupport; ++k) {
    const double kd = static_cast<double>(k);
    const double p = std::exp(kd * lm - mean - std::lgamma(kd + 1));
    f.pmf_.push_back(p);
    // Past the mode the ratio of successive terms, mean/(k+1), only falls:
    // the tail is at most p rho / (1 - rho).
    const double rho = mean / (kd + 1);
    if (rho < 1 && p * rho / (1 - rho) < kTailMass) break;
  }
  f.Finish();
  return f;
}

Predictive Predictive::NegativeBinomial(double mean, double alpha) {
  mean = std::max(mean, 0.0);
  if (alpha <= 1e-9 || mean == 0) return Poisson(mean);
  Predictive f;
  f.pmf_.clear();
  const double r = 1.0 / alpha;
  // p(k) = G(k+r)/(G(r) k!) (r/(r+mu))^r (mu/(r+mu))^k
  const double log_p0 = r * (std::log(r) - std::log(r + mean));
  const double log_q = std::log(mean) - std::log(r + mean);
  const double lg_r = std::lgamma(r), q = mean / (r + mean);
  for (size_t k = 0; k < kMaxSupport; ++k) {
    const double kd = static_cast<double>(k);
    const double p = std::exp(std::lgamma(kd + r) - lg_r - std::lgamma(kd + 1) + log_p0 + kd * log_q);
    f.pmf_.push_back(p);
    // Successive terms have ratio (k+r)/(k+1) q, which moves toward q; the
    // larger of the two bounds the geometric tail.
    const double rho = std::max((kd + r) / (kd + 1) * q, q);
    if (rho < 1 && kd > mean && p * rho / (1 - rho) < kTailMass) break;
  }
  f.Finish();
  return f;
}

Predictive Predictive::Mixture(std::span<const Predictive> parts, std::span<const double> weights) {
  assert(parts.size() == weights.size());
  size_t n = 1;
  for (const auto& p : parts) n = std::max(n, p.pmf_.size());
  std::vector<double> pmf(n, 0.0);
  for (size_t m = 0; m < parts.size(); ++m) {
    for (size_t k = 0; k < parts[m].pmf_.size(); ++k) pmf[k] += weights[m] * parts[m].pmf_[k];
  }
  return FromPmf(std::move(pmf));
}

double Predictive::Pmf(int64_t y) const {
  if (y < 0 || static_cast<size_t>(y) >= pmf_.size()) return 0;
  return pmf_[static_cast<size_t>(y)];
}

double Predictive::Cdf(int64_t y) const {
  if (y < 0) return 0;
  if (static_cast<size_t>(y) >= cdf_.size()) return 1;
  return cdf_[static_cast<size_t>(y)];
}

double Predictive::Mean() const {
  double m = 0;
  for (size_t k = 0; k < pmf_.size(); ++k) m += static_cast<double>(k) * pmf_[k];
  return m;
}

int64_t Predictive::Quantile(double p) const {
  auto it = std::lower_bound(cdf_.begin(), cdf_.end(), p - 1e-12);
  if (it == cdf_.end()) return static_cast<int64_t>(cdf_.size()) - 1;
  return it - cdf_.begin();
}

std::vector<int64_t> Predictive::Draw(size_t n, uint64_t seed) const {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> out(n);
  for (auto& v : out) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
    v = it == cdf_.end() ? static_cast<int64_t>(cdf_.size()) - 1 : it - cdf_.begin();
  }
  return out;
}

double Crps(const Predictive& f, int64_t y) {
  const auto& pmf = f.pmf();
  double sum = 0, cdf = 0;
  const int64_t k_end = std::max<int64_t>(static_cast<int64_t>(pmf.size()), y);
  for (int64_t k = 0; k < k_end; ++k) {
    if (static_cast<size_t>(k) < pmf.size()) cdf = std::min(1.0, cdf + pmf[static_cast<size_t>(k)]);
    if (static_cast<size_t>(k) + 1 >= pmf.size()) cdf = 1.0;
    const double d = k < y ? cdf : 1.0 - cdf;
    sum += d * d;
  }
  return sum;
}

double SampleCrps(std::vector<double> x, double y) {
  if (x.empty()) return 0;
  std::sort(x.begin(), x.end());
  const double s = static_cast<double>(x.size());
  double abs_sum = 0, pair = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    abs_sum += std::fabs(x[i] - y);
    pair += (2.0 * static_cast<double>(i + 1) - s - 1.0) * x[i];
  }
  return abs_sum / s - pair / (s * s);
}

double PoissonCrps(double mean, int64_t y) {
  Predictive f = Predictive::Poisson(mean);
  const double yd = static_cast<double>(y);
  const double bessel = std::exp(-2 * mean) * (std::cyl_bessel_i(0.0, 2 * mean) + std::cyl_bessel_i(1.0, 2 * mean));
  return (yd - mean) * (2 * f.Cdf(y) - 1) + 2 * mean * f.Pmf(y) - mean * bessel;
}

double NormalCrps(double mean, double sd, double y) {
  const double z = (y - mean) / sd;
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
  const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
  return sd * (z * (2 * cdf - 1) + 2 * phi - 1 / std::sqrt(std::numbers::pi));
}

double LogScore(const Predictive& f, int64_t y) {
  double p = f.Pmf(y);
  if (!f.samples_.empty() && y >= 0) {
    const double s = static_cast<double>(f.samples_.size()), mu = f.sample_mean_, yd = static_cast<double>(y);
    double nb;
    if (f.sample_alpha_ <= 1e-9) {
      nb = std::exp(yd * std::log(mu) - mu - std::lgamma(yd + 1));
    } else {
      const double r = 1 / f.sample_alpha_;
      nb = std::exp(std::lgamma(yd + r) - std::lgamma(r) - std::lgamma(yd + 1) + r * (std::log(r) - std::log(r + mu)) +
                    yd * (std::log(mu) - std::log(r + mu)));
    }
    p = s / (s + 1) * p + nb / (s + 1);
  }
  return -std::log(std::max(p, kLogScoreFloor));
}

bool Covered(const Predictive& f, int64_t y, double level) {
  return y >= f.Quantile((1 - level) / 2) && y <= f.Quantile((1 + level) / 2);
}

double BrierAtLeast(const Predictive& f, int64_t y, int64_t k) {
  const double d = f.ProbAtLeast(k) - (y >= k ? 1.0 : 0.0);
  return d * d;
}

void AddPit(const Predictive& f, int64_t y, std::vector<double>* histogram) {
  const size_t bins = histogram->size();
  const double lo = f.Cdf(y - 1), hi = f.Cdf(y);
  auto conditional = [&](double u) {
    if (u <= lo) return 0.0;
    if (u >= hi) return 1.0;
    return (u - lo) / (hi - lo);
  };
  double prev = 0;
  for (size_t j = 0; j < bins; ++j) {
    const double cur = conditional(static_cast<double>(j + 1) / static_cast<double>(bins));
    (*histogram)[j] += cur - prev;
    prev = cur;
  }
}

}  // namespace faultline
