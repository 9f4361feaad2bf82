#include "cli/forecast_commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/cube.h"
#include "cli/filter_options.h"
#include "cli/table.h"
#include "common/date.h"
#include "common/progress.h"
#include "common/text.h"
#include "forecast/alerts.h"
#include "forecast/backtest.h"
#include "forecast/charts.h"
#include "forecast/models.h"
#include "forecast/panel.h"
#include "forecast/run.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;

// What every forecasting command reads: filters, the unit and period, the
// measure, horizons, the seed.
struct SeriesOptions {
  FilterOptions filter;
  std::string unit = "admin1";
  std::string period = "month";
  std::string measure = "incidents";
  int horizon = 3;
  uint64_t seed = 1;
  size_t samples = 1000;
  int64_t at_least = 5;
  int origins = 24;
  int window = 12;
  int hawkes_window = 0;
};

void AddSeriesOptions(CLI::App* cmd, SeriesOptions* o) {
  cmd->add_option("--unit", o->unit, "country, admin1 (default), admin2 or grid (0.5 degree cells)");
  cmd->add_option("--period", o->period, "week or month (default)");
  cmd->add_option("--measure", o->measure, "incidents (default) or killed");
  cmd->add_option("--horizon", o->horizon, "periods ahead (default 3)");
  cmd->add_option("--seed", o->seed, "random seed: the same seed gives the same numbers (default 1)");
  cmd->add_option("--samples", o->samples, "simulation draws per forecast (default 1000)");
  cmd->add_option("--at-least", o->at_least, "k of P(count >= k) and of the Brier score (default 5)");
  cmd->add_option("--origins", o->origins, "backtest origins (default 24)");
  cmd->add_option("--window", o->window, "periods the rolling baselines average (default 12)");
  cmd->add_option("--hawkes-window", o->hawkes_window, "periods the Hawkes model is fitted on (default all)");
  AddFilterOptions(cmd, &o->filter);
}

std::string FixedStr(double v, int digits) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Forecast listings hold fractions: JSON doubles, wider cells.
void Print(const std::string& format, const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric) {
  PrintRows(format, header, rows, numeric, TableStyle{.real_numbers = true, .max_cell = 44});
}

struct Loaded {
  std::unique_ptr<Store> store;
  Panel panel;
  Filter filter;
};

Result<Loaded> LoadPanelOf(const CliContext& ctx, const SeriesOptions& o) {
  if (o.horizon < 1) return InvalidArgument("--horizon must be at least 1");
  if (o.samples < 10) return InvalidArgument("--samples must be at least 10");
  if (o.at_least < 1) return InvalidArgument("--at-least must be at least 1");
  PanelOptions po;
  ASSIGN_OR_RETURN(po.unit, ParseUnitKind(Trim(o.unit)));
  ASSIGN_OR_RETURN(po.period, ParsePeriod(Trim(o.period)));
  ASSIGN_OR_RETURN(po.measure, ParseMeasure(Trim(o.measure)));
  Loaded l;
  ASSIGN_OR_RETURN(l.filter, BuildFilter(o.filter));
  ASSIGN_OR_RETURN(l.store, Store::Open(ctx.db_uri()));
  int64_t skipped = 0;
  auto panel = LoadPanel(l.store.get(), l.filter, po, &skipped);
  if (!panel.ok() && panel.status().message().rfind("measure:", 0) == 0) {
    return InvalidArgument("--measure: incidents or killed");
  }
  if (!panel.ok()) return panel.status();
  l.panel = std::move(panel).value();
  if (skipped > 0) std::fprintf(stderr, "(%lld incidents without coordinates left out of the grid)\n", static_cast<long long>(skipped));
  return l;
}

BacktestOptions MakeBacktestOptions(const SeriesOptions& o) {
  BacktestOptions b;
  b.origins = o.origins;
  b.horizon = o.horizon;
  b.seed = o.seed;
  b.at_least = o.at_least;
  b.model.samples = o.samples;
  b.model.window = o.window;
  b.model.hawkes_window = o.hawkes_window;
  return b;
}

Result<BacktestResult> RunBacktestWithProgress(const Panel& panel, BacktestOptions b) {
  ProgressBar bar("backtest", 0);
  b.progress = [&](size_t done, size_t total) { bar.Update(done, total); };
  auto r = RollingOriginBacktest(panel, b);
  bar.Finish();
  return r;
}

std::string FilterWords(const FilterOptions& f) {
  std::string s;
  auto add = [&](const std::string& k, const std::vector<std::string>& v) {
    if (v.empty()) return;
    std::string j;
    for (const auto& x : v) j += (j.empty() ? "" : ",") + x;
    s += (s.empty() ? "" : " ") + k + "=" + j;
  };
  if (!f.from.empty()) s += "from=" + f.from;
  if (!f.to.empty()) s += (s.empty() ? "" : " ") + std::string("to=") + f.to;
  add("country", f.countries);
  add("admin1", f.admin1);
  add("admin2", f.admin2);
  add("perpetrator", f.perpetrators);
  add("event_type", f.event_types);
  add("attack_type", f.attack_types);
  add("target", f.targets);
  return s;
}

// ---- forecast -------------------------------------------------------------

struct ForecastArgs {
  SeriesOptions series;
  std::string model = "auto";
  bool no_save = false;
  bool keep_samples = false;
};

Status RunForecast(const CliContext& ctx, const ForecastArgs& a) {
  const std::string format = ctx.format();
  ASSIGN_OR_RETURN(Loaded l, LoadPanelOf(ctx, a.series));
  const Panel& panel = l.panel;
  ForecastRunOptions fo;
  fo.model = a.model;
  fo.backtest = MakeBacktestOptions(a.series);
  ProgressBar bar("backtest", 0);
  fo.backtest.progress = [&](size_t done, size_t total) { bar.Update(done, total); };
  fo.keep_samples = a.keep_samples;
  fo.filter_words = FilterWords(a.series.filter);
  StampNow(&fo);
  auto ran = RunForecasts(panel, fo);
  bar.Finish();
  if (!ran.ok()) return ran.status();
  ForecastRun& fr = *ran;
  std::vector<ForecastRecord>& records = fr.records;
  const std::string& chosen = fr.model;
  const std::string& verdict = fr.verdict;
  const std::string& run = fr.run;
  const size_t n = panel.periods();
  if (!a.no_save) RETURN_IF_ERROR(SaveForecastRun(l.store.get(), &fr));
  if (format == "json") {
    std::cout << ForecastRunJson(fr, !a.no_save, 2) << "\n";
    return Status::Ok();
  }
  if (format == "table") {
    if (!verdict.empty()) std::printf("backtest (%d origins): %s\n", a.series.origins, verdict.c_str());
    std::printf("%s forecasts of %s per %s by %s from %s..%s (%zu units)%s%s\n", chosen.c_str(), panel.measure.c_str(),
                std::string(Name(panel.period)).c_str(), std::string(Name(panel.unit_kind)).c_str(),
                panel.Label(0).c_str(), panel.Label(n - 1).c_str(), panel.units.size(),
                fr.describe.empty() ? "" : ": ", fr.describe.c_str());
  }
  const std::string k = std::to_string(a.series.at_least);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    rows.push_back({r.unit, r.target, std::to_string(r.horizon), FixedStr(r.mean, 2), FixedStr(r.quantiles[0], 0),
                    FixedStr(r.quantiles[2], 0), FixedStr(r.quantiles[3], 0), FixedStr(r.quantiles[4], 0),
                    FixedStr(r.quantiles[6], 0), FixedStr(r.p_at_least[0], 2),
                    FixedStr(r.p_at_least[static_cast<size_t>(a.series.at_least - 1)], 2)});
  }
  Print(format, {"unit", "target", "h", "mean", "q05", "q25", "q50", "q75", "q95", "P(>=1)", "P(>=" + k + ")"}, rows,
        {false, false, true, true, true, true, true, true, true, true, true});
  if (format == "table") {
    std::printf(a.no_save ? "(not saved)\n" : "saved as run %s\n", run.c_str());
  }
  return Status::Ok();
}

// ---- backtest -------------------------------------------------------------

struct BacktestArgs {
  SeriesOptions series;
  std::vector<std::string> models;
  std::string charts;
  std::string chart_format = "png";
};

Status RunBacktest(const CliContext& ctx, const BacktestArgs& a) {
  const std::string format = ctx.format();
  if (a.chart_format != "png" && a.chart_format != "svg") return InvalidArgument("--chart-format: png or svg");
  ASSIGN_OR_RETURN(Loaded l, LoadPanelOf(ctx, a.series));
  BacktestOptions bo = MakeBacktestOptions(a.series);
  if (!a.models.empty()) {
    bo.models.clear();
    for (const auto& m : a.models) {
      const std::string name(Trim(m));
      if (name != "ensemble") {
        ASSIGN_OR_RETURN(auto probe, MakeModel(name, bo.model));
      }
      bo.models.push_back(name);
    }
    // The baselines are always scored beside the models.
    for (const char* b : {"rolling-nb", "rolling-poisson", "no-change"}) {
      if (std::find(bo.models.begin(), bo.models.end(), b) == bo.models.end()) bo.models.insert(bo.models.begin(), b);
    }
  }
  ASSIGN_OR_RETURN(BacktestResult r, RunBacktestWithProgress(l.panel, bo));
  const Panel& p = l.panel;
  if (format == "table") {
    std::printf("rolling-origin backtest of %s per %s by %s: %zu units, %zu origins (%s..%s) x horizons 1..%d, "
                "seed %llu\n",
                p.measure.c_str(), std::string(Name(p.period)).c_str(), std::string(Name(p.unit_kind)).c_str(),
                p.units.size(), r.origins.size(), p.Label(static_cast<size_t>(r.origins.front())).c_str(),
                p.Label(static_cast<size_t>(r.origins.back())).c_str(), r.horizon,
                static_cast<unsigned long long>(a.series.seed));
  }
  const std::string k = std::to_string(r.at_least);
  std::vector<std::string> header = {"model", "baseline", "crps", "log_score", "cover50", "cover80", "cover95",
                                     "brier_ge1", "brier_ge" + k};
  std::vector<bool> numeric = {false, false, true, true, true, true, true, true, true};
  for (int h = 1; h <= r.horizon; ++h) {
    header.push_back("crps_h" + std::to_string(h));
    numeric.push_back(true);
  }
  header.push_back("fallbacks");
  numeric.push_back(true);
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : r.models) {
    std::vector<std::string> row = {m.model, m.baseline ? "yes" : "", FixedStr(m.all.crps, 4),
                                    FixedStr(m.all.log_score, 4), FixedStr(m.all.cover50, 3),
                                    FixedStr(m.all.cover80, 3), FixedStr(m.all.cover95, 3),
                                    FixedStr(m.all.brier1, 4), FixedStr(m.all.brier_k, 4)};
    for (const auto& s : m.by_horizon) row.push_back(FixedStr(s.crps, 4));
    row.push_back(std::to_string(m.fallbacks));
    rows.push_back(std::move(row));
  }
  if (format == "json") {
    std::cout << BacktestJson(r, p, 2) << "\n";
  } else {
    Print(format, header, rows, numeric);
  }
  if (format == "table") {
    for (const auto& m : r.models) {
      if (!m.describe.empty()) std::printf("  %s: %s\n", m.model.c_str(), m.describe.c_str());
      if (m.fallbacks > 0) {
        std::printf("  %s could not fit at %d origins (scored as rolling-nb there): %s\n", m.model.c_str(), m.fallbacks,
                    m.last_failure.c_str());
      }
    }
    std::printf("%s\n", r.Verdict().c_str());
  }
  if (!a.charts.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.charts, ec);
    const std::string pit = a.charts + "/pit." + a.chart_format, rel = a.charts + "/reliability." + a.chart_format;
    RETURN_IF_ERROR(WritePitChart(r, pit));
    RETURN_IF_ERROR(WriteReliabilityChart(r, rel));
    std::fprintf(stderr, "charts: %s, %s\n", pit.c_str(), rel.c_str());
  }
  return Status::Ok();
}

// ---- alerts -----------------------------------------------------------------

struct AlertArgs {
  SeriesOptions series;
  std::string rules;
  std::string model = "auto";
  std::string webhook;
  int attempts = 4;
};

Result<std::vector<AlertRule>> ReadRules(const std::string& path) {
  if (path.empty()) return InvalidArgument("--rules FILE is required (a JSON array of rules; see docs/forecasting.md)");
  std::ifstream in(path);
  if (!in) return IoError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  auto rules = ParseAlertRules(ss.str());
  if (!rules.ok()) return rules.status().WithContext(path);
  return rules;
}

Status RunAlertRules(const CliContext& ctx, const AlertArgs& a) {
  ASSIGN_OR_RETURN(auto rules, ReadRules(a.rules));
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : rules) rows.push_back({r.name, std::string(Name(r.kind)), DescribeRule(r)});
  Print(ctx.format(), {"name", "kind", "fires when"}, rows, {false, false, false});
  return Status::Ok();
}

Status RunAlertList(const CliContext& ctx, AlertArgs a) {
  ASSIGN_OR_RETURN(auto rules, ReadRules(a.rules));
  for (const auto& r : rules) {
    if (r.kind == AlertRule::Kind::kProbability) a.series.horizon = std::max(a.series.horizon, r.horizon);
  }
  ASSIGN_OR_RETURN(Loaded l, LoadPanelOf(ctx, a.series));
  BacktestOptions bo = MakeBacktestOptions(a.series);
  ProgressBar bar("backtest", 0);
  bo.progress = [&](size_t done, size_t total) { bar.Update(done, total); };
  auto chosen = ForecastWithModel(l.panel, a.model, bo);
  bar.Finish();
  if (!chosen.ok()) return chosen.status();
  if (!chosen->verdict.empty() && ctx.format() == "table") {
    std::printf("model %s (%s)\n", chosen->model.c_str(), chosen->verdict.c_str());
  }
  const UnitForecasts& f = chosen->forecasts;
  std::vector<Alert> alerts = EvaluateAlerts(rules, l.panel, f);
  if (ctx.format() == "json") {
    std::cout << AlertsJson(alerts) << "\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : alerts) rows.push_back({x.rule, x.unit, x.period, FixedStr(x.value, 2), FixedStr(x.threshold, 2), x.message});
    Print(ctx.format(), {"rule", "unit", "period", "value", "threshold", "message"}, rows,
          {false, false, false, true, true, false});
    if (ctx.format() == "table") std::printf("%zu alerts from %zu rules\n", alerts.size(), rules.size());
  }
  if (!a.webhook.empty()) {
    if (alerts.empty()) {
      std::fprintf(stderr, "no alerts: nothing sent to the webhook\n");
    } else {
      WebhookOptions wo;
      wo.attempts = std::max(1, a.attempts);
      RETURN_IF_ERROR(PostWebhook(a.webhook, AlertsJson(alerts), wo));
      std::fprintf(stderr, "%zu alerts sent to %s\n", alerts.size(), a.webhook.c_str());
    }
  }
  return Status::Ok();
}

}  // namespace

void AddForecastCommands(CLI::App* app, const CliContext& ctx) {
  // Flag storage lives as long as the process (CLI11 writes into it).
  static ForecastArgs forecast_args;
  ForecastArgs* fa = &forecast_args;
  auto* fc = app->add_subcommand("forecast", "predictive distributions of attacks or killed per unit and period");
  AddSeriesOptions(fc, &fa->series);
  fc->add_option("--model", fa->model,
                 "auto (default: the backtest's winner), no-change, rolling-poisson, rolling-nb, nb-regression, "
                 "hawkes, ensemble");
  fc->add_flag("--no-save", fa->no_save, "print only; do not store the forecasts");
  fc->add_flag("--keep-samples", fa->keep_samples, "store and print the draws too");
  fc->callback([ctx, fa] { ctx.run(RunForecast(ctx, *fa)); });

  static BacktestArgs backtest_args;
  BacktestArgs* ba = &backtest_args;
  auto* bc = app->add_subcommand("backtest", "rolling-origin backtest of every model beside the three baselines");
  AddSeriesOptions(bc, &ba->series);
  bc->add_option("--models", ba->models, "models to score (default all; the baselines always)")->delimiter(',');
  bc->add_option("--charts", ba->charts, "write pit and reliability charts to this folder");
  bc->add_option("--chart-format", ba->chart_format, "png (default) or svg");
  bc->callback([ctx, ba] { ctx.run(RunBacktest(ctx, *ba)); });

  static AlertArgs alert_args;
  AlertArgs* aa = &alert_args;
  auto* al = app->add_subcommand("alerts", "alert rules on forecasts and recent change; webhook delivery");
  al->require_subcommand(1);
  auto* list = al->add_subcommand("list", "evaluate the rules now and list (and send) the alerts");
  AddSeriesOptions(list, &aa->series);
  list->add_option("--rules", aa->rules, "rules file (JSON array)")->required();
  list->add_option("--model", aa->model, "forecast model (default auto)");
  list->add_option("--webhook", aa->webhook, "POST the alerts as JSON to this URL (retried with backoff)");
  list->add_option("--attempts", aa->attempts, "webhook tries (default 4)");
  list->callback([ctx, aa] { ctx.run(RunAlertList(ctx, *aa)); });
  auto* rules = al->add_subcommand("rules", "show the rules a file sets");
  rules->add_option("--rules", aa->rules, "rules file (JSON array)")->required();
  rules->callback([ctx, aa] { ctx.run(RunAlertRules(ctx, *aa)); });
}

}  // namespace faultline
