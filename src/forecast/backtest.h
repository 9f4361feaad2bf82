// RollingOriginBacktest: every model forecasts from each of a run of
// origins using only the periods before it (the model is handed
// Panel::Truncate(origin), so it cannot see later data), and every forecast
// is scored against what then happened: CRPS, log score, coverage of the
// central 50/80/95% intervals, Brier score of P(count >= k), a PIT histogram
// and a reliability table. The ensemble's weights at an origin come only
// from forecasts whose targets lie before that origin. The model with the
// lowest mean CRPS wins; a baseline can win, and then it is the default.
// Plain functions; thread-safe (models are made per call). At each origin
// the models forecast in parallel (BacktestOptions::threads); every model
// draws from its own seed, so the scores are the same with any thread count.
#ifndef FAULTLINE_FORECAST_BACKTEST_H_
#define FAULTLINE_FORECAST_BACKTEST_H_

#include <functional>
#include <string>
#include <vector>

#include "forecast/models.h"
#include "forecast/panel.h"

namespace faultline {

struct BacktestOptions {
  int origins = 24;  // the last `origins` origins whose targets all lie in the data
  int horizon = 3;
  std::vector<std::string> models = ModelNames();  // ensemble included when named
  ModelOptions model;
  int64_t at_least = 5;  // the k of the Brier score "at least k" (P(>=1) is scored too)
  uint64_t seed = 1;
  size_t pit_bins = 10;
  size_t reliability_bins = 10;
  // Threads for the models' forecasts at an origin (each model on one
  // thread; the results do not depend on the count). 0: one per core.
  int threads = 0;
  // Called after each origin with (done, total) for a progress bar.
  std::function<void(size_t, size_t)> progress;
  // Called with every forecast made (model, origin, unit, horizon 1..H).
  std::function<void(const std::string&, int, size_t, int, const Predictive&)> on_forecast;
};

struct Scores {
  double n = 0;
  double crps = 0, log_score = 0, brier1 = 0, brier_k = 0;
  double cover50 = 0, cover80 = 0, cover95 = 0;
  void Add(const Predictive& f, int64_t y, int64_t k);
  // Means (the sums divided by n).
  Scores Mean() const;
};

struct ModelScores {
  std::string model;
  bool baseline = false;
  Scores all;                      // means over every origin, unit and horizon
  std::vector<Scores> by_horizon;  // means per horizon 1..H
  std::vector<double> pit;         // histogram, sums to 1
  // Reliability of P(count >= k): per bin of forecast probability, the mean
  // forecast, the observed frequency and the number of forecasts.
  std::vector<double> rel_forecast, rel_observed, rel_count;
  int fallbacks = 0;   // origins where the model could not fit (scored as rolling-nb)
  std::string last_failure;
  std::string describe;  // the last fit, in words
  double cpu_seconds = 0;  // CPU time of the model's fits and forecasts, summed over origins
};

struct BacktestResult {
  std::vector<int> origins;  // period indices into the panel
  int horizon = 0;
  int64_t at_least = 0;
  std::vector<ModelScores> models;
  std::string winner, best_baseline;
  double winner_crps = 0, baseline_crps = 0;
  // (baseline - winner) / baseline of mean CRPS: > 0 when a model beats every baseline.
  double improvement = 0;
  // "hawkes wins: mean CRPS 1.23 against 1.31 for rolling-nb (6.1% lower)".
  std::string Verdict() const;
};

// FailedPrecondition when the panel is too short for the origins asked
// (each needs at least 12 periods of history).
Result<BacktestResult> RollingOriginBacktest(const Panel& panel, const BacktestOptions& options);

// Inverse-mean-CRPS weights for the ensemble's parts from a backtest.
std::vector<std::pair<std::string, double>> EnsembleWeights(const BacktestResult& r);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_BACKTEST_H_
