// A phase: a span of time in which the conflict ran under one condition — a
// ceasefire, talks, a military operation (architecture §3). Phases are what
// effects are measured across and what cube cells are grouped by. Plain value
// type; thread-safe as a value.
#ifndef FAULTLINE_PHASE_H_
#define FAULTLINE_PHASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {

enum class PhaseType : uint8_t { kCeasefire, kTalks, kOperation, kOther };

std::string_view Name(PhaseType v);
// InvalidArgument listing ceasefire, talks, operation, other.
Result<PhaseType> ParsePhaseType(std::string_view s);

struct Phase {
  int64_t id = 0;           // 0 until stored
  std::string key;          // stable identity: re-importing a key updates the phase
  PhaseType type = PhaseType::kOther;
  std::string name;
  std::vector<std::string> parties;  // actor ids ("ttp", "pakistan"); no ';' in an id
  std::string country;               // ISO 3166-1 alpha-2 it applies to; "" = everywhere
  int32_t start = 0;                 // day number, inclusive
  std::optional<int32_t> end;        // inclusive; none = still running
  std::string source;                // citation: outlet, date, url
  std::string notes;

  bool Covers(int32_t day) const { return day >= start && (!end || day <= *end); }
  friend bool operator==(const Phase&, const Phase&) = default;
};

// Empty when valid; otherwise one line naming the field: empty key or name,
// end before start, a party with ';', a country that is not two letters.
std::string ValidatePhase(const Phase& phase);

}  // namespace faultline

#endif  // FAULTLINE_PHASE_H_
