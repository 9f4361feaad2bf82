// `faultline claims` (published figures: add, import, list, check against
// the data and each other) and `faultline report` (a security report in
// HTML, PDF or Markdown). main.cc lends them its cube loader (perpetrators
// rolled up through the actor dictionary); tables print through cli/table.h.
#ifndef FAULTLINE_CLI_MEASURE_COMMANDS_H_
#define FAULTLINE_CLI_MEASURE_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/news_commands.h"
#include "faultline/claim.h"
#include "faultline/store.h"

namespace faultline {

class Cube;

struct MeasureContext {
  CliContext cli;
  std::function<Result<std::unique_ptr<Cube>>(Store*)> load_cube;
};

void AddMeasureCommands(CLI::App* app, const MeasureContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_MEASURE_COMMANDS_H_
