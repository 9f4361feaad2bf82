// Stackelberg security games (domain.md §7): the defender commits to a
// randomised coverage of n targets with m identical resources; the attacker
// sees the coverage (never the day's draw) and attacks the target that is
// best for it. A target's payoffs are linear in its coverage x in [0, 1]:
//   U(x) = x * covered + (1 - x) * uncovered.
// Ties among the attacker's best targets are broken in the defender's favour
// (strong Stackelberg equilibrium, SSE) by every solver in this folder.
//
// Plain data; thread-safe to share read-only.
#ifndef FAULTLINE_PLAN_GAME_H_
#define FAULTLINE_PLAN_GAME_H_

#include <optional>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline {

// One target's payoffs. Security-game structure (checked by ValidateGame):
// covering helps the defender (defender_covered > defender_uncovered) and
// hurts the attacker (attacker_covered < attacker_uncovered).
struct Payoffs {
  double defender_covered = 0, defender_uncovered = 0;
  double attacker_covered = 0, attacker_uncovered = 0;

  double Defender(double x) const { return defender_uncovered + (defender_covered - defender_uncovered) * x; }
  double Attacker(double x) const { return attacker_uncovered + (attacker_covered - attacker_uncovered) * x; }
};

// A district, a facility or a border segment.
struct Target {
  std::string id;
  std::string name;
  std::string kind = "target";  // district | facility | segment | target
  Payoffs payoffs;
  std::optional<double> lat, lon;
  std::string basis;  // how the payoffs were derived, shown with the output
};

struct SecurityGame {
  std::vector<Target> targets;
  double resources = 1;  // m; identical units, each covers one target per shift
};

// One attacker type of a Bayesian game: its prior weight and its payoffs per
// target (the defender's payoffs may differ by type too).
struct AttackerType {
  std::string name;
  double weight = 1;
  std::vector<Payoffs> payoffs;  // one per target, in the game's order
};

struct BayesianGame {
  std::vector<Target> targets;  // names, kinds, places; payoffs come from types
  std::vector<AttackerType> types;
  double resources = 1;
};

// InvalidArgument naming the target when a payoff is not finite, breaks the
// security-game structure, or when resources are negative / not finite.
Status ValidateGame(const SecurityGame& game);
Status ValidateGame(const BayesianGame& game);

// The equilibrium a solver returns for one attacker type.
struct Solution {
  std::vector<double> coverage;   // x_t in [0, 1], sum <= resources
  std::vector<int> attack_set;    // targets that give the attacker its best utility (ascending)
  int attacked = -1;              // the one it attacks: best for the defender among attack_set
  double defender_utility = 0;    // at `attacked`
  double attacker_utility = 0;    // the attack-set level
};

// Attack set and SSE response of one attacker to a coverage: targets within
// `tol` of the attacker's best utility, the defender's favourite among them.
void BestResponse(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage, Solution* out,
                  double tol = 1e-7);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_GAME_H_
