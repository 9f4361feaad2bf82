#include "forecast/models.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "analysis/effect.h"

namespace faultline {
namespace {

// A mean of zero would make every later count impossible; the baselines
// keep a small floor so their log scores stay finite.
constexpr double kMinMean = 0.05;

double WindowMean(const std::vector<int64_t>& y, int w) {
  const size_t n = y.size(), from = n > static_cast<size_t>(w) ? n - static_cast<size_t>(w) : 0;
  if (n == from) return 0;
  double s = 0;
  for (size_t t = from; t < n; ++t) s += static_cast<double>(y[t]);
  return s / static_cast<double>(n - from);
}

class NoChange : public CountModel {
 public:
  std::string_view name() const override { return "no-change"; }
  std::string_view version() const override { return "1"; }
  bool is_baseline() const override { return true; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t) override {
    if (train.periods() == 0) return FailedPrecondition("no-change: no periods to train on");
    UnitForecasts out(train.units.size());
    for (size_t u = 0; u < out.size(); ++u) {
      Predictive p = Predictive::Poisson(std::max(static_cast<double>(train.counts[u].back()), kMinMean));
      out[u].assign(static_cast<size_t>(horizon), p);
    }
    return out;
  }
};

class RollingPoisson : public CountModel {
 public:
  explicit RollingPoisson(int w) : w_(w) {}
  std::string_view name() const override { return "rolling-poisson"; }
  std::string_view version() const override { return "1"; }
  bool is_baseline() const override { return true; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t) override {
    if (train.periods() == 0) return FailedPrecondition("rolling-poisson: no periods to train on");
    UnitForecasts out(train.units.size());
    for (size_t u = 0; u < out.size(); ++u) {
      out[u].assign(static_cast<size_t>(horizon), Predictive::Poisson(std::max(WindowMean(train.counts[u], w_), kMinMean)));
    }
    return out;
  }
  std::string Describe() const override { return "mean of the last " + std::to_string(w_) + " periods"; }

 private:
  int w_;
};

class RollingNb : public CountModel {
 public:
  explicit RollingNb(int w) : w_(w) {}
  std::string_view name() const override { return "rolling-nb"; }
  std::string_view version() const override { return "1"; }
  bool is_baseline() const override { return true; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t) override {
    if (train.periods() == 0) return FailedPrecondition("rolling-nb: no periods to train on");
    UnitForecasts out(train.units.size());
    for (size_t u = 0; u < out.size(); ++u) {
      const auto& y = train.counts[u];
      const size_t n = y.size(), from = n > static_cast<size_t>(w_) ? n - static_cast<size_t>(w_) : 0;
      const double m = WindowMean(y, w_);
      double v = 0;
      for (size_t t = from; t < n; ++t) v += (static_cast<double>(y[t]) - m) * (static_cast<double>(y[t]) - m);
      v = n - from > 1 ? v / static_cast<double>(n - from - 1) : m;
      const double mean = std::max(m, kMinMean);
      const double alpha = v > mean ? (v - mean) / (mean * mean) : 0;
      out[u].assign(static_cast<size_t>(horizon), Predictive::NegativeBinomial(mean, alpha));
    }
    return out;
  }
  std::string Describe() const override {
    return "mean and variance of the last " + std::to_string(w_) + " periods (method of moments)";
  }

 private:
  int w_;
};

// Pooled NB2 regression, one fit per horizon (the direct strategy: the
// covariates of a target h periods ahead are those known h periods before).
class NbRegression : public CountModel {
 public:
  std::string_view name() const override { return "nb-regression"; }
  std::string_view version() const override { return "1"; }
  Result<UnitForecasts> Forecast(const Panel& train, int horizon, uint64_t seed) override {
    const size_t n = train.periods(), units = train.units.size();
    constexpr size_t kLong = 12;
    if (n < kLong + 6) return FailedPrecondition("nb-regression: needs at least 18 periods of history");
    const double season = train.period == Period::kMonth ? 12.0 : 365.2425 / 7.0;
    const bool seasonal = static_cast<double>(n) >= 2 * season;
    UnitForecasts out(units, std::vector<Predictive>(static_cast<size_t>(horizon)));
    notes_.clear();
    for (int h = 1; h <= horizon; ++h) {
      // Covariates for target t from data up to t - h.
      auto features = [&](size_t u, size_t t, int8_t phase, std::vector<double>* x) {
        const size_t last = t - static_cast<size_t>(h);  // newest period the forecaster saw
        const auto& y = train.counts[u];
        double lm = 0;
        for (size_t k = last + 1 - kLong; k <= last; ++k) lm += static_cast<double>(y[k]);
        lm /= kLong;
        x->clear();
        x->push_back(1);
        x->push_back(std::log1p(static_cast<double>(y[last])));
        x->push_back(std::log1p(lm));
        if (seasonal) {
          const double a = 2 * std::numbers::pi * static_cast<double>(train.first + static_cast<int32_t>(t)) / season;
          x->push_back(std::sin(a));
          x->push_back(std::cos(a));
        }
        for (int type = 0; type < 4; ++type) x->push_back(phase == type ? 1 : 0);
      };
      std::vector<std::vector<double>> x;
      std::vector<int64_t> yv;
      std::vector<double> row;
      for (size_t u = 0; u < units; ++u) {
        for (size_t t = kLong - 1 + static_cast<size_t>(h); t < n; ++t) {
          // The phase at the time of the forecast, assumed to last to the target.
          features(u, t, train.phase[u][t - static_cast<size_t>(h)], &row);
          x.push_back(row);
          yv.push_back(train.counts[u][t]);
        }
      }
      // Columns that do not vary (a phase type never seen) would make the
      // design singular: keep the intercept and the columns that vary.
      const size_t p = x[0].size();
      std::vector<size_t> keep = {0};
      for (size_t j = 1; j < p; ++j) {
        bool varies = false;
        for (size_t i = 1; i < x.size() && !varies; ++i) varies = x[i][j] != x[0][j];
        if (varies) keep.push_back(j);
      }
      for (auto& r : x) {
        std::vector<double> k;
        for (size_t j : keep) k.push_back(r[j]);
        r.swap(k);
      }
      auto fit = FitNegativeBinomial(x, yv);
      if (!fit.ok()) {
        return FailedPrecondition("nb-regression (horizon " + std::to_string(h) + "): " + fit.status().message());
      }
      if (h == 1) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "h=1: b_lag=%.3f b_mean12=%.3f alpha=%.3f over %zu rows", fit->coef.size() > 1 ? fit->coef[1] : 0.0,
                      fit->coef.size() > 2 ? fit->coef[2] : 0.0, fit->alpha, x.size());
        notes_ = buf;
      }
      for (size_t u = 0; u < units; ++u) {
        const size_t t = n - 1 + static_cast<size_t>(h);
        // Target t = n - 1 + h: the newest data are at n - 1 = t - h.
        std::vector<double> full;
        {
          const size_t last = n - 1;
          const auto& y = train.counts[u];
          double lm = 0;
          for (size_t k = last + 1 - kLong; k <= last; ++k) lm += static_cast<double>(y[k]);
          lm /= kLong;
          full = {1, std::log1p(static_cast<double>(y[last])), std::log1p(lm)};
          if (seasonal) {
            const double a = 2 * std::numbers::pi * static_cast<double>(train.first + static_cast<int32_t>(t)) / season;
            full.push_back(std::sin(a));
            full.push_back(std::cos(a));
          }
          for (int type = 0; type < 4; ++type) full.push_back(train.phase[u][last] == type ? 1 : 0);
        }
        double eta = 0;
        for (size_t j = 0; j < keep.size(); ++j) eta += fit->coef[j] * full[keep[j]];
        out[u][static_cast<size_t>(h - 1)] = Predictive::NegativeBinomial(std::exp(std::min(eta, 30.0)), fit->alpha);
      }
    }
    (void)seed;
    return out;
  }
  std::string Describe() const override { return notes_; }

 private:
  std::string notes_;
};

}  // namespace

Result<UnitForecasts> HawkesModel::Forecast(const Panel& train, int horizon, uint64_t seed) {
  if (train.measure != "incidents") {
    return FailedPrecondition("hawkes models incidents as events; it does not forecast " + train.measure);
  }
  const size_t n = train.periods(), units = train.units.size();
  if (n == 0) return FailedPrecondition("hawkes: no periods to train on");
  const size_t from_t = options_.hawkes_window > 0 && n > static_cast<size_t>(options_.hawkes_window)
                            ? n - static_cast<size_t>(options_.hawkes_window)
                            : 0;
  const int32_t day_from = train.PeriodFirstDayAt(from_t), day_to = train.PeriodFirstDayAt(n);
  HawkesData data;
  data.dimensions = units;
  // Times in days since the window's start (small numbers keep precision).
  day0_ = day_from;
  data.start = 0;
  data.end = day_to - day_from;
  // Incident days are whole days: spread each within its day, reproducibly.
  std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ull);
  for (size_t i = 0; i < train.event_days.size(); ++i) {
    const int32_t d = train.event_days[i];
    if (d < day_from || d >= day_to) continue;
    data.times.push_back(static_cast<double>(d - day_from) + static_cast<double>(rng() >> 11) * 0x1.0p-53);
    data.dims.push_back(train.event_units[i]);
  }
  // Sort (jitter can reorder events of one day).
  std::vector<size_t> order(data.times.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return data.times[a] < data.times[b]; });
  HawkesData sorted = data;
  for (size_t i = 0; i < order.size(); ++i) {
    sorted.times[i] = data.times[order[i]];
    sorted.dims[i] = data.dims[order[i]];
  }
  for (int32_t b : train.phase_boundaries) {
    const double t = b - day_from;
    if (t > 0 && t < sorted.end) sorted.breaks.push_back(t);
  }
  if (sorted.times.empty()) return FailedPrecondition("hawkes: no incidents before the origin");
  HawkesFitOptions fo;
  // Warm start only when the last fit had the same segments and dimensions.
  if (has_fit_ && fit_.params.dimensions() == units && fit_.params.step.size() <= sorted.segments()) {
    fo.start = &fit_.params;
  }
  ASSIGN_OR_RETURN(HawkesFit fit, FitHawkes(sorted, fo));
  fit_ = fit;
  has_fit_ = true;
  HawkesParams sim = fit.params;
  // A supercritical fit would explode in simulation: scale the excitation
  // to a branching ratio of 0.95 for the forecast (Describe says so).
  scaled_ = fit.branching_ratio >= 0.95;
  if (scaled_) {
    for (double& a : sim.alpha) a *= 0.95 / fit.branching_ratio;
  }
  std::vector<double> edges;
  for (int h = 0; h <= horizon; ++h) edges.push_back(train.PeriodFirstDayAt(n + static_cast<size_t>(h)) - day_from);
  ASSIGN_OR_RETURN(auto draws, SimulateForward(sorted, sim, edges, options_.samples, seed));
  UnitForecasts out(units, std::vector<Predictive>(static_cast<size_t>(horizon)));
  std::vector<int64_t> xs(draws.size());
  for (size_t u = 0; u < units; ++u) {
    for (int h = 0; h < horizon; ++h) {
      for (size_t s = 0; s < draws.size(); ++s) xs[s] = draws[s][u * static_cast<size_t>(horizon) + static_cast<size_t>(h)];
      out[u][static_cast<size_t>(h)] = Predictive::FromSamples(xs);
    }
  }
  return out;
}

std::string HawkesModel::Describe() const {
  if (!has_fit_) return "";
  char buf[256];
  std::snprintf(buf, sizeof buf, "branching ratio %.2f, mean delay %.1f days, %zu background segments%s",
                fit_.branching_ratio, 1 / fit_.params.beta, fit_.params.step.size(),
                scaled_ ? " (supercritical: excitation scaled to 0.95 to simulate)" : "");
  return buf;
}

Result<UnitForecasts> EnsembleModel::Forecast(const Panel& train, int horizon, uint64_t seed) {
  std::vector<UnitForecasts> got;
  std::vector<double> w;
  for (size_t m = 0; m < parts_.size(); ++m) {
    if (weights_[m] <= 0) continue;
    auto f = parts_[m]->Forecast(train, horizon, seed + m);
    if (!f.ok()) continue;  // a part that cannot fit this data drops out
    got.push_back(std::move(*f));
    w.push_back(weights_[m]);
  }
  if (got.empty()) return FailedPrecondition("ensemble: no component could forecast");
  UnitForecasts out(train.units.size(), std::vector<Predictive>(static_cast<size_t>(horizon)));
  std::vector<Predictive> parts(got.size());
  for (size_t u = 0; u < out.size(); ++u) {
    for (size_t h = 0; h < static_cast<size_t>(horizon); ++h) {
      for (size_t m = 0; m < got.size(); ++m) parts[m] = got[m][u][h];
      out[u][h] = Predictive::Mixture(parts, w);
    }
  }
  return out;
}

void EnsembleModel::SetWeights(const std::vector<std::pair<std::string, double>>& w) {
  for (size_t m = 0; m < parts_.size(); ++m) {
    weights_[m] = 0;
    for (const auto& [name, v] : w) {
      if (name == parts_[m]->name()) weights_[m] = v;
    }
  }
}

std::string EnsembleModel::Describe() const {
  double total = 0;
  for (double v : weights_) total += v;
  std::string s = "weights";
  char buf[64];
  for (size_t m = 0; m < parts_.size(); ++m) {
    std::snprintf(buf, sizeof buf, " %s %.2f", std::string(parts_[m]->name()).c_str(), total > 0 ? weights_[m] / total : 0.0);
    s += buf;
  }
  return s;
}

std::vector<std::string> ModelNames() {
  return {"no-change", "rolling-poisson", "rolling-nb", "nb-regression", "hawkes", "ensemble"};
}

Result<std::unique_ptr<CountModel>> MakeModel(std::string_view name, const ModelOptions& options) {
  if (name == "no-change") return std::unique_ptr<CountModel>(new NoChange());
  if (name == "rolling-poisson") return std::unique_ptr<CountModel>(new RollingPoisson(options.window));
  if (name == "rolling-nb") return std::unique_ptr<CountModel>(new RollingNb(options.window));
  if (name == "nb-regression") return std::unique_ptr<CountModel>(new NbRegression());
  if (name == "hawkes") return std::unique_ptr<CountModel>(new HawkesModel(options));
  if (name == "ensemble") {
    std::vector<std::unique_ptr<CountModel>> parts;
    for (const auto& n : ModelNames()) {
      if (n == "ensemble") continue;
      ASSIGN_OR_RETURN(auto m, MakeModel(n, options));
      parts.push_back(std::move(m));
    }
    return std::unique_ptr<CountModel>(new EnsembleModel(std::move(parts)));
  }
  return NotFound("--model: no model \"" + std::string(name) +
                  "\" (no-change, rolling-poisson, rolling-nb, nb-regression, hawkes, ensemble, auto)");
}

}  // namespace faultline
