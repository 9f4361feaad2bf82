#include "plan/quantal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace faultline {
namespace {

double MaxUncovered(const std::vector<Payoffs>& payoffs) {
  double u = -std::numeric_limits<double>::infinity();
  for (const auto& p : payoffs) u = std::max(u, p.attacker_uncovered);
  return u;
}

std::string Fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

}  // namespace

std::vector<double> QuantalResponse(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                                    double lambda) {
  // Shifted by the largest attacker payoff so exp never overflows.
  double shift = MaxUncovered(payoffs);
  std::vector<double> q(payoffs.size());
  double total = 0;
  for (size_t t = 0; t < payoffs.size(); ++t) {
    q[t] = std::exp(lambda * (payoffs[t].Attacker(coverage[t]) - shift));
    total += q[t];
  }
  for (double& v : q) v /= total;
  return q;
}

double QuantalDefenderUtility(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                              double lambda) {
  std::vector<double> q = QuantalResponse(payoffs, coverage, lambda);
  double u = 0;
  for (size_t t = 0; t < payoffs.size(); ++t) u += q[t] * payoffs[t].Defender(coverage[t]);
  return u;
}

Result<QrSolution> SolveQuantalResponse(const SecurityGame& game, const QrOptions& o) {
  RETURN_IF_ERROR(ValidateGame(game));
  if (!(o.lambda >= 0) || !std::isfinite(o.lambda)) return InvalidArgument("lambda must be a finite number >= 0");
  if (o.grid < 1) return InvalidArgument("the coverage grid needs at least 1 step per unit");
  const int n = static_cast<int>(game.targets.size());
  const int k = o.grid;
  const double m = std::min(game.resources, static_cast<double>(n));
  const int budget = static_cast<int>(std::floor(m * k + 1e-9));
  if (static_cast<double>(n) * (budget + 1) * (k + 1) > 2e9) {
    return InvalidArgument("the QR grid is too large: " + std::to_string(n) + " targets x " +
                           std::to_string(budget) + " units x " + std::to_string(k + 1) + " steps");
  }
  std::vector<Payoffs> payoffs;
  for (const auto& t : game.targets) payoffs.push_back(t.payoffs);
  const double shift = MaxUncovered(payoffs);
  // weight[t][j] = e^{lambda (Ua_t(j/K) - shift)}, defender[t][j] = Ud_t(j/K).
  std::vector<double> weight(static_cast<size_t>(n) * (k + 1)), defender(weight.size());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (int t = 0; t < n; ++t) {
    for (int j = 0; j <= k; ++j) {
      double x = static_cast<double>(j) / k;
      weight[t * (k + 1) + j] = std::exp(o.lambda * (payoffs[t].Attacker(x) - shift));
      defender[t * (k + 1) + j] = payoffs[t].Defender(x);
    }
    lo = std::min(lo, payoffs[t].defender_uncovered);
    hi = std::max(hi, payoffs[t].defender_covered);
  }
  const double range = hi - lo;
  std::vector<double> dp(budget + 1), next(budget + 1);
  std::vector<int> pick(static_cast<size_t>(n) * (budget + 1));
  std::vector<int> units(n);
  // max over the grid of sum_t weight (defender - r); fills `units`.
  auto check = [&](double r) {
    std::fill(dp.begin(), dp.end(), 0.0);
    for (int t = 0; t < n; ++t) {
      const double* w = &weight[t * (k + 1)];
      const double* d = &defender[t * (k + 1)];
      for (int b = 0; b <= budget; ++b) {
        double best = -std::numeric_limits<double>::infinity();
        int arg = 0;
        for (int j = 0; j <= std::min(k, b); ++j) {
          double v = w[j] * (d[j] - r) + dp[b - j];
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        next[b] = best;
        pick[static_cast<size_t>(t) * (budget + 1) + b] = arg;
      }
      dp.swap(next);
    }
    int b = budget;
    for (int t = n - 1; t >= 0; --t) {
      units[t] = pick[static_cast<size_t>(t) * (budget + 1) + b];
      b -= units[t];
    }
    return dp[budget];
  };
  auto utility_of_units = [&] {
    double num = 0, den = 0;
    for (int t = 0; t < n; ++t) {
      num += weight[t * (k + 1) + units[t]] * defender[t * (k + 1) + units[t]];
      den += weight[t * (k + 1) + units[t]];
    }
    return num / den;
  };
  QrSolution s;
  std::vector<int> best_units(n, 0);
  units = best_units;
  double best = utility_of_units();  // no coverage at all is always feasible
  lo = std::max(lo, best);
  while (hi - lo > o.tolerance * std::max(range, 1e-12)) {
    ++s.iterations;
    double r = (lo + hi) / 2;
    if (check(r) >= 0) {
      // Reachable; the grid point found may reach further (Dinkelbach step).
      double u = utility_of_units();
      if (u > best) {
        best = u;
        best_units = units;
      }
      lo = std::max(r, u);
    } else {
      hi = r;
    }
    if (s.iterations > 200) break;
  }
  s.coverage.resize(n);
  for (int t = 0; t < n; ++t) s.coverage[t] = static_cast<double>(best_units[t]) / k;
  s.attack_probability = QuantalResponse(payoffs, s.coverage, o.lambda);
  s.defender_utility = QuantalDefenderUtility(payoffs, s.coverage, o.lambda);
  return s;
}

std::vector<Deviation> DeviationReport(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage,
                                       double model_lambda) {
  std::vector<Deviation> out;
  Solution br;
  BestResponse(payoffs, coverage, &br, 1e-6);
  out.push_back({"best response (ties for the defender)", -1, br.defender_utility});
  double worst_tie = std::numeric_limits<double>::infinity();
  for (int t : br.attack_set) worst_tie = std::min(worst_tie, payoffs[t].Defender(coverage[t]));
  out.push_back({"best response (ties against the defender)", -1, worst_tie});
  double base = model_lambda > 0 ? model_lambda : 0.1;
  for (double f : {0.25, 0.5, 1.0, 2.0, 4.0}) {
    double l = base * f;
    out.push_back({"quantal response lambda=" + Fmt(l), l, QuantalDefenderUtility(payoffs, coverage, l)});
  }
  out.push_back({"random (lambda=0)", 0, QuantalDefenderUtility(payoffs, coverage, 0)});
  double worst = std::numeric_limits<double>::infinity();
  for (size_t t = 0; t < payoffs.size(); ++t) worst = std::min(worst, payoffs[t].Defender(coverage[t]));
  out.push_back({"worst case (any target)", -1, worst});
  return out;
}

}  // namespace faultline
