// A forecast run end to end, shared by `faultline forecast|backtest|alerts`
// and the server's /forecasts, /backtests and /alerts: the panel from the
// store, the model chosen by a rolling-origin backtest ("auto") or named,
// the forecast records as stored, and their JSON. Plain functions;
// thread-safe (the store is the caller's, one thread at a time).
//
//   ASSIGN_OR_RETURN(Panel p, LoadPanel(store, filter, {.unit = UnitKind::kAdmin1}, &skipped));
//   ForecastRunOptions o;
//   o.backtest.horizon = 3;
//   ASSIGN_OR_RETURN(ForecastRun run, RunForecasts(p, o));
//   RETURN_IF_ERROR(SaveForecastRun(store, &run));
#ifndef FAULTLINE_FORECAST_RUN_H_
#define FAULTLINE_FORECAST_RUN_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "faultline/forecast.h"
#include "faultline/store.h"
#include "forecast/backtest.h"
#include "forecast/models.h"
#include "forecast/panel.h"

namespace faultline {

// The panel of `filter`'s incidents per unit and period: from the cube for
// country/admin1/admin2, from the coordinates for grid cells (incidents
// without any counted in *skipped). Errors as BuildPanel/BuildGridPanel;
// InvalidArgument for a measure other than incidents or killed.
Result<Panel> LoadPanel(Store* store, const Filter& filter, const PanelOptions& options, int64_t* skipped);

// A model fitted to the whole panel and its forecasts.
struct ChosenForecast {
  std::string model;    // the name run ("auto" resolved to the backtest's winner)
  std::string verdict;  // the backtest's verdict when one ran ("auto", "ensemble")
  std::unique_ptr<CountModel> fitted;
  UnitForecasts forecasts;
};
// `model` is a name from ModelNames(), "auto" (the backtest's winner) or
// "ensemble" (weighted by the backtest). The backtest uses `backtest`
// (origins, seed, model options); the forecast its horizon and seed.
Result<ChosenForecast> ForecastWithModel(const Panel& panel, const std::string& model, const BacktestOptions& backtest);

struct ForecastRunOptions {
  std::string model = "auto";
  BacktestOptions backtest;   // horizon, seed, at_least, model options, origins
  bool keep_samples = false;
  std::string filter_words;   // the filter in words, stored with each record
  std::string stamp;          // run id prefix (UTC to the microsecond, e.g. 20240101T000000.000000Z)
  int32_t issued = 0;         // day number of the run
};
// Sets options->stamp (UTC to the microsecond, 20240101T000000.123456Z) and
// options->issued (the day number) from `now`, or the clock.
void StampAt(ForecastRunOptions* options, std::chrono::system_clock::time_point now);
void StampNow(ForecastRunOptions* options);

struct ForecastRun {
  std::string run, model, verdict, describe;
  std::vector<ForecastRecord> records;  // per unit, horizons 1..H
};
Result<ForecastRun> RunForecasts(const Panel& panel, const ForecastRunOptions& options);

// Stores `run` under a run id no stored run holds: its own, or when another
// run already took that id (two runs of one model and seed stamped in the
// same microsecond, in one process or several) the id with "-2", "-3", ...
// appended; run->run and every record's run are set to the id stored, and
// the records' ids to theirs. Errors as Store::AddForecasts other than
// AlreadyExists; AlreadyExists only after 100 ids taken in a row.
Status SaveForecastRun(Store* store, ForecastRun* run);

// {"run", "model", "saved", "backtest"?, "describe", "forecasts": [{unit,
// target, horizon, mean, quantiles {"0.05": ...}, p_at_least, samples?}]}:
// the shape of `faultline forecast --format json`.
std::string ForecastRunJson(const ForecastRun& run, bool saved, int indent);
// A stored run (Store::Forecasts) in the same shape, saved = true.
ForecastRun RunOfRecords(std::vector<ForecastRecord> records);

// {"verdict", "winner", "best_baseline", "improvement", "origins", "models":
// [...]}: the shape of `faultline backtest --format json`.
std::string BacktestJson(const BacktestResult& result, const Panel& panel, int indent);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_RUN_H_
