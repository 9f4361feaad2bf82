// Routes of the forecast stage: stored forecast runs, new runs, rolling-
// origin backtests and alerts. The same library calls as `faultline
// forecast`, `backtest` and `alerts list` (forecast/run.h, alerts.h); the
// options have the CLI's names with underscores.
#include <algorithm>

#include "common/text.h"
#include "forecast/alerts.h"
#include "forecast/run.h"
#include "server/stage_routes.h"

namespace faultline::server {
namespace {

// Alerts when no rules are given: a surge, a change, a record.
constexpr std::string_view kDefaultRules =
    R"([{"name": "surge", "kind": "probability", "at_least": 5, "above": 0.5, "horizon": 1},)"
    R"( {"name": "change", "kind": "changepoint", "within": 4},)"
    R"( {"name": "record", "kind": "above_max", "window": 24}])";

const std::set<std::string_view>& PanelParams() {
  static const std::set<std::string_view> k = [] {
    std::set<std::string_view> s = FilterParams();
    s.insert({"unit", "period", "measure", "horizon", "seed", "samples", "at_least", "origins", "window",
              "hawkes_window", "model"});
    return s;
  }();
  return k;
}

struct PanelQuery {
  Filter filter;
  PanelOptions panel;
  BacktestOptions backtest;
  std::string model;
};

Result<PanelQuery> ParsePanelQuery(const Query& q, const StageLimits& lim, const std::string& default_model) {
  PanelQuery p;
  ASSIGN_OR_RETURN(p.filter, FilterFromQuery(q));
  ASSIGN_OR_RETURN(std::string unit, q.One("unit", "admin1"));
  auto u = ParseUnitKind(unit);
  if (!u.ok()) return u.status().WithContext("parameter unit");
  p.panel.unit = *u;
  ASSIGN_OR_RETURN(std::string period, q.One("period", "month"));
  if (period != "week" && period != "month") return InvalidArgument("parameter period: week or month");
  p.panel.period = *ParsePeriod(period);
  ASSIGN_OR_RETURN(std::string measure, q.One("measure", "incidents"));
  if (measure != "incidents" && measure != "killed") return InvalidArgument("parameter measure: incidents or killed");
  p.panel.measure = *ParseMeasure(measure);
  BacktestOptions& b = p.backtest;
  ASSIGN_OR_RETURN(int64_t horizon, q.Int("horizon", 3, 1, lim.max_horizon));
  b.horizon = static_cast<int>(horizon);
  ASSIGN_OR_RETURN(int64_t seed, q.Int("seed", 1, 0, INT64_MAX));
  b.seed = static_cast<uint64_t>(seed);
  ASSIGN_OR_RETURN(int64_t samples, q.Int("samples", 1000, 10, static_cast<int64_t>(lim.max_samples)));
  b.model.samples = static_cast<size_t>(samples);
  ASSIGN_OR_RETURN(b.at_least, q.Int("at_least", 5, 1, 1000));
  ASSIGN_OR_RETURN(int64_t origins, q.Int("origins", 24, 1, lim.max_origins));
  b.origins = static_cast<int>(origins);
  ASSIGN_OR_RETURN(int64_t window, q.Int("window", 12, 1, 520));
  b.model.window = static_cast<int>(window);
  ASSIGN_OR_RETURN(int64_t hawkes_window, q.Int("hawkes_window", 0, 0, static_cast<int64_t>(lim.max_panel_periods)));
  b.model.hawkes_window = static_cast<int>(hawkes_window);
  ASSIGN_OR_RETURN(p.model, q.One("model", default_model));
  if (p.model != "auto") {
    auto m = MakeModel(p.model, b.model);
    if (!m.ok()) return InvalidArgument("parameter model: \"" + p.model.substr(0, 40) + "\" is not auto or a model");
  }
  return p;
}

Result<Panel> LoadBoundedPanel(RouteContext& c, const PanelQuery& p, const StageLimits& lim) {
  int64_t skipped = 0;
  ASSIGN_OR_RETURN(Panel panel, LoadPanel(c.store, p.filter, p.panel, &skipped));
  if (panel.units.size() > lim.max_panel_units || panel.periods() > lim.max_panel_periods) {
    return FailedPrecondition("the panel has " + std::to_string(panel.units.size()) + " units and " +
                              std::to_string(panel.periods()) + " periods; the limits are " +
                              std::to_string(lim.max_panel_units) + " and " + std::to_string(lim.max_panel_periods) +
                              " (narrow the filters or use a coarser unit or period)");
  }
  return panel;
}

// The filter parameters in words, stored with each record.
std::string FilterWords(const httplib::Request& req) {
  std::string s;
  for (const auto& [k, v] : req.params) {
    if (FilterParams().contains(k)) s += (s.empty() ? "" : " ") + k + "=" + v;
  }
  return s;
}

// A stored run (default: the latest), optionally one unit's records.
Result<Reply> GetForecasts(RouteContext& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow({"run", "unit"}));
  ASSIGN_OR_RETURN(std::string run, q.One("run"));
  ASSIGN_OR_RETURN(auto units, q.List("unit"));
  auto records = c.store->Forecasts(run);
  if (!records.ok() && records.status().code() == StatusCode::kNotFound) {
    return NotFound(run.empty() ? "no forecast run stored yet (POST /api/v1/forecasts or `faultline forecast`)"
                                : "no forecast run \"" + run.substr(0, 80) + "\"");
  }
  if (!records.ok()) return records.status();
  std::vector<ForecastRecord> kept;
  for (auto& r : *records) {
    if (units.empty() || std::find(units.begin(), units.end(), r.unit) != units.end()) kept.push_back(std::move(r));
  }
  return Reply{200, ForecastRunJson(RunOfRecords(std::move(kept)), true, -1), "application/json", {}, false};
}

// A new run over the filters; stored unless save=false.
Result<Reply> PostForecasts(StageEnv* env, RouteContext& c) {
  Query q(c.req);
  std::set<std::string_view> allowed = PanelParams();
  allowed.insert("save");
  RETURN_IF_ERROR(q.Allow(allowed));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, false));
  if (!body.empty()) return InvalidArgument("request body: options are query parameters; send {} or nothing");
  ASSIGN_OR_RETURN(PanelQuery p, ParsePanelQuery(q, env->limits(), "auto"));
  ASSIGN_OR_RETURN(std::string save, q.One("save", "true"));
  if (save != "true" && save != "false") return InvalidArgument("parameter save: true or false");
  auto slot = env->TryHeavy();
  if (!slot.ok()) return BusyReply();
  ASSIGN_OR_RETURN(Panel panel, LoadBoundedPanel(c, p, env->limits()));
  ForecastRunOptions fo;
  fo.model = p.model;
  fo.backtest = p.backtest;
  fo.filter_words = FilterWords(c.req);
  StampNow(&fo);
  ASSIGN_OR_RETURN(ForecastRun run, RunForecasts(panel, fo));
  if (save == "true") {
    RETURN_IF_ERROR(SaveForecastRun(c.store, &run));
    c.audit("forecast run " + run.run, std::nullopt,
            Dump(Json{{"run", run.run}, {"model", run.model}, {"records", run.records.size()},
                      {"query", c.req.target.substr(0, 1000)}}));
  }
  return Reply{save == "true" ? 201 : 200, ForecastRunJson(run, save == "true", -1), "application/json", {}, false};
}

// Every model beside the baselines (or `models`), scored out of sample.
Result<Reply> GetBacktests(StageEnv* env, RouteContext& c) {
  Query q(c.req);
  std::set<std::string_view> allowed = PanelParams();
  allowed.erase("model");
  allowed.insert("models");
  RETURN_IF_ERROR(q.Allow(allowed));
  ASSIGN_OR_RETURN(PanelQuery p, ParsePanelQuery(q, env->limits(), "auto"));
  ASSIGN_OR_RETURN(auto models, q.List("models"));
  if (!models.empty()) {
    p.backtest.models.clear();
    for (const auto& m : models) {
      if (m != "ensemble" && !MakeModel(m, p.backtest.model).ok()) {
        return InvalidArgument("parameter models: \"" + m.substr(0, 40) + "\" is not a model");
      }
      p.backtest.models.push_back(m);
    }
    // The baselines are always scored beside the models.
    for (const char* b : {"rolling-nb", "rolling-poisson", "no-change"}) {
      if (std::find(p.backtest.models.begin(), p.backtest.models.end(), b) == p.backtest.models.end()) {
        p.backtest.models.insert(p.backtest.models.begin(), b);
      }
    }
  }
  auto slot = env->TryHeavy();
  if (!slot.ok()) return BusyReply();
  ASSIGN_OR_RETURN(Panel panel, LoadBoundedPanel(c, p, env->limits()));
  ASSIGN_OR_RETURN(BacktestResult r, RollingOriginBacktest(panel, p.backtest));
  return Reply{200, BacktestJson(r, panel, -1), "application/json", {}, false};
}

// The rules (a JSON array in `rules`, or the defaults) evaluated now.
Result<Reply> GetAlerts(StageEnv* env, RouteContext& c) {
  Query q(c.req);
  std::set<std::string_view> allowed = PanelParams();
  allowed.insert("rules");
  RETURN_IF_ERROR(q.Allow(allowed));
  ASSIGN_OR_RETURN(std::string rules_json, q.One("rules", std::string(kDefaultRules)));
  auto rules = ParseAlertRules(rules_json);
  if (!rules.ok()) return rules.status().WithContext("parameter rules");
  ASSIGN_OR_RETURN(PanelQuery p, ParsePanelQuery(q, env->limits(), "rolling-nb"));
  for (const auto& r : *rules) {
    if (r.kind == AlertRule::Kind::kProbability) {
      if (r.horizon > env->limits().max_horizon) return InvalidArgument("parameter rules: horizon beyond the limit");
      p.backtest.horizon = std::max(p.backtest.horizon, r.horizon);
    }
  }
  auto slot = env->TryHeavy();
  if (!slot.ok()) return BusyReply();
  ASSIGN_OR_RETURN(Panel panel, LoadBoundedPanel(c, p, env->limits()));
  ASSIGN_OR_RETURN(ChosenForecast f, ForecastWithModel(panel, p.model, p.backtest));
  std::vector<Alert> alerts = EvaluateAlerts(*rules, panel, f.forecasts);
  Json rules_out = Json::array();
  for (const auto& r : *rules) rules_out.push_back({{"name", r.name}, {"kind", Name(r.kind)}, {"fires_when", DescribeRule(r)}});
  std::string out = AlertsJson(alerts);
  // AlertsJson is an object; add the model and the rules beside its fields.
  Json j = Json::parse(out);
  j["model"] = f.model;
  j["rules"] = std::move(rules_out);
  j["periods"] = {{"from", panel.Label(0)}, {"to", panel.Label(panel.periods() - 1)}};
  return JsonReply(j);
}

}  // namespace

std::vector<RouteSpec> ForecastRoutes(std::shared_ptr<StageEnv> env) {
  auto keep = [env](auto f) { return [env, f](RouteContext& c) { return f(env.get(), c); }; };
  return {
      {"GET", "/forecasts", Access::kViewer, GetForecasts},
      {"POST", "/forecasts", Access::kAnalyst, keep(PostForecasts)},
      {"GET", "/backtests", Access::kViewer, keep(GetBacktests)},
      {"GET", "/alerts", Access::kViewer, keep(GetAlerts)},
  };
}

}  // namespace faultline::server
