// Strong Stackelberg equilibria of security games with one attacker type and
// identical resources, two ways:
//  - SolveOrigami: attack-set expansion (Kiekintveld et al., AAMAS 2009,
//    "Computing optimal randomized resource allocations for massive security
//    games", Alg. 1 ORIGAMI), made O(n log n): sort by the attacker's
//    uncovered payoff, then one pass keeping running sums;
//  - SolveMultipleLps: one LP per candidate attacked target (Conitzer and
//    Sandholm 2006) through COIN-OR Clp — the slow, obviously correct
//    reference ORIGAMI is checked against.
// Both break attacker ties in the defender's favour. Stateless; thread-safe.
//
//   ASSIGN_OR_RETURN(Solution s, SolveOrigami(game));
//   // s.coverage[t], s.attack_set, s.attacked, s.defender_utility
#ifndef FAULTLINE_PLAN_SSE_H_
#define FAULTLINE_PLAN_SSE_H_

#include "plan/game.h"

namespace faultline {

// The coverage that holds the attacker's best utility as low as the
// resources allow; InvalidArgument for a game ValidateGame rejects.
// Resources beyond what the attack set needs stay unused (they could go
// anywhere outside it without changing the equilibrium).
Result<Solution> SolveOrigami(const SecurityGame& game);

// Hands resources the equilibrium leaves unused to the other targets, most
// attractive to the attacker first, never to the attacked one: every
// target's attacker utility only falls, so the attacked target stays a best
// response and the SSE value is unchanged, while the spare units hedge
// against an attacker who deviates. Recomputes the attack set.
void SpendSpareResources(const SecurityGame& game, Solution* solution);

// The same equilibrium from n LPs; Internal when Clp fails.
Result<Solution> SolveMultipleLps(const SecurityGame& game);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_SSE_H_
