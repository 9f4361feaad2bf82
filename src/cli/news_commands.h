// `faultline ingest` (news to candidate incidents) and `faultline review`
// (the analyst's queue: list, show, accept, edit, reject, merge, split).
#ifndef FAULTLINE_CLI_NEWS_COMMANDS_H_
#define FAULTLINE_CLI_NEWS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "faultline/status.h"

namespace faultline {

struct CliContext {
  std::function<std::string()> db_uri;
  std::function<std::string()> format;  // table | csv | json
  std::function<void(Status)> run;      // records the command's status
};

void AddNewsCommands(CLI::App* app, const CliContext& ctx);

}  // namespace faultline

#endif  // FAULTLINE_CLI_NEWS_COMMANDS_H_
