// `faultline forecast` (predictive distributions per unit and period, stored
// as Forecast records), `faultline backtest` (rolling-origin scores of every
// model beside the baselines, charts) and `faultline alerts list|rules`.
#ifndef FAULTLINE_CLI_FORECAST_COMMANDS_H_
#define FAULTLINE_CLI_FORECAST_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/news_commands.h"

namespace faultline {

void AddForecastCommands(CLI::App* app, const CliContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_FORECAST_COMMANDS_H_
