// Daily deployments that realise a coverage vector exactly: systematic
// ("comb") sampling. The targets' coverages are laid end to end on [0, S),
// S = the number of slots (units x capacity), padded with a "reserve"
// stretch when they sum to less; one u ~ U[0, 1) places S teeth at
// u, u + 1, ..., u + S - 1 and each tooth picks the target under it. Since
// every coverage is at most 1, no target is picked twice, every day uses
// exactly S slots, and target t is picked with probability exactly x_t
// (Tillé, "Sampling Algorithms", 2006, §7.2; the same construction is used
// for security-game schedules by Korzhyk et al. 2010).
//
// A CombSampler is immutable after Create and thread-safe for Draw.
//
//   ASSIGN_OR_RETURN(CombSampler comb, CombSampler::Create(coverage, 10));
//   std::vector<int> today = comb.Draw(u);  // target index per slot, -1 = reserve
#ifndef FAULTLINE_PLAN_SCHEDULE_H_
#define FAULTLINE_PLAN_SCHEDULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline {

class CombSampler {
 public:
  // InvalidArgument when a marginal is outside [0, 1] (beyond 1e-9), or the
  // marginals sum to more than `slots` (beyond 1e-6), or slots < 0.
  static Result<CombSampler> Create(const std::vector<double>& marginals, int slots);

  // Slot i gets the target under tooth u + i (u in [0, 1)), or -1 when the
  // tooth falls in the reserve. Targets come out in order, each at most once.
  std::vector<int> Draw(double u) const;
  int slots() const { return slots_; }

 private:
  CombSampler() = default;
  std::vector<double> end_;  // cumulative ends; target t covers [end_[t-1], end_[t])
  int slots_ = 0;
};

// A kind of unit: `count` units, each covering `capacity` targets a shift.
struct UnitType {
  std::string name;
  int count = 1;
  int capacity = 1;
};

// Parses "police:4,army:2x3" (name:count[xcapacity]); InvalidArgument on a
// malformed item.
Result<std::vector<UnitType>> ParseUnitTypes(const std::string& spec);
int TotalSlots(const std::vector<UnitType>& units);

// The top 53 bits of `bits` as a double in [0, 1).
double UnitInterval(uint64_t bits);

// One day's deployment: for each unit (in UnitType order, then by number)
// the targets it covers; -1 marks a slot held in reserve.
struct UnitDeployment {
  std::string unit;  // "police-1"
  std::vector<int> targets;
};
using DayDeployment = std::vector<UnitDeployment>;

// `days` deployments from a seeded generator (std::mt19937_64): slots are
// handed to units in order, so a unit with capacity c gets c consecutive
// teeth (adjacent targets when the targets are in geographic order).
std::vector<DayDeployment> DrawDeployments(const CombSampler& comb, const std::vector<UnitType>& units, int days,
                                           uint64_t seed);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_SCHEDULE_H_
