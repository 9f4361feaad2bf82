#include "plan/bayesian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "plan/internal/lp.h"
#include "plan/sse.h"

namespace faultline {
namespace {

std::vector<double> Normalised(const BayesianGame& g) {
  double total = 0;
  for (const auto& t : g.types) total += t.weight;
  std::vector<double> w;
  for (const auto& t : g.types) w.push_back(t.weight / total);
  return w;
}

}  // namespace

BayesianSolution EvaluateBayesian(const BayesianGame& game, const std::vector<double>& coverage) {
  BayesianSolution s;
  s.coverage = coverage;
  std::vector<double> w = Normalised(game);
  for (size_t l = 0; l < game.types.size(); ++l) {
    Solution r;
    BestResponse(game.types[l].payoffs, coverage, &r, 1e-6);
    s.defender_utility += w[l] * r.defender_utility;
    s.by_type.push_back(std::move(r));
  }
  return s;
}

Result<BayesianSolution> SolveDobss(const BayesianGame& game, double time_limit_s) {
  RETURN_IF_ERROR(ValidateGame(game));
  const int n = static_cast<int>(game.targets.size());
  const int types = static_cast<int>(game.types.size());
  std::vector<double> w = Normalised(game);
  // Per-type bounds and per-row big-Ms as tight as the payoffs allow (a
  // weaker relaxation is what makes branch and bound slow): d^l lies in
  // [min Ud_u, max Ud_c], k^l in [max Ua_c, max Ua_u].
  lp::Program p;
  std::vector<int> x(n);
  for (int t = 0; t < n; ++t) x[t] = p.AddColumn(0, 1, 0);
  p.AddRow(x, std::vector<double>(n, 1.0), -lp::kInf, game.resources);
  for (int l = 0; l < types; ++l) {
    const auto& pay = game.types[l].payoffs;
    double d_lo = lp::kInf, d_hi = -lp::kInf, k_lo = -lp::kInf, k_hi = -lp::kInf;
    for (const Payoffs& q : pay) {
      d_lo = std::min(d_lo, q.defender_uncovered);
      d_hi = std::max(d_hi, q.defender_covered);
      k_lo = std::max(k_lo, q.attacker_covered);
      k_hi = std::max(k_hi, q.attacker_uncovered);
    }
    // Whatever the coverage, type l gets at least the level ORIGAMI holds it
    // to with all m resources against it alone; a target whose uncovered
    // payoff is below that level can never be its best response.
    SecurityGame alone;
    alone.resources = game.resources;
    for (const Payoffs& q : pay) alone.targets.push_back({"", "", "target", q, {}, {}, ""});
    ASSIGN_OR_RETURN(Solution floor, SolveOrigami(alone));
    const double level = floor.attacker_utility - 1e-7 * std::max(1.0, std::fabs(floor.attacker_utility));
    k_lo = std::max(k_lo, level);
    int d = p.AddColumn(d_lo, d_hi, w[l]);  // defender utility against type l
    int k = p.AddColumn(k_lo, k_hi, 0);     // type l's best utility
    std::vector<int> a(n);
    for (int t = 0; t < n; ++t) a[t] = p.AddColumn(0, pay[t].attacker_uncovered < level ? 0 : 1, 0, /*is_integer=*/true);
    p.AddRow(a, std::vector<double>(n, 1.0), 1, 1);
    for (int t = 0; t < n; ++t) {
      const Payoffs& q = pay[t];
      double dd = q.defender_covered - q.defender_uncovered;
      double da = q.attacker_covered - q.attacker_uncovered;
      // d <= Ud_t(x_t) + M_d (1 - a_t), M_d = max d - min Ud_t
      double m_d = d_hi - q.defender_uncovered;
      p.AddRow({d, x[t], a[t]}, {1, -dd, m_d}, -lp::kInf, q.defender_uncovered + m_d);
      // 0 <= k - Ua_t(x_t) <= M_k (1 - a_t), M_k = max k - min Ua_t
      double m_k = k_hi - q.attacker_covered;
      p.AddRow({k, x[t]}, {1, -da}, q.attacker_uncovered, lp::kInf);
      p.AddRow({k, x[t], a[t]}, {1, -da, m_k}, -lp::kInf, q.attacker_uncovered + m_k);
    }
  }
  ASSIGN_OR_RETURN(lp::Answer ans, lp::SolveMilp(p, time_limit_s));
  if (ans.outcome != lp::Outcome::kOptimal) return Internal("the DOBSS MILP is infeasible, which it cannot be");
  std::vector<double> cov(n);
  for (int t = 0; t < n; ++t) cov[t] = std::clamp(ans.x[x[t]], 0.0, 1.0);
  BayesianSolution s = EvaluateBayesian(game, cov);
  // The MILP's own value is the SSE value; the re-evaluation only recovers
  // attack sets, so report the MILP's objective (they agree within rounding).
  s.defender_utility = ans.objective;
  return s;
}

Result<BayesianSolution> SolveBayesianByEnumeration(const BayesianGame& game, long max_profiles) {
  RETURN_IF_ERROR(ValidateGame(game));
  const int n = static_cast<int>(game.targets.size());
  const int types = static_cast<int>(game.types.size());
  double profiles = std::pow(static_cast<double>(n), types);
  if (profiles > static_cast<double>(max_profiles)) {
    return InvalidArgument("enumeration would solve " + std::to_string(static_cast<long long>(profiles)) +
                           " LPs (more than " + std::to_string(max_profiles) + ")");
  }
  std::vector<double> w = Normalised(game);
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  std::vector<int> choice(types, 0);
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<double> best_cov;
  while (true) {
    lp::Program p;
    double constant = 0;
    std::vector<double> obj(n, 0);
    for (int l = 0; l < types; ++l) {
      const Payoffs& q = game.types[l].payoffs[choice[l]];
      obj[choice[l]] += w[l] * (q.defender_covered - q.defender_uncovered);
      constant += w[l] * q.defender_uncovered;
    }
    for (int t = 0; t < n; ++t) p.AddColumn(0, 1, obj[t]);
    p.AddRow(all, std::vector<double>(n, 1.0), -lp::kInf, game.resources);
    for (int l = 0; l < types; ++l) {
      int c = choice[l];
      const Payoffs& pc = game.types[l].payoffs[c];
      for (int t = 0; t < n; ++t) {
        if (t == c) continue;
        const Payoffs& pt = game.types[l].payoffs[t];
        p.AddRow({c, t}, {pc.attacker_covered - pc.attacker_uncovered, -(pt.attacker_covered - pt.attacker_uncovered)},
                 pt.attacker_uncovered - pc.attacker_uncovered, lp::kInf);
      }
    }
    ASSIGN_OR_RETURN(lp::Answer a, lp::SolveLp(p));
    if (a.outcome == lp::Outcome::kOptimal && constant + a.objective > best_value + 1e-9) {
      best_value = constant + a.objective;
      best_cov = a.x;
    }
    int l = 0;
    while (l < types && ++choice[l] == n) choice[l++] = 0;
    if (l == types) break;
  }
  if (best_cov.empty()) return Internal("every response profile was infeasible");
  for (double& c : best_cov) c = std::clamp(c, 0.0, 1.0);
  BayesianSolution s = EvaluateBayesian(game, best_cov);
  s.defender_utility = best_value;
  return s;
}

}  // namespace faultline
