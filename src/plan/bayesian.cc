#include "plan/bayesian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "plan/internal/lp.h"

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
  // Big-M: the widest spread of any payoff, so a relaxed row never binds.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& type : game.types) {
    for (const Payoffs& p : type.payoffs) {
      for (double v : {p.defender_covered, p.defender_uncovered, p.attacker_covered, p.attacker_uncovered}) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  const double big_m = (hi - lo) + 1;
  lp::Program p;
  std::vector<int> x(n);
  for (int t = 0; t < n; ++t) x[t] = p.AddColumn(0, 1, 0);
  p.AddRow(x, std::vector<double>(n, 1.0), -lp::kInf, game.resources);
  std::vector<std::vector<int>> a(types, std::vector<int>(n));
  for (int l = 0; l < types; ++l) {
    int d = p.AddColumn(-lp::kInf, lp::kInf, w[l]);  // defender utility against type l
    int k = p.AddColumn(-lp::kInf, lp::kInf, 0);     // type l's best utility
    for (int t = 0; t < n; ++t) a[l][t] = p.AddColumn(0, 1, 0, /*is_integer=*/true);
    p.AddRow(a[l], std::vector<double>(n, 1.0), 1, 1);
    for (int t = 0; t < n; ++t) {
      const Payoffs& q = game.types[l].payoffs[t];
      double dd = q.defender_covered - q.defender_uncovered;
      double da = q.attacker_covered - q.attacker_uncovered;
      // d <= Ud_t(x_t) + M (1 - a_t)
      p.AddRow({d, x[t], a[l][t]}, {1, -dd, big_m}, -lp::kInf, q.defender_uncovered + big_m);
      // 0 <= k - Ua_t(x_t) <= M (1 - a_t)
      p.AddRow({k, x[t]}, {1, -da}, q.attacker_uncovered, lp::kInf);
      p.AddRow({k, x[t], a[l][t]}, {1, -da, big_m}, -lp::kInf, q.attacker_uncovered + big_m);
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
