// `faultline plan allocate` (force allocation as a Stackelberg security
// game: ORIGAMI, Bayesian DOBSS, quantal response) and `faultline plan
// patrol` (border patrol windows). Schedules and their seeds are secret
// (architecture §7): they go only to the file named by --schedule-out,
// created with mode 0600, and never to stdout, stderr or a log.
#ifndef FAULTLINE_CLI_PLAN_COMMANDS_H_
#define FAULTLINE_CLI_PLAN_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/news_commands.h"  // CliContext

namespace faultline {

void AddPlanCommands(CLI::App* app, const CliContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_PLAN_COMMANDS_H_
