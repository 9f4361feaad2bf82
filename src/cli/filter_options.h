// The query filter flags every reading command shares (query, stats,
// export), and their translation to a store Filter through the gazetteer
// (admin1 expansion to former units) and the actor dictionary (affiliates).
#ifndef FAULTLINE_CLI_FILTER_OPTIONS_H_
#define FAULTLINE_CLI_FILTER_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "faultline/store.h"

namespace faultline {

struct FilterOptions {
  std::string from, to;
  std::vector<std::string> countries, admin1, admin2, perpetrators, event_types, attack_types, targets, statuses,
      sources, licenses;
  bool with_affiliates = false;
  bool no_former = false;
  int64_t min_killed = -1;
  std::string text;
  std::string bbox;
  int64_t limit = 0;
  int64_t after = 0;
};

void AddFilterOptions(CLI::App* cmd, FilterOptions* o);
Result<Filter> BuildFilter(const FilterOptions& o);

}  // namespace faultline

#endif  // FAULTLINE_CLI_FILTER_OPTIONS_H_
