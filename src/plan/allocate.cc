#include "plan/allocate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "common/date.h"
#include "gazetteer/gazetteer.h"
#include "plan/bayesian.h"
#include "plan/sse.h"

namespace faultline {

using Json = nlohmann::ordered_json;

namespace {

std::string F(double v, int digits = 3) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string Dump(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

// Coverage and both utilities of a target; the reason is the caller's.
TargetAllocation RowAt(const Payoffs& p, double coverage, bool in_attack_set) {
  TargetAllocation r;
  r.coverage = coverage;
  r.attacker_utility = p.Attacker(coverage);
  r.defender_utility = p.Defender(coverage);
  r.in_attack_set = in_attack_set;
  return r;
}

// An SSE's summary (ORIGAMI's or with unit kinds) and its deviation report.
void SetSseSummary(const Solution& s, const std::vector<Target>& targets, const std::vector<Payoffs>& payoffs,
                   double lambda, Allocation* a) {
  a->defender_utility = s.defender_utility;
  a->attacker_utility = s.attacker_utility;
  a->attacked = targets[s.attacked].id;
  a->attack_set_size = s.attack_set.size();
  a->deviations = DeviationReport(payoffs, a->coverage, lambda);
}

}  // namespace

Result<ThreatGame> GameFromHistory(Store* store, const Filter& filter, const HistoryOptions& history,
                                   const PayoffRule& rule, double resources, bool with_types) {
  ASSIGN_OR_RETURN(ThreatTable threat, ThreatFromHistory(store, filter, history));
  return GameFromThreatTable(threat, rule, resources, with_types);
}

Result<ThreatGame> GameFromForecast(Store* store, const Filter& filter, const ForecastThreatOptions& forecast,
                                    const PayoffRule& rule, double resources, bool with_types) {
  ASSIGN_OR_RETURN(ThreatTable threat, ThreatFromForecast(store, filter, forecast));
  return GameFromThreatTable(threat, rule, resources, with_types);
}

ThreatGame GameFromThreatTable(const ThreatTable& threat, const PayoffRule& rule, double resources,
                               bool with_types) {
  ThreatGame g;
  g.source = threat.source;
  if (threat.without_district > 0) {
    g.source += "; " + std::to_string(threat.without_district) + " attacks without a district left out";
  }
  g.formula = PayoffFormula(rule);
  g.targets = GameFromThreat(threat, rule, resources).targets;
  if (with_types) g.attackers = BayesianGameFromThreat(threat, rule, resources).types;
  Result<const Gazetteer*> gz = Gazetteer::Default();
  for (size_t i = 0; gz.ok() && i < g.targets.size(); ++i) {
    const TargetThreat& t = threat.targets[i];
    const AdminUnit* u = (*gz)->FindAdmin2(t.country, t.name);
    if (u && u->lat && u->lon) {
      g.targets[i].lat = u->lat;
      g.targets[i].lon = u->lon;
    }
  }
  return g;
}

Result<Allocation> Allocate(const std::vector<Target>& targets, const std::vector<AttackerType>& attackers,
                            const AllocationOptions& o) {
  if (o.model != "sse" && o.model != "bayesian" && o.model != "qr") {
    return InvalidArgument("model: \"" + o.model.substr(0, 40) + "\" is not one of sse, bayesian, qr");
  }
  if (o.model == "bayesian" && attackers.empty()) {
    return InvalidArgument("the bayesian model needs attacker types");
  }
  if (!o.kinds.empty() && o.model != "sse") {
    return InvalidArgument("unit kinds work with the sse model (one attacker type, best response)");
  }
  const size_t n = targets.size();
  double resources = o.resources;
  if (!o.kinds.empty()) {
    resources = 0;
    for (const auto& k : o.kinds) resources += k.slots();
  }
  SecurityGame game{targets, resources};
  std::vector<Payoffs> payoffs;
  for (const auto& t : targets) payoffs.push_back(t.payoffs);
  Allocation a;
  a.model = o.model;
  a.resources = resources;
  a.lambda = o.lambda;
  a.grid = o.grid;
  a.rows.resize(n);
  auto& rows = a.rows;
  if (!o.kinds.empty()) {
    ASSIGN_OR_RETURN(HeterogeneousSolution s, SolveHeterogeneous(game, o.kinds));
    a.kinds = o.kinds;
    a.coverage = s.coverage;
    a.assignment = s.assignment;
    const double level = s.attacker_utility;
    std::vector<bool> in_set(n, false);
    for (int t : s.attack_set) in_set[t] = true;
    for (size_t t = 0; t < n; ++t) {
      TargetAllocation& r = rows[t];
      r = RowAt(payoffs[t], a.coverage[t], in_set[t]);
      std::vector<std::string> by;
      bool reachable = false;
      for (size_t k = 0; k < o.kinds.size(); ++k) {
        const ResourceKind& kind = o.kinds[k];
        if (s.assignment[k][t] > 1e-9) {
          by.push_back(kind.name + " " + F(s.assignment[k][t], 2) + " x " + F(kind.effectiveness, 2));
        }
        reachable = reachable || (kind.slots() > 0 && (kind.allowed.empty() ||
                                                         std::binary_search(kind.allowed.begin(), kind.allowed.end(),
                                                                            static_cast<int>(t))));
      }
      if (!reachable) {
        r.reason = "no unit kind may cover it";
      } else if (in_set[t]) {
        r.reason = "in the attack set at level " + F(level, 1);
      } else {
        r.reason = "below the level " + F(level, 1);
      }
      if (!by.empty()) r.reason += "; covered by " + Join(by);
      if (static_cast<int>(t) == s.attacked) r.reason += "; attacked in equilibrium (ties broken for the defender)";
    }
    SetSseSummary(s, targets, payoffs, o.lambda, &a);
  } else if (o.model == "sse") {
    ASSIGN_OR_RETURN(Solution s, SolveOrigami(game));
    const double level = s.attacker_utility;
    std::vector<bool> in_set(n, false);
    for (int t : s.attack_set) in_set[t] = true;
    Solution spent = s;
    SpendSpareResources(game, &spent);
    a.coverage = spent.coverage;
    for (size_t t = 0; t < n; ++t) {
      TargetAllocation& r = rows[t];
      r = RowAt(payoffs[t], a.coverage[t], in_set[t]);
      const Payoffs& p = payoffs[t];
      if (in_set[t] && s.coverage[t] >= 1 - 1e-12) {
        r.reason = "fully covered and still worth " + F(level, 1) + " to the attacker: the level cannot go lower";
      } else if (in_set[t] && s.coverage[t] > 0) {
        r.reason = "in the attack set: covered until the attacker's payoff falls from " + F(p.attacker_uncovered, 1) +
                   " to the shared level " + F(level, 1);
      } else if (in_set[t]) {
        r.reason = "in the attack set with no coverage: its uncovered payoff equals the level " + F(level, 1);
      } else if (a.coverage[t] > 0) {
        r.reason = "spare units: uncovered payoff " + F(p.attacker_uncovered, 1) + " is already below the level " +
                   F(level, 1) + "; covering it hedges against deviation";
      } else {
        r.reason = "no coverage needed: uncovered payoff " + F(p.attacker_uncovered, 1) + " is below the level " +
                   F(level, 1);
      }
      if (static_cast<int>(t) == s.attacked) r.reason += "; attacked in equilibrium (ties broken for the defender)";
    }
    SetSseSummary(s, targets, payoffs, o.lambda, &a);
  } else if (o.model == "bayesian") {
    BayesianGame bg{targets, attackers, o.resources};
    ASSIGN_OR_RETURN(BayesianSolution s, SolveDobss(bg, o.milp_seconds));
    a.coverage = s.coverage;
    double total_w = 0;
    for (const auto& t : attackers) total_w += t.weight;
    std::vector<std::vector<std::string>> attacked_by(n), in_set_of(n);
    for (size_t l = 0; l < attackers.size(); ++l) {
      const Solution& r = s.by_type[l];
      attacked_by[r.attacked].push_back(attackers[l].name);
      for (int t : r.attack_set) in_set_of[t].push_back(attackers[l].name);
      a.types.push_back({attackers[l].name, attackers[l].weight / total_w, targets[r.attacked].id, r.attacker_utility,
                         r.defender_utility});
    }
    for (size_t t = 0; t < n; ++t) {
      TargetAllocation& r = rows[t];
      r = RowAt(payoffs[t], a.coverage[t], !in_set_of[t].empty());
      if (!attacked_by[t].empty()) {
        r.reason = "attacked by " + Join(attacked_by[t]) + " in equilibrium; coverage " + F(a.coverage[t], 2) +
                   " is the MILP's trade-off across types";
      } else if (!in_set_of[t].empty()) {
        r.reason = "a best target for " + Join(in_set_of[t]) + " too (tie broken for the defender)";
      } else if (a.coverage[t] > 0) {
        r.reason = "covered to keep it below what every type gets elsewhere";
      } else {
        r.reason = "no type prefers it at this coverage";
      }
    }
    a.defender_utility = s.defender_utility;
    // Against each type alone and the worst case, beside the model's mix.
    a.deviations.push_back({"each type best-responds (the model)", -1, s.defender_utility});
    for (size_t l = 0; l < attackers.size(); ++l) {
      a.deviations.push_back({"only " + attackers[l].name + " (best response)", -1, s.by_type[l].defender_utility});
    }
    double worst = 1e300;
    for (size_t t = 0; t < n; ++t) worst = std::min(worst, payoffs[t].Defender(a.coverage[t]));
    a.deviations.push_back({"worst case (any target)", -1, worst});
  } else {
    QrOptions qo;
    qo.lambda = o.lambda;
    qo.grid = o.grid;
    ASSIGN_OR_RETURN(QrSolution s, SolveQuantalResponse(game, qo));
    a.coverage = s.coverage;
    for (size_t t = 0; t < n; ++t) {
      TargetAllocation& r = rows[t];
      r = RowAt(payoffs[t], a.coverage[t], false);
      r.reason = "attacked with probability " + F(s.attack_probability[t], 3) + " by a quantal attacker (lambda " +
                 F(o.lambda, 3) + "); coverage on a 1/" + std::to_string(o.grid) + " grid";
    }
    a.defender_utility = s.defender_utility;
    a.iterations = s.iterations;
    a.deviations = DeviationReport(payoffs, a.coverage, o.lambda);
    auto sse = SolveOrigami(game);
    if (sse.ok()) {
      a.deviations.push_back({"(reference) SSE coverage against this quantal attacker", o.lambda,
                              QuantalDefenderUtility(payoffs, sse->coverage, o.lambda)});
    }
  }
  return a;
}

std::string AllocationJson(const Allocation& a, const std::vector<Target>& targets, const AllocationNotes& notes,
                           int indent) {
  Json out = {{"model", a.model}, {"resources", a.resources}, {"source", notes.source},
              {"payoff_formula", notes.formula},
              {"tie_break", "strong Stackelberg: attacker ties go the defender's way"}};
  Json summary;
  if (a.model == "sse") {
    summary = {{"defender_utility", a.defender_utility}, {"attacker_utility", a.attacker_utility},
               {"attacked", a.attacked}, {"attack_set_size", a.attack_set_size}};
    if (!a.kinds.empty()) {
      Json kinds = Json::array();
      for (size_t k = 0; k < a.kinds.size(); ++k) {
        double used = std::accumulate(a.assignment[k].begin(), a.assignment[k].end(), 0.0);
        kinds.push_back({{"kind", a.kinds[k].name}, {"slots", a.kinds[k].slots()},
                         {"effectiveness", a.kinds[k].effectiveness}, {"expected_slots_used", used}});
      }
      summary["unit_kinds"] = kinds;
    }
  } else if (a.model == "bayesian") {
    Json types = Json::array();
    for (const auto& t : a.types) {
      types.push_back({{"name", t.name}, {"weight", t.weight}, {"attacks", t.attacks},
                       {"attacker_utility", t.attacker_utility}, {"defender_utility", t.defender_utility}});
    }
    summary = {{"defender_utility", a.defender_utility}, {"types", types}};
  } else {
    summary = {{"defender_utility", a.defender_utility}, {"lambda", a.lambda}, {"grid", a.grid},
               {"binary_search_steps", a.iterations}};
  }
  out["summary"] = summary;
  Json ts = Json::array();
  for (size_t t = 0; t < targets.size() && t < a.rows.size(); ++t) {
    const Payoffs& p = targets[t].payoffs;
    const TargetAllocation& r = a.rows[t];
    Json o = {{"id", targets[t].id}, {"name", targets[t].name}, {"kind", targets[t].kind},
              {"coverage", r.coverage}, {"attacker_utility", r.attacker_utility},
              {"defender_utility_if_attacked", r.defender_utility}, {"in_attack_set", r.in_attack_set},
              {"reason", r.reason},
              {"payoffs",
               {{"defender_covered", p.defender_covered}, {"defender_uncovered", p.defender_uncovered},
                {"attacker_covered", p.attacker_covered}, {"attacker_uncovered", p.attacker_uncovered}}},
              {"basis", targets[t].basis}};
    if (targets[t].lat && targets[t].lon) {
      o["lat"] = *targets[t].lat;
      o["lon"] = *targets[t].lon;
    }
    ts.push_back(std::move(o));
  }
  out["targets"] = ts;
  Json dev = Json::array();
  for (const auto& d : a.deviations) {
    Json o = {{"attacker", d.attacker}, {"defender_utility", d.defender_utility}};
    if (d.lambda >= 0) o["lambda"] = d.lambda;
    dev.push_back(o);
  }
  out["if_the_attacker_deviates"] = dev;
  out["schedule"] = notes.schedule;
  return Dump(out, indent);
}

Result<std::vector<DayDeployment>> DrawAllocationSchedule(const Allocation& a, std::vector<UnitType> units, int days,
                                                          uint64_t seed) {
  if (days < 1 || days > 3660) return InvalidArgument("days must be from 1 to 3660");
  if (!a.kinds.empty()) {
    // Dependent rounding: P(kind r at t) = y[r][t] exactly; a kind's slots
    // go to its units in order, the ones left over are reserve.
    std::mt19937_64 rng(seed);
    std::vector<DayDeployment> out;
    for (int d = 0; d < days; ++d) {
      std::vector<std::vector<int>> day = DrawAssignment(a.assignment, rng);
      DayDeployment deployed;
      for (size_t k = 0; k < a.kinds.size(); ++k) {
        size_t next = 0;
        for (int u = 0; u < a.kinds[k].count; ++u) {
          UnitDeployment unit{a.kinds[k].name + "-" + std::to_string(u + 1), {}};
          for (int c = 0; c < a.kinds[k].capacity; ++c, ++next) {
            unit.targets.push_back(next < day[k].size() ? day[k][next] : -1);
          }
          deployed.push_back(std::move(unit));
        }
      }
      out.push_back(std::move(deployed));
    }
    return out;
  }
  int slots = units.empty() ? static_cast<int>(std::ceil(a.resources - 1e-9)) : TotalSlots(units);
  if (units.empty()) units.push_back({"unit", slots, 1});
  double used = 0;
  for (double x : a.coverage) used += x;
  if (used > slots + 1e-6) return Internal("coverage exceeds the slots a day has");
  ASSIGN_OR_RETURN(CombSampler comb, CombSampler::Create(a.coverage, slots));
  return DrawDeployments(comb, units, days, seed);
}

std::string DeploymentScheduleJson(const Allocation& a, const std::vector<DayDeployment>& days,
                                   const std::vector<Target>& targets, uint64_t seed, int indent) {
  Json j = {{"secret", "patrol/deployment schedule: admin only, never log"}, {"seed", seed}, {"model", a.model}};
  if (!a.kinds.empty()) j["sampler"] = "dependent rounding over unit kinds x targets";
  j["days"] = Json::array();
  for (size_t d = 0; d < days.size(); ++d) {
    Json day = {{"day", d + 1}, {"units", Json::array()}};
    for (const auto& u : days[d]) {
      Json ts = Json::array();
      for (int t : u.targets) ts.push_back(t < 0 ? std::string("(reserve)") : targets[t].id);
      day["units"].push_back({{"unit", u.unit}, {"targets", ts}});
    }
    j["days"].push_back(std::move(day));
  }
  return Dump(j, indent);
}

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

uint64_t ChooseSeed(const std::optional<uint64_t>& given) {
  if (given) return *given;
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

PatrolExplained ExplainPatrol(const Border& border, const PatrolPlan& plan) {
  const auto& seg = border.segments;
  PatrolExplained e;
  for (double y : plan.window_probability) e.expected_units += y;
  e.best.assign(seg.size(), false);
  for (int s : plan.best_crossings) e.best[s] = true;
  e.reason.resize(seg.size());
  for (size_t s = 0; s < seg.size(); ++s) {
    if (e.best[s]) {
      e.reason[s] = plan.coverage[s] >= 1 - 1e-9 ? "always patrolled and still a best crossing"
                                                  : "a best crossing: patrolled just enough to hold it to the worst case";
    } else if (plan.coverage[s] > 1e-9) {
      e.reason[s] = "below the worst case; patrolled by windows that reach it, or spare units";
    } else {
      e.reason[s] = "risk " + F(seg[s].risk, 1) + " is below the worst case unpatrolled";
    }
  }
  return e;
}

std::string PatrolJson(const Border& border, const std::string& border_label, int units, double range_km,
                       const PatrolPlan& plan, const std::string& schedule_note, int indent) {
  const auto& seg = border.segments;
  PatrolExplained e = ExplainPatrol(border, plan);
  Json out = {{"border", border_label}, {"units", units}, {"range_km", range_km},
              {"model", "zero-sum: crosser's value = risk * (1 - detection * coverage); minimise its maximum"},
              {"worst_case", plan.worst_case}, {"expected_units_out", e.expected_units},
              {"windows", plan.windows.size()}};
  Json ss = Json::array();
  for (size_t s = 0; s < seg.size(); ++s) {
    Json o = {{"id", seg[s].id}, {"name", seg[s].name}, {"length_km", seg[s].length_km},
              {"terrain", seg[s].terrain}, {"risk", seg[s].risk}, {"detection", seg[s].detection},
              {"coverage", plan.coverage[s]}, {"attacker_value", plan.attacker_value[s]},
              {"best_crossing", static_cast<bool>(e.best[s])}, {"reason", e.reason[s]}};
    if (seg[s].lat && seg[s].lon) {
      o["lat"] = *seg[s].lat;
      o["lon"] = *seg[s].lon;
    }
    ss.push_back(std::move(o));
  }
  out["segments"] = ss;
  out["schedule"] = schedule_note;
  return Dump(out, indent);
}

Result<std::string> PatrolScheduleJson(const Border& border, const std::string& border_label, const PatrolPlan& plan,
                                       int units, int days, uint64_t seed, int indent) {
  if (days < 1 || days > 3660) return InvalidArgument("days must be from 1 to 3660");
  const auto& seg = border.segments;
  auto shifts = DrawShifts(plan, units, days, seed);
  if (shifts.size() != static_cast<size_t>(days)) return Internal("could not draw shifts from the plan");
  Json j = {{"secret", "border patrol schedule: admin only, never log"}, {"seed", seed}, {"border", border_label},
            {"days", Json::array()}};
  for (size_t d = 0; d < shifts.size(); ++d) {
    Json us = Json::array();
    for (size_t u = 0; u < shifts[d].size(); ++u) {
      int w = shifts[d][u];
      Json o = {{"unit", "patrol-" + std::to_string(u + 1)}};
      if (w < 0) {
        o["segments"] = Json::array();
        o["note"] = "held back";
      } else {
        Json ids = Json::array();
        for (int s = plan.windows[w].first; s <= plan.windows[w].last; ++s) ids.push_back(seg[s].id);
        o["segments"] = ids;
      }
      us.push_back(std::move(o));
    }
    j["days"].push_back({{"day", d + 1}, {"units", us}});
  }
  return Dump(j, indent);
}

}  // namespace faultline
