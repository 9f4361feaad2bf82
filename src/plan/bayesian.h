// Bayesian Stackelberg security games: several attacker types (e.g. TTP,
// BLA, ISKP) with their own payoffs and prior weights; the defender commits
// to one coverage, each type best-responds to it. NP-hard in general
// (Conitzer and Sandholm 2006), solved two ways:
//  - SolveDobss: the DOBSS mixed-integer programme (Paruchuri et al., AAMAS
//    2008) in the compact security-game form of ERASER (Kiekintveld et al.
//    2009, §5), through COIN-OR Cbc, strengthened by the value of each
//    (type, attacked target) pair computed in closed form, a heuristic
//    incumbent and the variable fixing both allow (docs/planning.md);
//  - SolveBayesianByEnumeration: one LP per pure response profile (n^types
//    LPs through Clp) — the brute-force reference for small games.
// Ties are broken in the defender's favour (SSE). Stateless; thread-safe.
#ifndef FAULTLINE_PLAN_BAYESIAN_H_
#define FAULTLINE_PLAN_BAYESIAN_H_

#include "plan/game.h"

namespace faultline {

struct BayesianSolution {
  std::vector<double> coverage;
  std::vector<Solution> by_type;  // each type's attack set, attacked target and utilities
  double defender_utility = 0;    // prior-weighted over types
};

// Internal when Cbc fails or hits `time_limit_s` (> 0) without proving
// optimality; InvalidArgument for a game ValidateGame rejects.
// `strengthened` = false solves the formulation as it was before the
// forced-response bounds and the incumbent (per-row big-Ms and the ORIGAMI
// level cut only): for benchmarks side by side, same answer.
Result<BayesianSolution> SolveDobss(const BayesianGame& game, double time_limit_s = 0, bool strengthened = true);

// InvalidArgument when n^types exceeds `max_profiles`.
Result<BayesianSolution> SolveBayesianByEnumeration(const BayesianGame& game, long max_profiles = 100000);

// Each type's SSE response to `coverage` and the weighted defender utility.
BayesianSolution EvaluateBayesian(const BayesianGame& game, const std::vector<double>& coverage);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_BAYESIAN_H_
