// `faultline serve` (the HTTP API and dashboard) and `faultline users`
// (accounts: add, token, revoke, list).
#ifndef FAULTLINE_CLI_SERVE_COMMANDS_H_
#define FAULTLINE_CLI_SERVE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/news_commands.h"

namespace faultline {

void AddServeCommands(CLI::App* app, const CliContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_SERVE_COMMANDS_H_
