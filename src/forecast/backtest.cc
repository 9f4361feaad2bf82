#include "forecast/backtest.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

namespace faultline {
namespace {

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Calls f(0) .. f(n - 1) on up to `threads` threads (this one included).
template <class F>
void ForEachParallel(size_t n, int threads, F f) {
  size_t workers = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) f(i);
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

}  // namespace

void Scores::Add(const Predictive& f, int64_t y, int64_t k) {
  n += 1;
  crps += Crps(f, y);
  log_score += LogScore(f, y);
  brier1 += BrierAtLeast(f, y, 1);
  brier_k += BrierAtLeast(f, y, k);
  cover50 += Covered(f, y, 0.5) ? 1 : 0;
  cover80 += Covered(f, y, 0.8) ? 1 : 0;
  cover95 += Covered(f, y, 0.95) ? 1 : 0;
}

Scores Scores::Mean() const {
  Scores m = *this;
  if (n == 0) return m;
  for (double* v : {&m.crps, &m.log_score, &m.brier1, &m.brier_k, &m.cover50, &m.cover80, &m.cover95}) *v /= n;
  return m;
}

std::string BacktestResult::Verdict() const {
  char buf[512];
  if (winner.empty()) return "no model could be scored";
  const bool baseline_won = winner == best_baseline;
  if (baseline_won) {
    std::snprintf(buf, sizeof buf,
                  "no model beats the baselines out of sample: %s has the lowest mean CRPS (%.4f) and is the default",
                  winner.c_str(), winner_crps);
  } else {
    std::snprintf(buf, sizeof buf,
                  "%s wins out of sample: mean CRPS %.4f against %.4f for the best baseline, %s (%.1f%% lower); it is "
                  "the default",
                  winner.c_str(), winner_crps, baseline_crps, best_baseline.c_str(), 100 * improvement);
  }
  return buf;
}

Result<BacktestResult> RollingOriginBacktest(const Panel& panel, const BacktestOptions& o) {
  const int n = static_cast<int>(panel.periods());
  const int h_max = std::max(1, o.horizon);
  constexpr int kMinHistory = 12;
  const int last_origin = n - h_max;  // the last origin whose every horizon is observed
  const int first_origin = std::max(kMinHistory, last_origin - o.origins + 1);
  if (last_origin < first_origin) {
    return FailedPrecondition("backtest: " + std::to_string(n) + " periods are too few for horizon " +
                              std::to_string(h_max) + " after " + std::to_string(kMinHistory) +
                              " periods of history");
  }
  BacktestResult r;
  r.horizon = h_max;
  r.at_least = o.at_least;
  for (int t = first_origin; t <= last_origin; ++t) r.origins.push_back(t);
  // The models (the ensemble is scored from the others' forecasts).
  std::vector<std::unique_ptr<CountModel>> models;
  bool ensemble = false;
  for (const auto& name : o.models) {
    if (name == "ensemble") {
      ensemble = true;
      continue;
    }
    ASSIGN_OR_RETURN(auto m, MakeModel(name, o.model));
    models.push_back(std::move(m));
  }
  ASSIGN_OR_RETURN(auto fallback_model, MakeModel("rolling-nb", o.model));
  const size_t n_models = models.size() + (ensemble ? 1 : 0);
  std::vector<ModelScores> ms(n_models);
  std::vector<Scores> sums(n_models);
  std::vector<std::vector<Scores>> sums_h(n_models, std::vector<Scores>(static_cast<size_t>(h_max)));
  for (size_t m = 0; m < n_models; ++m) {
    ms[m].model = m < models.size() ? std::string(models[m]->name()) : "ensemble";
    ms[m].baseline = m < models.size() && models[m]->is_baseline();
    ms[m].pit.assign(o.pit_bins, 0);
    ms[m].rel_forecast.assign(o.reliability_bins, 0);
    ms[m].rel_observed.assign(o.reliability_bins, 0);
    ms[m].rel_count.assign(o.reliability_bins, 0);
  }
  // CRPS of each part at (origin, horizon), to weigh the ensemble with
  // only what was known at a later origin.
  struct Past {
    int target;  // period index of the target
    std::vector<double> crps;  // per part: mean over units
  };
  std::vector<Past> past;
  const size_t units = panel.units.size();
  auto score = [&](size_t m, int origin, const UnitForecasts& f) {
    for (size_t u = 0; u < units; ++u) {
      for (int h = 0; h < h_max; ++h) {
        const int64_t y = panel.counts[u][static_cast<size_t>(origin + h)];
        const Predictive& p = f[u][static_cast<size_t>(h)];
        if (o.on_forecast) o.on_forecast(ms[m].model, origin, u, h + 1, p);
        sums[m].Add(p, y, o.at_least);
        sums_h[m][static_cast<size_t>(h)].Add(p, y, o.at_least);
        AddPit(p, y, &ms[m].pit);
        const double prob = p.ProbAtLeast(o.at_least);
        const size_t bin = std::min(o.reliability_bins - 1, static_cast<size_t>(prob * static_cast<double>(o.reliability_bins)));
        ms[m].rel_forecast[bin] += prob;
        ms[m].rel_observed[bin] += y >= o.at_least ? 1 : 0;
        ms[m].rel_count[bin] += 1;
      }
    }
  };
  for (size_t oi = 0; oi < r.origins.size(); ++oi) {
    const int origin = r.origins[oi];
    const Panel train = panel.Truncate(static_cast<size_t>(origin));
    const uint64_t seed = o.seed * 1000003ull + static_cast<uint64_t>(origin);
    std::vector<UnitForecasts> got(models.size());
    // Every model forecasts (in parallel: each owns its state), then they
    // are scored in order.
    std::vector<std::optional<Result<UnitForecasts>>> made(models.size());
    std::vector<double> cpu(models.size());
    ForEachParallel(models.size(), o.threads, [&](size_t m) {
      const double c0 = ThreadCpuSeconds();
      made[m] = models[m]->Forecast(train, h_max, seed);
      cpu[m] = ThreadCpuSeconds() - c0;
    });
    for (size_t m = 0; m < models.size(); ++m) ms[m].cpu_seconds += cpu[m];
    for (size_t m = 0; m < models.size(); ++m) {
      Result<UnitForecasts> f = std::move(*made[m]);
      if (!f.ok()) {
        ms[m].fallbacks += 1;
        ms[m].last_failure = f.status().message();
        ASSIGN_OR_RETURN(f, fallback_model->Forecast(train, h_max, seed));
      }
      got[m] = std::move(*f);
      score(m, origin, got[m]);
    }
    if (ensemble) {
      // Weights from the parts' scores on targets before this origin.
      std::vector<double> crps_sum(models.size(), 0), count(models.size(), 0);
      for (const Past& p : past) {
        if (p.target >= origin) continue;
        for (size_t m = 0; m < models.size(); ++m) {
          crps_sum[m] += p.crps[m];
          count[m] += 1;
        }
      }
      std::vector<double> w(models.size(), 1.0);
      for (size_t m = 0; m < models.size(); ++m) {
        if (count[m] > 0) w[m] = 1.0 / std::max(crps_sum[m] / count[m], 1e-9);
      }
      UnitForecasts ens(units, std::vector<Predictive>(static_cast<size_t>(h_max)));
      std::vector<Predictive> parts(models.size());
      for (size_t u = 0; u < units; ++u) {
        for (size_t h = 0; h < static_cast<size_t>(h_max); ++h) {
          for (size_t m = 0; m < models.size(); ++m) parts[m] = got[m][u][h];
          ens[u][h] = Predictive::Mixture(parts, w);
        }
      }
      score(models.size(), origin, ens);
    }
    for (int h = 0; h < h_max; ++h) {
      Past p{origin + h, std::vector<double>(models.size(), 0)};
      for (size_t m = 0; m < models.size(); ++m) {
        for (size_t u = 0; u < units; ++u) {
          p.crps[m] += Crps(got[m][u][static_cast<size_t>(h)], panel.counts[u][static_cast<size_t>(origin + h)]);
        }
        p.crps[m] /= static_cast<double>(units);
      }
      past.push_back(std::move(p));
    }
    if (o.progress) o.progress(oi + 1, r.origins.size());
  }
  for (size_t m = 0; m < n_models; ++m) {
    ms[m].all = sums[m].Mean();
    for (const auto& s : sums_h[m]) ms[m].by_horizon.push_back(s.Mean());
    double total = 0;
    for (double v : ms[m].pit) total += v;
    for (double& v : ms[m].pit) v = total > 0 ? v / total : 0;
    if (m < models.size()) ms[m].describe = models[m]->Describe();
  }
  // The winner: lowest mean CRPS; ties go to the simpler (earlier) model.
  double best = INFINITY, best_base = INFINITY;
  for (const auto& s : ms) {
    if (s.all.crps < best) {
      best = s.all.crps;
      r.winner = s.model;
    }
    if (s.baseline && s.all.crps < best_base) {
      best_base = s.all.crps;
      r.best_baseline = s.model;
    }
  }
  r.winner_crps = best;
  r.baseline_crps = best_base;
  r.improvement = std::isfinite(best_base) && best_base > 0 ? (best_base - best) / best_base : 0;
  if (!std::isfinite(best_base)) r.best_baseline.clear();
  r.models = std::move(ms);
  return r;
}

std::vector<std::pair<std::string, double>> EnsembleWeights(const BacktestResult& r) {
  std::vector<std::pair<std::string, double>> w;
  for (const auto& m : r.models) {
    if (m.model == "ensemble" || m.all.n == 0) continue;
    w.emplace_back(m.model, 1.0 / std::max(m.all.crps, 1e-9));
  }
  return w;
}

}  // namespace faultline
