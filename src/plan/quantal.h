// A boundedly rational attacker: quantal response (McKelvey and Palfrey
// 1995) attacks target t with probability proportional to
// exp(lambda * Ua_t(x_t)); lambda = 0 is uniformly random, lambda -> inf a
// best responder. The defender's best coverage against it is found as in
// PASAQ (Yang, Ordóñez, Tambe, AAMAS 2012, "Computing optimal strategy
// against quantal response in security games"): binary search on the
// defender's utility r, where r is reachable iff
//   max_x sum_t e^{lambda Ua_t(x_t)} (Ud_t(x_t) - r) >= 0.
// PASAQ answers that check with a piecewise-linear MILP; here each x_t is
// restricted to the grid {0, 1/K, ..., 1} and the separable maximisation
// under sum x_t <= m is solved exactly by dynamic programming over grid
// units (n * mK * K). The result is the exact optimum over that grid.
// Stateless; thread-safe.
#ifndef FAULTLINE_PLAN_QUANTAL_H_
#define FAULTLINE_PLAN_QUANTAL_H_

#include <string>
#include <vector>

#include "plan/game.h"

namespace faultline {

struct QrOptions {
  double lambda = 0.1;    // on the payoffs' own scale
  int grid = 20;          // K: coverage steps per unit
  double tolerance = 1e-7;  // binary search stops at this fraction of the payoff range
};

struct QrSolution {
  std::vector<double> coverage;
  std::vector<double> attack_probability;
  double defender_utility = 0;
  int iterations = 0;
};

// The attack probabilities of a quantal responder facing `coverage`.
std::vector<double> QuantalResponse(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                                    double lambda);
// The defender's expected utility against it.
double QuantalDefenderUtility(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                              double lambda);

// InvalidArgument for a bad game, lambda < 0, grid < 1, or a grid too large
// (n * mK * K above 2e9 steps).
Result<QrSolution> SolveQuantalResponse(const SecurityGame& game, const QrOptions& options);

// What the defender's expected utility becomes when the attacker is not the
// one the model assumed: a best responder (ties for and against the
// defender), quantal responders at several lambdas, a random attacker, and
// the worst case over all targets.
struct Deviation {
  std::string attacker;  // "best response (SSE tie-break)", "quantal lambda=0.5", ...
  double lambda = -1;    // -1 when not a quantal responder
  double defender_utility = 0;
};
std::vector<Deviation> DeviationReport(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                                       double model_lambda);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_QUANTAL_H_
