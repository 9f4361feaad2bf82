#include "faultline/phase.h"

#include <array>

namespace faultline {
namespace {
constexpr std::array<std::string_view, 4> kPhaseTypes = {"ceasefire", "talks", "operation", "other"};
}  // namespace

std::string_view Name(PhaseType v) { return kPhaseTypes[static_cast<size_t>(v)]; }

Result<PhaseType> ParsePhaseType(std::string_view s) {
  for (size_t i = 0; i < kPhaseTypes.size(); ++i) {
    if (kPhaseTypes[i] == s) return static_cast<PhaseType>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a phase type (ceasefire, talks, operation, other)");
}

std::string ValidatePhase(const Phase& p) {
  if (p.key.empty()) return "key: empty";
  if (p.name.empty()) return "name: empty";
  if (p.end && *p.end < p.start) return "end: before start";
  for (const auto& party : p.parties) {
    if (party.empty() || party.find(';') != std::string::npos) return "parties: \"" + party + "\" is empty or has ';'";
  }
  if (!p.country.empty() && (p.country.size() != 2 || p.country[0] < 'A' || p.country[0] > 'Z' ||
                             p.country[1] < 'A' || p.country[1] > 'Z')) {
    return "country: \"" + p.country + "\" is not an ISO 3166-1 alpha-2 code";
  }
  return {};
}

}  // namespace faultline
