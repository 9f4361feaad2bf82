#include "plan/heterogeneous.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "common/text.h"
#include "plan/csv_table.h"
#include "plan/internal/lp.h"

namespace faultline {
namespace {

bool Allowed(const ResourceKind& k, int t) {
  return k.allowed.empty() || std::binary_search(k.allowed.begin(), k.allowed.end(), t);
}

std::vector<Payoffs> PayoffsOf(const SecurityGame& g) {
  std::vector<Payoffs> p;
  for (const auto& t : g.targets) p.push_back(t.payoffs);
  return p;
}

// Fills the SSE fields for coverage `c` with `star` attacked (it is a best
// response by construction; rounding must not move the choice).
void Finish(const std::vector<Payoffs>& pay, int star, double value, Solution* s) {
  BestResponse(pay, s->coverage, s, 1e-6);
  s->attacked = star;
  s->defender_utility = value;
  s->attacker_utility = pay[star].Attacker(s->coverage[star]);
  if (std::find(s->attack_set.begin(), s->attack_set.end(), star) == s->attack_set.end()) {
    s->attack_set.push_back(star);
    std::sort(s->attack_set.begin(), s->attack_set.end());
  }
}

Result<std::vector<ResourceKind>> UnitKindsFromRows(const std::vector<CsvTableRow>& rows, const std::string& label,
                                                   const std::vector<Target>& targets) {
  constexpr int64_t kMaxSlots = 1000000;
  std::vector<ResourceKind> out;
  int64_t total_slots = 0;
  for (const CsvTableRow& r : rows) {
    ResourceKind k;
    k.name = std::string(Trim(r.cell.at("kind")));
    if (k.name.empty()) return InvalidArgument(r.where + ": column kind: empty");
    auto integer = [&](const char* col, int* v) -> Status {
      auto it = r.cell.find(col);
      if (it == r.cell.end() || Trim(it->second).empty()) return Status::Ok();
      ASSIGN_OR_RETURN(double d, ParseCsvNumber(it->second, r.where + ": column " + col));
      if (d < 0 || d != std::floor(d) || d > 1e6) {
        return InvalidArgument(r.where + ": column " + col + ": \"" + it->second + "\" is not a whole number >= 0");
      }
      *v = static_cast<int>(d);
      return Status::Ok();
    };
    RETURN_IF_ERROR(integer("count", &k.count));
    RETURN_IF_ERROR(integer("capacity", &k.capacity));
    // slots() and the callers' sums are ints: keep every total far below.
    total_slots += int64_t{k.count} * k.capacity;
    if (total_slots > kMaxSlots) {
      return InvalidArgument(r.where + ": column capacity: the unit kinds so far give " + std::to_string(total_slots) +
                             " slots (count x capacity); at most " + std::to_string(kMaxSlots));
    }
    if (auto it = r.cell.find("effectiveness"); it != r.cell.end() && !Trim(it->second).empty()) {
      ASSIGN_OR_RETURN(k.effectiveness, ParseCsvNumber(it->second, r.where + ": column effectiveness"));
      if (!(k.effectiveness > 0 && k.effectiveness <= 1)) {
        return InvalidArgument(r.where + ": column effectiveness: must be in (0, 1]");
      }
    }
    std::vector<std::string> wanted;
    if (auto it = r.cell.find("targets"); it != r.cell.end()) {
      std::stringstream ss(it->second);
      std::string item;
      while (std::getline(ss, item, ';')) wanted.emplace_back(Trim(item));
    }
    ASSIGN_OR_RETURN(k.allowed, UnitKindTargets(targets, wanted, r.where + ": column targets"));
    out.push_back(std::move(k));
  }
  if (out.empty()) return InvalidArgument(label + ": no unit kinds");
  return out;
}

}  // namespace

Result<std::vector<int>> UnitKindTargets(const std::vector<Target>& targets, const std::vector<std::string>& wanted,
                                         const std::string& where) {
  std::vector<int> out;
  if (std::find(wanted.begin(), wanted.end(), "*") != wanted.end()) return out;
  std::vector<bool> allowed(targets.size(), false);
  for (const std::string& w : wanted) {
    if (w.empty()) continue;
    bool found = false;
    for (size_t t = 0; t < targets.size(); ++t) {
      if (targets[t].id == w || targets[t].name == w || targets[t].kind == w) {
        allowed[t] = true;
        found = true;
      }
    }
    if (!found) return InvalidArgument(where + ": no target, name or kind \"" + w + "\"");
  }
  for (size_t t = 0; t < targets.size(); ++t) {
    if (allowed[t]) out.push_back(static_cast<int>(t));
  }
  return out;
}

Status ValidateKinds(const SecurityGame& game, const std::vector<ResourceKind>& kinds) {
  SecurityGame g = game;
  g.resources = 0;
  RETURN_IF_ERROR(ValidateGame(g));
  const int n = static_cast<int>(game.targets.size());
  for (const ResourceKind& k : kinds) {
    const std::string where = "unit kind \"" + k.name + "\"";
    if (k.count < 0 || k.capacity < 0) return InvalidArgument(where + ": count and capacity must be >= 0");
    if (!(k.effectiveness > 0 && k.effectiveness <= 1)) {
      return InvalidArgument(where + ": effectiveness must be in (0, 1]");
    }
    for (size_t i = 0; i < k.allowed.size(); ++i) {
      if (k.allowed[i] < 0 || k.allowed[i] >= n) return InvalidArgument(where + ": allowed target out of range");
      if (i > 0 && k.allowed[i] <= k.allowed[i - 1]) {
        return InvalidArgument(where + ": allowed targets must be ascending and distinct");
      }
    }
  }
  return Status::Ok();
}

Result<HeterogeneousSolution> SolveHeterogeneous(const SecurityGame& game, const std::vector<ResourceKind>& kinds) {
  RETURN_IF_ERROR(ValidateKinds(game, kinds));
  const std::vector<Payoffs> pay = PayoffsOf(game);
  const int n = static_cast<int>(pay.size());
  const int r_count = static_cast<int>(kinds.size());
  // Columns y[r][t] for the pairs a kind may cover.
  std::vector<std::vector<int>> col(r_count, std::vector<int>(n, -1));
  int columns = 0;
  for (int r = 0; r < r_count; ++r) {
    for (int t = 0; t < n; ++t) {
      if (kinds[r].slots() > 0 && Allowed(kinds[r], t)) col[r][t] = columns++;
    }
  }
  // c_t = sum_r e_r y[r][t], as (columns, coefficients).
  std::vector<std::vector<int>> c_cols(n);
  std::vector<std::vector<double>> c_coef(n);
  for (int t = 0; t < n; ++t) {
    for (int r = 0; r < r_count; ++r) {
      if (col[r][t] < 0) continue;
      c_cols[t].push_back(col[r][t]);
      c_coef[t].push_back(kinds[r].effectiveness);
    }
  }
  HeterogeneousSolution best;
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<double> best_x;
  for (int star = 0; star < n; ++star) {
    const Payoffs& ps = pay[star];
    lp::Program p;
    for (int j = 0; j < columns; ++j) p.AddColumn(0, 1, 0);
    for (size_t i = 0; i < c_cols[star].size(); ++i) {
      p.objective[c_cols[star][i]] = (ps.defender_covered - ps.defender_uncovered) * c_coef[star][i];
    }
    for (int r = 0; r < r_count; ++r) {
      std::vector<int> cols;
      for (int t = 0; t < n; ++t) {
        if (col[r][t] >= 0) cols.push_back(col[r][t]);
      }
      if (!cols.empty()) p.AddRow(cols, std::vector<double>(cols.size(), 1.0), -lp::kInf, kinds[r].slots());
    }
    for (int t = 0; t < n; ++t) {
      std::vector<int> cols;
      for (int r = 0; r < r_count; ++r) {
        if (col[r][t] >= 0) cols.push_back(col[r][t]);
      }
      if (cols.size() > 1) p.AddRow(cols, std::vector<double>(cols.size(), 1.0), -lp::kInf, 1);
    }
    // Ua_star(c_star) >= Ua_t(c_t):  da_star c_star - da_t c_t >= Ua_u(t) - Ua_u(star).
    const double da_star = ps.attacker_covered - ps.attacker_uncovered;
    bool possible = true;
    for (int t = 0; t < n && possible; ++t) {
      if (t == star) continue;
      const double da_t = pay[t].attacker_covered - pay[t].attacker_uncovered;
      std::vector<int> cols;
      std::vector<double> coef;
      for (size_t i = 0; i < c_cols[star].size(); ++i) {
        cols.push_back(c_cols[star][i]);
        coef.push_back(da_star * c_coef[star][i]);
      }
      for (size_t i = 0; i < c_cols[t].size(); ++i) {
        cols.push_back(c_cols[t][i]);
        coef.push_back(-da_t * c_coef[t][i]);
      }
      const double rhs = pay[t].attacker_uncovered - ps.attacker_uncovered;
      if (cols.empty()) {
        possible = rhs <= 1e-12;  // neither can be covered: star must already be worth as much
        continue;
      }
      p.AddRow(cols, coef, rhs, lp::kInf);
    }
    if (!possible) continue;
    ASSIGN_OR_RETURN(lp::Answer a, lp::SolveLp(p));
    if (a.outcome != lp::Outcome::kOptimal) continue;
    double value = ps.defender_uncovered + a.objective;
    if (value > best_value + 1e-9) {
      best_value = value;
      best.attacked = star;
      best_x = a.x;
    }
  }
  if (best.attacked < 0) return Internal("every LP of the game was infeasible");
  // y from the LP, scaled so rounding cannot push a kind past its slots or
  // a target past one unit (the sampler relies on both).
  best.assignment.assign(r_count, std::vector<double>(n, 0));
  for (int r = 0; r < r_count; ++r) {
    for (int t = 0; t < n; ++t) {
      if (col[r][t] >= 0) best.assignment[r][t] = std::clamp(best_x[col[r][t]], 0.0, 1.0);
    }
    double sum = std::accumulate(best.assignment[r].begin(), best.assignment[r].end(), 0.0);
    if (sum > kinds[r].slots()) {
      for (double& y : best.assignment[r]) y *= kinds[r].slots() / sum;
    }
  }
  best.coverage.assign(n, 0);
  for (int t = 0; t < n; ++t) {
    double sum = 0;
    for (int r = 0; r < r_count; ++r) sum += best.assignment[r][t];
    for (int r = 0; r < r_count; ++r) {
      if (sum > 1) best.assignment[r][t] /= sum;
      best.coverage[t] += kinds[r].effectiveness * best.assignment[r][t];
    }
    best.coverage[t] = std::min(best.coverage[t], 1.0);
  }
  Finish(pay, best.attacked, best_value, &best);
  return best;
}

Result<Solution> SolveHeterogeneousByEnumeration(const SecurityGame& game, const std::vector<ResourceKind>& kinds,
                                                 long max_deployments) {
  RETURN_IF_ERROR(ValidateKinds(game, kinds));
  const std::vector<Payoffs> pay = PayoffsOf(game);
  const int n = static_cast<int>(pay.size());
  std::vector<int> slot_kind;
  for (size_t r = 0; r < kinds.size(); ++r) {
    for (int s = 0; s < kinds[r].slots(); ++s) slot_kind.push_back(static_cast<int>(r));
  }
  // Every deployment's coverage vector: slot i to an allowed, free target or idle.
  std::vector<std::vector<double>> deployments;
  std::vector<double> c(n, 0);
  std::vector<bool> taken(n, false);
  bool too_many = false;
  auto rec = [&](auto&& self, size_t i) -> void {
    if (too_many) return;
    if (i == slot_kind.size()) {
      deployments.push_back(c);
      too_many = static_cast<long>(deployments.size()) > max_deployments;
      return;
    }
    self(self, i + 1);  // idle
    const ResourceKind& k = kinds[slot_kind[i]];
    for (int t = 0; t < n; ++t) {
      if (taken[t] || !Allowed(k, t)) continue;
      taken[t] = true;
      c[t] = k.effectiveness;
      self(self, i + 1);
      c[t] = 0;
      taken[t] = false;
    }
  };
  rec(rec, 0);
  if (too_many) {
    return InvalidArgument("more than " + std::to_string(max_deployments) + " pure deployments to enumerate");
  }
  const int d = static_cast<int>(deployments.size());
  std::vector<int> all(d);
  std::iota(all.begin(), all.end(), 0);
  Solution best;
  double best_value = -std::numeric_limits<double>::infinity();
  for (int star = 0; star < n; ++star) {
    lp::Program p;
    for (int s = 0; s < d; ++s) p.AddColumn(0, 1, pay[star].Defender(deployments[s][star]));
    p.AddRow(all, std::vector<double>(d, 1.0), 1, 1);
    for (int t = 0; t < n; ++t) {
      if (t == star) continue;
      std::vector<double> coef(d);
      for (int s = 0; s < d; ++s) {
        coef[s] = pay[star].Attacker(deployments[s][star]) - pay[t].Attacker(deployments[s][t]);
      }
      p.AddRow(all, coef, 0, lp::kInf);
    }
    ASSIGN_OR_RETURN(lp::Answer a, lp::SolveLp(p));
    if (a.outcome != lp::Outcome::kOptimal || a.objective <= best_value + 1e-9) continue;
    best_value = a.objective;
    best.attacked = star;
    best.coverage.assign(n, 0);
    for (int s = 0; s < d; ++s) {
      for (int t = 0; t < n; ++t) best.coverage[t] += std::max(0.0, a.x[s]) * deployments[s][t];
    }
  }
  if (best.attacked < 0) return Internal("every LP of the game was infeasible");
  Finish(pay, best.attacked, best_value, &best);
  return best;
}

std::vector<std::vector<int>> DrawAssignment(const std::vector<std::vector<double>>& y, std::mt19937_64& rng) {
  const int r_count = static_cast<int>(y.size());
  const int n = r_count == 0 ? 0 : static_cast<int>(y[0].size());
  constexpr double kEps = 1e-9;
  std::vector<std::vector<double>> x = y;
  auto fractional = [&](int r, int t) { return x[r][t] > kEps && x[r][t] < 1 - kEps; };
  // Vertices: kinds 0..R-1, targets R..R+n-1. An edge is (kind, target).
  struct Edge {
    int r, t;
  };
  std::uniform_real_distribution<double> unit(0, 1);
  while (true) {
    int r0 = -1, t0 = -1;
    for (int r = 0; r < r_count && r0 < 0; ++r) {
      for (int t = 0; t < n; ++t) {
        if (fractional(r, t)) {
          r0 = r;
          t0 = t;
          break;
        }
      }
    }
    if (r0 < 0) break;
    // Walk from the edge (r0, t0) both ways along fractional edges until a
    // vertex repeats (an even cycle, the graph being bipartite) or the
    // walk is stuck at both ends (a maximal path).
    std::vector<int> verts = {r0, r_count + t0};
    std::vector<Edge> edges = {{r0, t0}};
    std::vector<Edge> cycle;
    auto step = [&](int v, const Edge& last, Edge* next) {
      if (v < r_count) {
        for (int t = 0; t < n; ++t) {
          if (t != last.t && fractional(v, t)) {
            *next = {v, t};
            return r_count + t;
          }
        }
      } else {
        int t = v - r_count;
        for (int r = 0; r < r_count; ++r) {
          if (r != last.r && fractional(r, t)) {
            *next = {r, t};
            return r;
          }
        }
      }
      return -1;
    };
    for (int dir = 0; dir < 2 && cycle.empty(); ++dir) {
      while (true) {
        int v = dir == 0 ? verts.back() : verts.front();
        const Edge& last = dir == 0 ? edges.back() : edges.front();
        Edge e{};
        int w = step(v, last, &e);
        if (w < 0) break;
        auto at = std::find(verts.begin(), verts.end(), w);
        if (at != verts.end()) {
          // The cycle: the edges between w's position and v, plus e.
          size_t p = static_cast<size_t>(at - verts.begin());
          if (dir == 0) {
            cycle.assign(edges.begin() + static_cast<long>(p), edges.end());
          } else {
            cycle.assign(edges.begin(), edges.begin() + static_cast<long>(p));
          }
          cycle.push_back(e);
          break;
        }
        if (dir == 0) {
          verts.push_back(w);
          edges.push_back(e);
        } else {
          verts.insert(verts.begin(), w);
          edges.insert(edges.begin(), e);
        }
      }
    }
    // A cycle closed at the front (dir 1) lists its edges in walk order too;
    // either way consecutive edges share a vertex, so alternating signs keep
    // every inner vertex's sum.
    const std::vector<Edge>& chain = cycle.empty() ? edges : cycle;
    double alpha = std::numeric_limits<double>::infinity(), beta = alpha;
    for (size_t i = 0; i < chain.size(); ++i) {
      double v = x[chain[i].r][chain[i].t];
      alpha = std::min(alpha, i % 2 == 0 ? 1 - v : v);
      beta = std::min(beta, i % 2 == 0 ? v : 1 - v);
    }
    const bool up = unit(rng) < beta / (alpha + beta);
    for (size_t i = 0; i < chain.size(); ++i) {
      double& v = x[chain[i].r][chain[i].t];
      double delta = up ? alpha : -beta;
      v += i % 2 == 0 ? delta : -delta;
      if (v < kEps) v = 0;
      if (v > 1 - kEps) v = 1;
    }
  }
  std::vector<std::vector<int>> out(r_count);
  for (int r = 0; r < r_count; ++r) {
    for (int t = 0; t < n; ++t) {
      if (x[r][t] > 0.5) out[r].push_back(t);
    }
  }
  return out;
}

Result<std::vector<ResourceKind>> ParseUnitKinds(const std::string& text, const std::string& label,
                                                 const std::vector<Target>& targets) {
  auto reader = CsvReader::FromString(text, {});
  ASSIGN_OR_RETURN(auto rows, ReadCsvTable(*reader, label, {"kind", "count"}));
  return UnitKindsFromRows(rows, label, targets);
}

Result<std::vector<ResourceKind>> LoadUnitKinds(const std::string& path, const std::vector<Target>& targets) {
  ASSIGN_OR_RETURN(auto rows, LoadCsvTable(path, {"kind", "count"}));
  return UnitKindsFromRows(rows, path, targets);
}

}  // namespace faultline
