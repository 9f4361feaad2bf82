// Counts as news text writes them (domain.md §2): digits ("1,200"), words
// ("twenty-one", "two hundred and fifty"), "a dozen" / "two dozen", vague
// quantities ("dozens", "scores of", "tens", "hundreds", "several"), ranges
// ("12-15", "six to nine", "between 200 and 500") and qualifiers ("at least",
// "more than", "up to", "around"). The result is a low/best/high range and
// the tokens it covers. Pure functions; thread-safe.
#ifndef FAULTLINE_EXTRACT_NUMBERS_H_
#define FAULTLINE_EXTRACT_NUMBERS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "extract/tokens.h"

namespace faultline::extract {

// How vague quantities become numbers. kProject follows domain.md §2
// ("dozens" -> at least 24, "scores" 40, "tens" 20, "hundreds" 200); kAcled
// follows ACLED's more conservative fatality convention (12, 20, 10, 100).
enum class VagueConvention : uint8_t { kProject, kAcled };

struct Count {
  std::optional<int64_t> low, best, high;
  int32_t begin = 0;  // token range covered, qualifiers included
  int32_t end = 0;
  bool vague = false;  // from a word like "dozens" or "several"
};

// Reads a count starting at token `i` (a qualifier, a number or a number
// word). nullopt when no count starts there. Stops before `limit`.
std::optional<Count> ReadCount(const std::vector<Token>& tokens, int32_t i, int32_t limit,
                               VagueConvention convention = VagueConvention::kProject);

// The value of a single number word ("one".."ninety", "hundred"...), or -1.
int64_t NumberWordValue(const Token& t);

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_NUMBERS_H_
