// A predictive distribution of one count (attacks in a district next month)
// and the proper scoring rules that judge it against what happened.
//
// Every model's forecast ends as a probability mass function on 0..K (the
// tail past K below 1e-10 is folded into K's mass, or — for a model that
// simulates — the empirical distribution of its samples, which are kept).
// Scores follow Gneiting & Raftery (2007), "Strictly proper scoring rules,
// prediction, and estimation", JASA 102:359, and for counts Czado, Gneiting
// & Held (2009), "Predictive model assessment for count data", Biometrics
// 65:1254. Plain values and functions; thread-safe.
#ifndef FAULTLINE_FORECAST_PREDICTIVE_H_
#define FAULTLINE_FORECAST_PREDICTIVE_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace faultline {

// The quantile levels every forecast reports.
inline constexpr std::array<double, 7> kQuantileLevels = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};

class Predictive {
 public:
  Predictive() : pmf_{1.0} {}
  // From probabilities on 0..K (normalised here; negative entries are an error
  // of the caller: asserted).
  static Predictive FromPmf(std::vector<double> pmf);
  // The empirical distribution of `samples` (kept for samples()).
  static Predictive FromSamples(std::vector<int64_t> samples);
  static Predictive Poisson(double mean);
  // NB2: mean mu, variance mu + alpha mu^2 (alpha <= 1e-9 is Poisson).
  static Predictive NegativeBinomial(double mean, double alpha);
  // sum_m weights[m] * parts[m] (weights normalised here).
  static Predictive Mixture(std::span<const Predictive> parts, std::span<const double> weights);

  const std::vector<double>& pmf() const { return pmf_; }
  const std::vector<int64_t>& samples() const { return samples_; }
  double Pmf(int64_t y) const;
  double Cdf(int64_t y) const;  // P(Y <= y)
  double Mean() const;
  // The smallest y with P(Y <= y) >= p.
  int64_t Quantile(double p) const;
  double ProbAtLeast(int64_t k) const { return 1.0 - Cdf(k - 1); }
  // `n` draws by inversion from a generator seeded with `seed`.
  std::vector<int64_t> Draw(size_t n, uint64_t seed) const;

 private:
  std::vector<double> pmf_;
  std::vector<double> cdf_;
  std::vector<int64_t> samples_;
  double sample_mean_ = 0, sample_alpha_ = 0;  // moment-matched NB2 of the samples
  void Finish();
  friend double LogScore(const Predictive& f, int64_t y);
};

// Continuous ranked probability score, sum over k of (F(k) - 1{y <= k})^2:
// exact for a discrete distribution on the integers (lower is better).
double Crps(const Predictive& f, int64_t y);
// The same score of the empirical distribution of `samples`,
// (1/S) sum_i |x_i - y| - 1/(2 S^2) sum_i sum_j |x_i - x_j| (Gneiting &
// Raftery 2007 eq. 21) with the double sum in its sorted form
// 2 sum_i (2i - S - 1) x_(i): O(S log S). Equals Crps(FromSamples(x), y).
double SampleCrps(std::vector<double> samples, double y);
// The closed forms the tests check against: the Poisson (Wei & Held 2014,
// "Calibration tests for count data", TEST 23:787) and the normal (Gneiting
// et al. 2005, Monthly Weather Review 133:1098).
double PoissonCrps(double mean, int64_t y);
double NormalCrps(double mean, double sd, double y);

// Logarithmic score -log p(y); probabilities below 1e-12 count as 1e-12 so
// one impossible outcome costs 27.6 rather than infinity (lower is better).
// For a forecast made of S samples, p is the empirical pmf smoothed as if
// one more sample were spread over the samples' moment-matched negative
// binomial: S/(S+1) p_emp(y) + 1/(S+1) p_NB(y) — a count no draw hit is
// unlikely, not impossible (cf. the kernel density scoringRules uses).
double LogScore(const Predictive& f, int64_t y);
inline constexpr double kLogScoreFloor = 1e-12;

// Whether y lies in the central interval [Q((1-level)/2), Q((1+level)/2)].
bool Covered(const Predictive& f, int64_t y, double level);

// Brier score of the forecast P(Y >= k) against 1{y >= k}.
double BrierAtLeast(const Predictive& f, int64_t y, int64_t k);

// Non-randomised PIT (Czado et al. 2009 eq. 2): adds the PIT's conditional
// distribution function's increments over `bins` equal bins to `histogram`
// (sized `bins`); a calibrated forecaster gives a flat histogram.
void AddPit(const Predictive& f, int64_t y, std::vector<double>* histogram);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_PREDICTIVE_H_
