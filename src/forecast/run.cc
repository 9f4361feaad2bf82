#include "forecast/run.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "analysis/cube.h"
#include "forecast/predictive.h"

namespace faultline {

using Json = nlohmann::ordered_json;

namespace {

std::string Level(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

Result<Panel> LoadPanel(Store* store, const Filter& filter, const PanelOptions& po, int64_t* skipped) {
  if (!(po.measure == Measure::Incidents()) && !(po.measure == Measure::Killed())) {
    return InvalidArgument("measure: incidents or killed");
  }
  if (po.unit == UnitKind::kGrid) {
    ASSIGN_OR_RETURN(auto phases, store->Phases());
    return BuildGridPanel(store, filter, phases, po, skipped);
  }
  ASSIGN_OR_RETURN(auto cube, Cube::Load(store));
  ASSIGN_OR_RETURN(auto q, cube->Compile(filter, store));
  return BuildPanel(*cube, *q, filter.date_from, filter.date_to, po);
}

void StampAt(ForecastRunOptions* o, std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(now);
  const std::time_t t = system_clock::to_time_t(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  const size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ",
                static_cast<long long>(duration_cast<microseconds>(now - seconds).count()));
  o->stamp = buf;
  o->issued = static_cast<int32_t>(floor<days>(now).time_since_epoch().count());
}

void StampNow(ForecastRunOptions* o) { StampAt(o, std::chrono::system_clock::now()); }

Status SaveForecastRun(Store* store, ForecastRun* run) {
  const std::string base = run->run;
  constexpr int kTries = 100;
  for (int n = 1; n <= kTries; ++n) {
    const std::string id = n == 1 ? base : base + "-" + std::to_string(n);
    run->run = id;
    for (ForecastRecord& r : run->records) r.run = id;
    Status s = store->AddForecasts(&run->records);
    if (s.code() != StatusCode::kAlreadyExists) return s;
  }
  return AlreadyExists("forecast run \"" + base.substr(0, 120) + "\": " + std::to_string(kTries) +
                       " run ids in a row are taken");
}

Result<ChosenForecast> ForecastWithModel(const Panel& panel, const std::string& model, const BacktestOptions& bo) {
  ChosenForecast out;
  out.model = model;
  std::vector<std::pair<std::string, double>> weights;
  if (model == "auto" || model == "ensemble") {
    // The default model is the one that wins out of sample on this data.
    ASSIGN_OR_RETURN(BacktestResult r, RollingOriginBacktest(panel, bo));
    out.verdict = r.Verdict();
    weights = EnsembleWeights(r);
    if (model == "auto") out.model = r.winner;
  }
  ASSIGN_OR_RETURN(out.fitted, MakeModel(out.model, bo.model));
  if (auto* e = dynamic_cast<EnsembleModel*>(out.fitted.get()); e != nullptr && !weights.empty()) e->SetWeights(weights);
  ASSIGN_OR_RETURN(out.forecasts, out.fitted->Forecast(panel, bo.horizon, bo.seed));
  return out;
}

Result<ForecastRun> RunForecasts(const Panel& panel, const ForecastRunOptions& o) {
  const BacktestOptions& bo = o.backtest;
  ASSIGN_OR_RETURN(ChosenForecast c, ForecastWithModel(panel, o.model, bo));
  ForecastRun run;
  run.model = c.model;
  run.verdict = c.verdict;
  run.describe = c.fitted->Describe();
  run.run = o.stamp + "-" + c.model + "-seed" + std::to_string(bo.seed);
  const size_t n = panel.periods();
  const int64_t k_max = std::max<int64_t>(10, bo.at_least);
  for (size_t u = 0; u < panel.units.size(); ++u) {
    for (int h = 1; h <= bo.horizon; ++h) {
      const Predictive& p = c.forecasts[u][static_cast<size_t>(h - 1)];
      ForecastRecord r;
      r.run = run.run;
      r.model = c.model;
      r.model_version = std::string(c.fitted->version());
      r.measure = panel.measure;
      r.unit_kind = std::string(Name(panel.unit_kind));
      r.unit = panel.units[u];
      r.period = std::string(Name(panel.period));
      r.target = panel.Label(n - 1 + static_cast<size_t>(h));
      r.horizon = h;
      r.issued = o.issued;
      r.train_from = panel.PeriodFirstDayAt(0);
      r.train_to = panel.PeriodFirstDayAt(n) - 1;
      r.filter = o.filter_words;
      r.seed = static_cast<int64_t>(bo.seed);
      r.mean = p.Mean();
      for (size_t i = 0; i < kQuantileLevels.size(); ++i) r.quantiles[i] = static_cast<double>(p.Quantile(kQuantileLevels[i]));
      for (int64_t k = 1; k <= k_max; ++k) r.p_at_least.push_back(p.ProbAtLeast(k));
      if (o.keep_samples) {
        r.samples = p.samples().empty() ? p.Draw(bo.model.samples, bo.seed + u * 131 + static_cast<uint64_t>(h)) : p.samples();
      }
      run.records.push_back(std::move(r));
    }
  }
  return run;
}

ForecastRun RunOfRecords(std::vector<ForecastRecord> records) {
  ForecastRun run;
  if (!records.empty()) {
    run.run = records.front().run;
    run.model = records.front().model;
  }
  run.records = std::move(records);
  return run;
}

std::string ForecastRunJson(const ForecastRun& run, bool saved, int indent) {
  Json out;
  out["run"] = run.run;
  out["model"] = run.model;
  out["saved"] = saved;
  if (!run.verdict.empty()) out["backtest"] = run.verdict;
  out["describe"] = run.describe;
  out["forecasts"] = Json::array();
  for (const auto& r : run.records) {
    Json j = {{"unit", r.unit}, {"target", r.target}, {"horizon", r.horizon}, {"mean", r.mean}};
    Json q;
    for (size_t i = 0; i < kQuantileLevels.size(); ++i) q[Level(kQuantileLevels[i])] = r.quantiles[i];
    j["quantiles"] = q;
    j["p_at_least"] = r.p_at_least;
    if (!r.samples.empty()) j["samples"] = r.samples;
    out["forecasts"].push_back(std::move(j));
  }
  return out.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string BacktestJson(const BacktestResult& r, const Panel& p, int indent) {
  const std::string k = std::to_string(r.at_least);
  Json out;
  out["verdict"] = r.Verdict();
  out["winner"] = r.winner;
  out["best_baseline"] = r.best_baseline;
  out["improvement"] = r.improvement;
  out["origins"] = Json::array();
  for (int o : r.origins) out["origins"].push_back(p.Label(static_cast<size_t>(o)));
  out["models"] = Json::array();
  for (const auto& m : r.models) {
    Json j = {{"model", m.model}, {"baseline", m.baseline}, {"crps", m.all.crps}, {"log_score", m.all.log_score},
              {"cover50", m.all.cover50}, {"cover80", m.all.cover80}, {"cover95", m.all.cover95},
              {"brier_ge1", m.all.brier1}, {"brier_ge" + k, m.all.brier_k}, {"pit", m.pit},
              {"fallbacks", m.fallbacks}, {"describe", m.describe}};
    j["crps_by_horizon"] = Json::array();
    for (const auto& s : m.by_horizon) j["crps_by_horizon"].push_back(s.crps);
    out["models"].push_back(std::move(j));
  }
  return out.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace faultline
