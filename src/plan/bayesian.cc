#include "plan/bayesian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

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

// The best coverage when type l attacks profile[l]: one LP (Conitzer and
// Sandholm 2006); nullopt when no coverage makes every profile[l] a best
// response. Writes the LP's value (with the constant) to *value.
Result<std::optional<std::vector<double>>> ProfileCoverage(const BayesianGame& game, const std::vector<double>& w,
                                                           const std::vector<int>& profile, double* value = nullptr) {
  const int n = static_cast<int>(game.targets.size());
  const int types = static_cast<int>(game.types.size());
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  lp::Program p;
  double constant = 0;
  std::vector<double> obj(n, 0);
  for (int l = 0; l < types; ++l) {
    const Payoffs& q = game.types[l].payoffs[profile[l]];
    obj[profile[l]] += w[l] * (q.defender_covered - q.defender_uncovered);
    constant += w[l] * q.defender_uncovered;
  }
  for (int t = 0; t < n; ++t) p.AddColumn(0, 1, obj[t]);
  p.AddRow(all, std::vector<double>(n, 1.0), -lp::kInf, game.resources);
  for (int l = 0; l < types; ++l) {
    int c = profile[l];
    const Payoffs& pc = game.types[l].payoffs[c];
    for (int t = 0; t < n; ++t) {
      if (t == c) continue;
      const Payoffs& pt = game.types[l].payoffs[t];
      p.AddRow({c, t}, {pc.attacker_covered - pc.attacker_uncovered, -(pt.attacker_covered - pt.attacker_uncovered)},
               pt.attacker_uncovered - pc.attacker_uncovered, lp::kInf);
    }
  }
  ASSIGN_OR_RETURN(lp::Answer a, lp::SolveLp(p));
  if (a.outcome != lp::Outcome::kOptimal) return std::optional<std::vector<double>>();
  for (double& c : a.x) c = std::clamp(c, 0.0, 1.0);
  if (value) *value = constant + a.objective;
  return std::optional<std::vector<double>>(std::move(a.x));
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

namespace {

// The best the defender can get from target t when the attacker (payoffs
// `pay`) is made to attack t: max Ud_t(x_t) over coverages with sum <= m
// that keep t a best response (Conitzer and Sandholm 2006's LP for t).
// With identical resources it is one-dimensional: raising x_t lowers the
// level L = Ua_t(x_t), every other target t' then needs
// max(0, (Ua_u(t') - L) / (Ua_u(t') - Ua_c(t'))) (impossible when
// Ua_c(t') > L), and the total need grows with x_t — so bisect on x_t.
// nullopt when t cannot be a best response at all. Errs on the high side
// (tolerances loosen feasibility), so it is a valid upper bound.
std::optional<double> ForcedResponseValue(const std::vector<Payoffs>& pay, size_t t, double m) {
  auto feasible = [&](double x) {
    const double level = pay[t].Attacker(x);
    const double tol = 1e-9 * std::max(1.0, std::fabs(level));
    double need = x;
    for (size_t u = 0; u < pay.size(); ++u) {
      if (u == t || pay[u].attacker_uncovered <= level) continue;
      if (pay[u].attacker_covered > level + tol) return false;
      need +=
          std::min(1.0, (pay[u].attacker_uncovered - level) / (pay[u].attacker_uncovered - pay[u].attacker_covered));
    }
    return need <= m + 1e-9;
  };
  if (!feasible(0)) return std::nullopt;
  double lo = 0, hi = 1;
  if (feasible(1)) {
    lo = 1;
  } else {
    for (int i = 0; i < 60; ++i) {
      double mid = (lo + hi) / 2;
      (feasible(mid) ? lo : hi) = mid;
    }
  }
  return pay[t].Defender(hi) + 1e-9 * std::max(1.0, std::fabs(pay[t].Defender(hi)));
}

}  // namespace

Result<BayesianSolution> SolveDobss(const BayesianGame& game, double time_limit_s, bool strengthened) {
  RETURN_IF_ERROR(ValidateGame(game));
  const int n = static_cast<int>(game.targets.size());
  const int types = static_cast<int>(game.types.size());
  std::vector<double> w = Normalised(game);
  const double m = std::min(game.resources, static_cast<double>(n));
  // Bounds before the MILP (docs/planning.md, "DOBSS"): v[l][t], the best
  // the defender can do if type l attacks t (nullopt: l never attacks t);
  // best[l] = max_t v[l][t], the SSE value against type l alone. Then
  //   d^l <= sum_t v[l][t] a^l_t     (a linking row far tighter than big-M),
  //   a^l_t = 0 where l can never attack t,
  // and, given the value V of a heuristic incumbent, a^l_t = 0 where even
  // w_l v[l][t] + sum_{l' != l} w_l' best[l'] < V.
  std::vector<std::vector<std::optional<double>>> v(types, std::vector<std::optional<double>>(n));
  std::vector<double> best(types, -lp::kInf);
  for (int l = 0; l < types; ++l) {
    for (int t = 0; t < n; ++t) {
      v[l][t] = ForcedResponseValue(game.types[l].payoffs, t, m);
      if (v[l][t]) best[l] = std::max(best[l], *v[l][t]);
    }
    if (best[l] == -lp::kInf) return Internal("type " + game.types[l].name + " has no feasible best response");
  }
  // Incumbent: each type's own SSE coverage (ORIGAMI), judged against all
  // types, then re-optimised for the response profile it induces.
  BayesianSolution incumbent;
  incumbent.defender_utility = -lp::kInf;
  std::vector<double> level(types);  // the level ORIGAMI holds type l to with all m units
  for (int l = 0; l < types; ++l) {
    SecurityGame alone;
    alone.resources = game.resources;
    for (const Payoffs& q : game.types[l].payoffs) alone.targets.push_back({"", "", "target", q, {}, {}, ""});
    ASSIGN_OR_RETURN(Solution s, SolveOrigami(alone));
    level[l] = s.attacker_utility - 1e-7 * std::max(1.0, std::fabs(s.attacker_utility));
    BayesianSolution e = EvaluateBayesian(game, s.coverage);
    if (e.defender_utility > incumbent.defender_utility) incumbent = std::move(e);
  }
  {
    std::vector<int> profile;
    for (const Solution& r : incumbent.by_type) profile.push_back(r.attacked);
    ASSIGN_OR_RETURN(std::optional<std::vector<double>> better, ProfileCoverage(game, w, profile));
    if (better) {
      BayesianSolution e = EvaluateBayesian(game, *better);
      if (e.defender_utility > incumbent.defender_utility) incumbent = std::move(e);
    }
  }
  // The MILP starts from the incumbent's coverage with each type's exact
  // best response (no tie tolerance, so the point satisfies every row);
  // its value is what the fixing below may rely on.
  std::vector<double> start_x(n);
  for (int t = 0; t < n; ++t) start_x[t] = std::clamp(incumbent.coverage[t], 0.0, 1.0);
  const double used = std::accumulate(start_x.begin(), start_x.end(), 0.0);
  if (used > game.resources) {
    for (double& c : start_x) c *= game.resources / used;
  }
  std::vector<Solution> start_response(types);
  double start_value = 0;
  for (int l = 0; l < types; ++l) {
    BestResponse(game.types[l].payoffs, start_x, &start_response[l], 1e-12);
    start_value += w[l] * start_response[l].defender_utility;
  }
  double sum_best = 0;
  for (int l = 0; l < types; ++l) sum_best += w[l] * best[l];
  const double cutoff = start_value - 1e-7 * std::max(1.0, std::fabs(start_value));

  lp::Program p;
  std::vector<int> x(n);
  for (int t = 0; t < n; ++t) x[t] = p.AddColumn(0, 1, 0);
  p.AddRow(x, std::vector<double>(n, 1.0), -lp::kInf, game.resources);
  struct TypeColumns {
    int d, k;
    std::vector<int> a;
  };
  std::vector<TypeColumns> cols(types);
  for (int l = 0; l < types; ++l) {
    const auto& pay = game.types[l].payoffs;
    double d_lo = lp::kInf, k_lo = -lp::kInf, k_hi = -lp::kInf;
    for (const Payoffs& q : pay) {
      d_lo = std::min(d_lo, q.defender_uncovered);
      k_lo = std::max(k_lo, q.attacker_covered);
      k_hi = std::max(k_hi, q.attacker_uncovered);
    }
    double d_hi = best[l];
    if (!strengthened) {
      d_hi = -lp::kInf;
      for (const Payoffs& q : pay) d_hi = std::max(d_hi, q.defender_covered);
      k_lo = std::max(k_lo, level[l]);
    }
    int d = p.AddColumn(d_lo, d_hi, w[l]);  // defender utility against type l
    int k = p.AddColumn(k_lo, k_hi, 0);     // type l's best utility
    std::vector<int> a(n);
    std::vector<double> link_coef = {1};
    std::vector<int> link_cols = {d};
    for (int t = 0; t < n; ++t) {
      bool possible = v[l][t].has_value() && w[l] * *v[l][t] + (sum_best - w[l] * best[l]) >= cutoff;
      if (!strengthened) possible = pay[t].attacker_uncovered >= level[l];
      a[t] = p.AddColumn(0, possible ? 1 : 0, 0, /*is_integer=*/true);
      if (v[l][t]) {
        link_cols.push_back(a[t]);
        link_coef.push_back(-*v[l][t]);
      }
    }
    p.AddRow(a, std::vector<double>(n, 1.0), 1, 1);
    if (strengthened) p.AddRow(link_cols, link_coef, -lp::kInf, 0);  // d <= sum_t v_t a_t
    for (int t = 0; t < n; ++t) {
      if (strengthened && !v[l][t]) continue;  // a_t = 0: the rows below would be slack
      const Payoffs& q = pay[t];
      double dd = q.defender_covered - q.defender_uncovered;
      // d <= Ud_t(x_t) + M_d (1 - a_t), M_d = max d - min Ud_t
      double m_d = std::max(0.0, d_hi - q.defender_uncovered);
      p.AddRow({d, x[t], a[t]}, {1, -dd, m_d}, -lp::kInf, q.defender_uncovered + m_d);
    }
    for (int t = 0; t < n; ++t) {
      const Payoffs& q = pay[t];
      double da = q.attacker_covered - q.attacker_uncovered;
      // 0 <= k - Ua_t(x_t) <= M_k (1 - a_t), M_k = max k - min Ua_t
      p.AddRow({k, x[t]}, {1, -da}, q.attacker_uncovered, lp::kInf);
      if (strengthened && !v[l][t]) continue;
      double m_k = k_hi - q.attacker_covered;
      p.AddRow({k, x[t], a[t]}, {1, -da, m_k}, -lp::kInf, q.attacker_uncovered + m_k);
    }
    cols[l] = {d, k, std::move(a)};
  }
  // The incumbent as Cbc's first solution.
  if (strengthened) p.start.assign(p.columns(), 0);
  for (int t = 0; t < n && strengthened; ++t) p.start[x[t]] = start_x[t];
  for (int l = 0; l < types && strengthened; ++l) {
    const Solution& r = start_response[l];
    p.start[cols[l].d] = std::min(r.defender_utility, best[l]);
    p.start[cols[l].k] = game.types[l].payoffs[r.attacked].Attacker(start_x[r.attacked]);
    p.start[cols[l].a[r.attacked]] = 1;
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
  std::vector<int> choice(types, 0);
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<double> best_cov;
  while (true) {
    double value = 0;
    ASSIGN_OR_RETURN(std::optional<std::vector<double>> cov, ProfileCoverage(game, w, choice, &value));
    if (cov && value > best_value + 1e-9) {
      best_value = value;
      best_cov = std::move(*cov);
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
