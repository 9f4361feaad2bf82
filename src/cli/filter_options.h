// The query filter flags every reading command shares (query, stats,
// export); gazetteer/filter_spec.h turns them into a store Filter.
#ifndef FAULTLINE_CLI_FILTER_OPTIONS_H_
#define FAULTLINE_CLI_FILTER_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "gazetteer/filter_spec.h"

namespace faultline {

using FilterOptions = FilterSpec;

void AddFilterOptions(CLI::App* cmd, FilterOptions* o);

}  // namespace faultline

#endif  // FAULTLINE_CLI_FILTER_OPTIONS_H_
