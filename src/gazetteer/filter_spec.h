// The query filter as a user gives it — names, codes and dates as text, the
// shared vocabulary of the CLI's filter flags and the API's query parameters
// — and its translation to a store Filter through the gazetteer (admin1
// expansion to former units, admin2 spellings) and the actor dictionary
// (affiliates). Stateless; thread-safe (the gazetteer is immutable once
// loaded).
#ifndef FAULTLINE_GAZETTEER_FILTER_SPEC_H_
#define FAULTLINE_GAZETTEER_FILTER_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "faultline/store.h"

namespace faultline {

struct FilterSpec {
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

// InvalidArgument naming the parameter (`flag_prefix` + its name: "--from"
// for the CLI, "from" for the API) for a bad date, an inverted range, an
// unknown country or code, a malformed bbox or a negative limit.
Result<Filter> BuildFilter(const FilterSpec& spec, std::string_view flag_prefix = "--");

}  // namespace faultline

#endif  // FAULTLINE_GAZETTEER_FILTER_SPEC_H_
