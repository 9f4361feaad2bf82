// `faultline claims` (published figures: add, import, list, check against
// the data and each other) and `faultline report` (a security report in
// HTML, PDF or Markdown). main.cc lends them its table printer and its cube
// loader (perpetrators rolled up through the actor dictionary).
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
  // Prints rows as a table, CSV or JSON (the --format).
  std::function<void(const std::string& format, const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric)>
      print_rows;
  std::function<Result<std::unique_ptr<Cube>>(Store*)> load_cube;
};

void AddMeasureCommands(CLI::App* app, const MeasureContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_MEASURE_COMMANDS_H_
