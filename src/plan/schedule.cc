#include "plan/schedule.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/text.h"

namespace faultline {

// 53 random bits as a double in [0, 1): never 1, unlike some
// uniform_real_distribution implementations.
double UnitInterval(uint64_t bits) { return std::ldexp(static_cast<double>(bits >> 11), -53); }

Result<CombSampler> CombSampler::Create(const std::vector<double>& marginals, int slots) {
  if (slots < 0) return InvalidArgument("slots must be >= 0");
  CombSampler c;
  c.slots_ = slots;
  double sum = 0;
  for (size_t t = 0; t < marginals.size(); ++t) {
    double x = marginals[t];
    if (!(x >= -1e-9 && x <= 1 + 1e-9)) {
      return InvalidArgument("coverage of target " + std::to_string(t + 1) + " is outside [0, 1]");
    }
    sum += std::clamp(x, 0.0, 1.0);
    c.end_.push_back(sum);
  }
  if (sum > slots + 1e-6) {
    return InvalidArgument("coverage sums to " + std::to_string(sum) + ", more than the " + std::to_string(slots) +
                           " slots a day has");
  }
  // Absorb rounding so a full coverage vector never leaves a sliver of reserve.
  if (sum > slots - 1e-9 && !c.end_.empty()) {
    double scale = slots / sum;
    for (double& e : c.end_) e *= scale;
  }
  return c;
}

std::vector<int> CombSampler::Draw(double u) const {
  std::vector<int> out(slots_, -1);
  for (int i = 0; i < slots_; ++i) {
    double tooth = u + i;
    auto it = std::upper_bound(end_.begin(), end_.end(), tooth);
    if (it != end_.end()) out[i] = static_cast<int>(it - end_.begin());
  }
  return out;
}

Result<std::vector<UnitType>> ParseUnitTypes(const std::string& spec) {
  std::vector<UnitType> out;
  for (std::string_view item : Split(spec, ',')) {
    std::string s(Trim(item));
    if (s.empty()) continue;
    size_t colon = s.find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgument("--units: \"" + s + "\" is not name:count or name:countxcapacity");
    }
    UnitType u;
    u.name = s.substr(0, colon);
    std::string rest = s.substr(colon + 1);
    size_t x = rest.find('x');
    char* end = nullptr;
    std::string count = rest.substr(0, x);
    long c = std::strtol(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || c < 1 || c > 100000) {
      return InvalidArgument("--units: \"" + s + "\": count must be a whole number from 1 to 100000");
    }
    u.count = static_cast<int>(c);
    if (x != std::string::npos) {
      std::string cap = rest.substr(x + 1);
      long k = std::strtol(cap.c_str(), &end, 10);
      if (cap.empty() || *end != '\0' || k < 1 || k > 1000) {
        return InvalidArgument("--units: \"" + s + "\": capacity must be a whole number from 1 to 1000");
      }
      u.capacity = static_cast<int>(k);
    }
    out.push_back(u);
  }
  if (out.empty()) return InvalidArgument("--units: no unit types given");
  return out;
}

int TotalSlots(const std::vector<UnitType>& units) {
  int s = 0;
  for (const auto& u : units) s += u.count * u.capacity;
  return s;
}

std::vector<DayDeployment> DrawDeployments(const CombSampler& comb, const std::vector<UnitType>& units, int days,
                                           uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<DayDeployment> out;
  out.reserve(days);
  for (int d = 0; d < days; ++d) {
    std::vector<int> slots = comb.Draw(UnitInterval(rng()));
    DayDeployment day;
    size_t next = 0;
    for (const auto& type : units) {
      for (int i = 0; i < type.count; ++i) {
        UnitDeployment u{type.name + "-" + std::to_string(i + 1), {}};
        for (int c = 0; c < type.capacity && next < slots.size(); ++c) u.targets.push_back(slots[next++]);
        day.push_back(std::move(u));
      }
    }
    out.push_back(std::move(day));
  }
  return out;
}

}  // namespace faultline
