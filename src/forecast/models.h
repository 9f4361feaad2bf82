// Count models: each takes a Panel that ends at the forecast origin (it sees
// nothing later — Panel::Truncate) and gives, for every unit and each of
// the next `horizon` periods, a predictive distribution.
//
//   no-change          Poisson with the last period's count as its mean
//   rolling-poisson    Poisson with the mean of the last w periods
//   rolling-nb         negative binomial with the last w periods' mean and
//                      (method-of-moments) variance
//   nb-regression      pooled NB2 regression for each horizon h (direct):
//                      log mu = b0 + b1 log(1 + y_{t-h}) + b2 log(1 + mean of
//                      the 12 periods to t-h) + seasonal terms + phase-type
//                      indicators; the phase in force at the origin is
//                      assumed to last
//   hawkes             the multivariate Hawkes process of hawkes.h on the
//                      incident days (jittered uniformly within each day),
//                      one dimension per unit, background stepping at phase
//                      boundaries; predictive by simulation
//   ensemble           a mixture of the others weighted by 1 / CRPS from
//                      earlier out-of-sample scores (backtest.h sets them)
//
// A model object may keep state between calls (the Hawkes fit warm-starts
// from the last one), so it is not thread-safe; use one per thread.
#ifndef FAULTLINE_FORECAST_MODELS_H_
#define FAULTLINE_FORECAST_MODELS_H_

#include <memory>
#include <string>
#include <vector>

#include "forecast/hawkes.h"
#include "forecast/panel.h"
#include "forecast/predictive.h"

namespace faultline {

// [unit][h]: the distribution of the count in period origin + h.
using UnitForecasts = std::vector<std::vector<Predictive>>;

class CountModel {
 public:
  virtual ~CountModel() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view version() const = 0;
  virtual bool is_baseline() const { return false; }
  // Forecasts the `horizon` periods after the end of `train`. Deterministic
  // for a given seed. FailedPrecondition when the model cannot fit this
  // data (too short, no events).
  virtual Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t seed) = 0;
  // A line for the report ("branching ratio 0.62, mean delay 9.1 days").
  virtual std::string Describe() const { return ""; }
};

struct ModelOptions {
  int window = 12;          // rolling baselines: periods averaged
  size_t samples = 1000;    // simulation draws (Hawkes)
  // Hawkes: fit on at most this many periods before the origin (0 = all).
  int hawkes_window = 0;
};

// Known names: no-change, rolling-poisson, rolling-nb, nb-regression, hawkes,
// ensemble. NotFound otherwise.
Result<std::unique_ptr<CountModel>> MakeModel(std::string_view name, const ModelOptions& options);
// The names of the models (the three baselines first), ensemble last.
std::vector<std::string> ModelNames();

class HawkesModel : public CountModel {
 public:
  explicit HawkesModel(const ModelOptions& o) : options_(o) {}
  std::string_view name() const override { return "hawkes"; }
  std::string_view version() const override { return "1"; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t seed) override;
  std::string Describe() const override;
  // The last fit (empty before the first).
  const HawkesFit& fit() const { return fit_; }
  bool has_fit() const { return has_fit_; }

 private:
  ModelOptions options_;
  HawkesFit fit_;
  bool has_fit_ = false;
  double day0_ = 0;
  bool scaled_ = false;
};

class EnsembleModel : public CountModel {
 public:
  explicit EnsembleModel(std::vector<std::unique_ptr<CountModel>> parts) : parts_(std::move(parts)) {
    weights_.assign(parts_.size(), 1.0);
  }
  std::string_view name() const override { return "ensemble"; }
  std::string_view version() const override { return "1"; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t seed) override;
  std::string Describe() const override;
  // Weights by component name; components not named keep weight 0.
  void SetWeights(const std::vector<std::pair<std::string, double>>& w);
  const std::vector<std::unique_ptr<CountModel>>& parts() const { return parts_; }
  const std::vector<double>& weights() const { return weights_; }

 private:
  std::vector<std::unique_ptr<CountModel>> parts_;
  std::vector<double> weights_;
};

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_MODELS_H_
