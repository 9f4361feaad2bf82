#include "plan/risk.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "common/date.h"

namespace faultline {
namespace {

// Militant attacks the defender plans against: drone and air strikes are
// state action (US forces 2004-2018, Pakistan's air force), not threats.
bool IsAttack(const IncidentFacts& f) {
  if (f.attack_type == AttackType::kDroneOrAirStrike) return false;
  return f.event_type == EventType::kBattles || f.event_type == EventType::kExplosionsRemoteViolence ||
         f.event_type == EventType::kViolenceAgainstCivilians;
}

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Killed + injured, best estimates, militants not counted.
double Harmed(const IncidentFacts& f) {
  double cas = 0;
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    if (c == static_cast<size_t>(CasualtyCategory::kMilitants)) continue;
    cas += f.killed[c] + f.injured[c];
  }
  return cas;
}

struct Fact {
  int target;
  int32_t date;
  double casualties;
  std::string group;
};

}  // namespace

Result<ThreatTable> ThreatFromHistory(Store* store, const Filter& filter, const HistoryOptions& o) {
  if (o.window_days < 1) return InvalidArgument("the history window must be at least 1 day");
  ThreatTable table;
  std::unordered_map<std::string, int> index;
  std::vector<Fact> facts;
  int32_t latest = INT32_MIN;
  RETURN_IF_ERROR(store->ScanFacts(filter, [&](const IncidentFacts& f) {
    if (!IsAttack(f)) return;
    if (f.admin2.empty()) {
      ++table.without_district;
      return;
    }
    std::string id = f.country + "/" + f.admin1 + "/" + f.admin2;
    auto [it, added] = index.emplace(id, static_cast<int>(table.targets.size()));
    if (added) {
      TargetThreat t;
      t.id = id;
      t.country = f.country;
      t.admin1 = f.admin1;
      t.name = f.admin2;
      table.targets.push_back(std::move(t));
    }
    facts.push_back({it->second, f.date, Harmed(f), f.perpetrator.empty() ? "unknown" : f.perpetrator});
    latest = std::max(latest, f.date);
  }));
  if (table.targets.empty()) {
    return FailedPrecondition("no attacks with a district match the filter (" + std::to_string(table.without_district) +
                              " without one); import data first or widen the filter");
  }
  const int32_t as_of = o.as_of.value_or(latest);
  const int32_t from = as_of - o.window_days + 1;
  table.window_days = o.window_days;
  table.source = "history " + CivilDate(from).ToString() + ".." + CivilDate(as_of).ToString() + " (" +
                 std::to_string(o.window_days) + " days)";
  double total_cas = 0, total_n = 0;
  std::map<std::string, double> groups;
  for (const Fact& f : facts) {
    TargetThreat& t = table.targets[f.target];
    if (f.date > as_of) continue;
    t.attacks_all += 1;
    t.casualties += f.casualties;
    total_cas += f.casualties;
    total_n += 1;
    if (f.date >= from) {
      t.attacks += 1;
      t.attacks_by_group[f.group] += 1;
      groups[f.group] += 1;
    }
  }
  table.mean_consequence = total_n > 0 ? total_cas / total_n : 0;
  for (TargetThreat& t : table.targets) {
    t.rate_per_30d = t.attacks * 30.0 / o.window_days;
    t.consequence = table.mean_consequence > 0
                        ? (t.casualties + o.shrinkage * table.mean_consequence) / (t.attacks_all + o.shrinkage)
                        : 1.0;
  }
  std::sort(table.targets.begin(), table.targets.end(),
            [](const TargetThreat& a, const TargetThreat& b) { return a.id < b.id; });
  table.groups.assign(groups.begin(), groups.end());
  std::stable_sort(table.groups.begin(), table.groups.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return table;
}

namespace {

// The forecast panel's label for the unit an incident falls in
// (forecast/panel.cc); "" for grid cells, which history is not matched on.
std::string UnitLabel(const std::string& kind, const IncidentFacts& f) {
  auto or_unknown = [](const std::string& s) { return s.empty() ? std::string("(unknown)") : s; };
  if (kind == "country") return or_unknown(f.country);
  if (kind == "admin1") return or_unknown(f.admin1);
  if (kind == "admin2") return or_unknown(f.admin1) + " / " + or_unknown(f.admin2);
  return "";
}

std::string TargetKind(const std::string& unit_kind) {
  if (unit_kind == "admin2") return "district";
  if (unit_kind == "admin1") return "province";
  if (unit_kind == "grid") return "cell";
  return unit_kind;
}

double PeriodDays(const std::string& period) { return period == "week" ? 7.0 : 365.2425 / 12; }

}  // namespace

Result<ThreatTable> ThreatFromForecast(Store* store, const Filter& history, const ForecastThreatOptions& o) {
  if (o.horizon < 1) return InvalidArgument("the forecast horizon must be at least 1");
  if (o.group_window_days < 1) return InvalidArgument("the group window must be at least 1 day");
  ASSIGN_OR_RETURN(std::vector<ForecastRecord> all, store->Forecasts(o.run));
  if (all.empty()) return NotFound("forecast run \"" + o.run + "\" has no records");
  const std::string run = all.front().run;
  if (all.front().measure != "incidents") {
    return InvalidArgument("forecast run \"" + run + "\" forecasts " + all.front().measure +
                           "; plan needs a run of the incidents measure (pass a killed run as the casualty forecast)");
  }
  std::vector<ForecastRecord> recs;
  std::map<int32_t, int> horizons;
  for (auto& r : all) {
    ++horizons[r.horizon];
    if (r.horizon == o.horizon) recs.push_back(std::move(r));
  }
  if (recs.empty()) {
    std::string have;
    for (const auto& [h, n] : horizons) have += (have.empty() ? "" : ", ") + std::to_string(h);
    return InvalidArgument("forecast run \"" + run + "\" has no horizon " + std::to_string(o.horizon) + " (it has " +
                           have + ")");
  }
  const ForecastRecord head = recs.front();
  ThreatTable table;
  std::map<std::string, int> index;
  int unknown_units = 0;
  double unknown_attacks = 0;
  for (const ForecastRecord& r : recs) {
    if (!std::isfinite(r.mean) || r.mean < 0) {
      return InvalidArgument("forecast " + std::to_string(r.id) + " (" + r.unit + "): mean " + Fmt("%g", r.mean) +
                             " is not a count");
    }
    if (r.unit.find("(unknown)") != std::string::npos) {  // no place to send a unit to
      ++unknown_units;
      unknown_attacks += r.mean;
      continue;
    }
    if (!index.emplace(r.unit, static_cast<int>(table.targets.size())).second) {
      return InvalidArgument("forecast run \"" + run + "\" has unit \"" + r.unit + "\" twice at horizon " +
                             std::to_string(o.horizon));
    }
    TargetThreat t;
    t.id = r.unit;
    t.name = r.unit;
    t.attacks = r.mean;
    t.rate_per_30d = r.mean * 30 / PeriodDays(r.period);
    table.targets.push_back(std::move(t));
  }
  // History: the consequence (when no casualty run) and who attacks where.
  struct Seen {
    double attacks = 0, casualties = 0;
    std::map<std::string, double> groups;
    std::string country, admin1, admin2;
  };
  std::map<std::string, Seen> seen;
  const int32_t group_from = head.train_to - o.group_window_days + 1;
  double hist_n = 0, hist_cas = 0;
  RETURN_IF_ERROR(store->ScanFacts(history, [&](const IncidentFacts& f) {
    if (!IsAttack(f) || f.date > head.train_to) return;
    std::string label = UnitLabel(head.unit_kind, f);
    auto it = index.find(label);
    if (it == index.end()) return;
    Seen& s = seen[label];
    s.attacks += 1;
    s.casualties += Harmed(f);
    hist_n += 1;
    hist_cas += Harmed(f);
    if (f.date >= group_from) s.groups[f.perpetrator.empty() ? "unknown" : f.perpetrator] += 1;
    s.country = f.country;
    s.admin1 = f.admin1;
    s.admin2 = f.admin2;
  }));
  std::string consequence_source;
  if (!o.casualty_run.empty()) {
    ASSIGN_OR_RETURN(std::vector<ForecastRecord> killed, store->Forecasts(o.casualty_run));
    std::map<std::string, double> by_unit;
    for (const ForecastRecord& r : killed) {
      if (r.horizon != o.horizon) continue;
      if (r.measure != "killed" || r.unit_kind != head.unit_kind || r.period != head.period ||
          r.target != head.target) {
        return InvalidArgument("casualty forecast run \"" + r.run + "\" (" + r.measure + " per " + r.unit_kind +
                               " for " + r.target + ") does not match: it must forecast killed per " + head.unit_kind +
                               " for " + head.target);
      }
      by_unit[r.unit] = r.mean;
    }
    double sum_k = 0, sum_a = 0;
    for (const TargetThreat& t : table.targets) {
      auto it = by_unit.find(t.id);
      if (it == by_unit.end()) {
        return InvalidArgument("casualty forecast run \"" + o.casualty_run + "\" has no unit \"" + t.id +
                               "\" at horizon " + std::to_string(o.horizon));
      }
      sum_k += it->second;
      sum_a += t.attacks;
    }
    table.mean_consequence = sum_a > 0 ? sum_k / sum_a : 0;
    for (TargetThreat& t : table.targets) {
      t.casualties = by_unit[t.id];
      t.attacks_all = t.attacks;
      t.consequence = table.mean_consequence > 0
                          ? (t.casualties + o.shrinkage * table.mean_consequence) / (t.attacks + o.shrinkage)
                          : 1.0;
    }
    consequence_source = "consequence = forecast killed per forecast attack (run " + killed.front().run + ")";
  } else {
    table.mean_consequence = hist_n > 0 ? hist_cas / hist_n : 0;
    for (TargetThreat& t : table.targets) {
      auto it = seen.find(t.id);
      if (it != seen.end()) {
        t.attacks_all = it->second.attacks;
        t.casualties = it->second.casualties;
      }
      t.consequence = table.mean_consequence > 0
                          ? (t.casualties + o.shrinkage * table.mean_consequence) / (t.attacks_all + o.shrinkage)
                          : 1.0;
    }
    consequence_source =
        hist_n > 0 ? "consequence = casualties per attack in the store up to " + CivilDate(head.train_to).ToString()
                   : "no attacks in the store: every unit's consequence is 1";
  }
  std::map<std::string, double> groups;
  for (TargetThreat& t : table.targets) {
    auto it = seen.find(t.id);
    double n = 0;
    if (it != seen.end()) {
      for (const auto& [g, c] : it->second.groups) n += c;
      t.country = it->second.country;
      t.admin1 = it->second.admin1;
      if (head.unit_kind == "admin2") t.name = it->second.admin2;
    }
    if (n == 0) {
      t.attacks_by_group["unknown"] = t.attacks;
    } else {
      for (const auto& [g, c] : it->second.groups) t.attacks_by_group[g] = t.attacks * c / n;
    }
    for (const auto& [g, c] : t.attacks_by_group) groups[g] += c;
  }
  table.groups.assign(groups.begin(), groups.end());
  std::stable_sort(table.groups.begin(), table.groups.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  table.window_days = static_cast<int32_t>(std::lround(PeriodDays(head.period)));
  table.source = "forecast run " + run + " (" + head.model + " " + head.model_version + "; " + head.measure + " per " +
                 head.unit_kind + " per " + head.period + ", horizon " + std::to_string(o.horizon) + " = " +
                 head.target + ", trained " + CivilDate(head.train_from).ToString() + ".." +
                 CivilDate(head.train_to).ToString() + "): attacks_d = the forecast mean; " + consequence_source;
  if (unknown_units > 0) {
    table.source += "; " + std::to_string(unknown_units) + " units of unknown place left out (" +
                    Fmt("%.2f", unknown_attacks) + " expected attacks)";
  }
  if (table.targets.empty()) return FailedPrecondition("forecast run \"" + run + "\" has no unit with a known place");
  for (TargetThreat& t : table.targets) t.kind = TargetKind(head.unit_kind);
  table.from_forecast = true;
  return table;
}

std::string PayoffFormula(const PayoffRule& r) {
  return "share_d = (attacks_d + " + Fmt("%g", r.prior) + ") / (sum attacks + " + Fmt("%g", r.prior) +
         " D); C_d = mean casualties (killed+injured, not militants) per attack, shrunk to the overall mean; "
         "loss_d = 100 C_d / max C; V_d = 100 share_d C_d / max(share C); "
         "defender covered = -" +
         Fmt("%g", 1 - r.effectiveness) +
         " loss_d, uncovered = -loss_d; "
         "attacker covered = -" +
         Fmt("%g", r.attacker_penalty) + " V_d, uncovered = V_d";
}

namespace {

// V_d for attacks counted in `attacks` (per target) out of `total`.
std::vector<double> Values(const ThreatTable& threat, const std::vector<double>& attacks, double total,
                           const PayoffRule& r, std::vector<double>* shares) {
  const double d = static_cast<double>(threat.targets.size());
  std::vector<double> v(attacks.size());
  double top = 0;
  shares->resize(attacks.size());
  for (size_t t = 0; t < attacks.size(); ++t) {
    (*shares)[t] = (attacks[t] + r.prior) / (total + r.prior * d);
    v[t] = (*shares)[t] * threat.targets[t].consequence;
    top = std::max(top, v[t]);
  }
  for (double& x : v) x = top > 0 ? 100 * x / top : 100;
  return v;
}

std::vector<double> Losses(const ThreatTable& threat) {
  double top = 0;
  for (const auto& t : threat.targets) top = std::max(top, t.consequence);
  std::vector<double> loss;
  for (const auto& t : threat.targets) loss.push_back(top > 0 ? 100 * t.consequence / top : 100);
  return loss;
}

Payoffs Make(double loss, double value, const PayoffRule& r) {
  Payoffs p;
  p.defender_uncovered = -loss;
  p.defender_covered = -(1 - r.effectiveness) * loss;
  p.attacker_uncovered = value;
  p.attacker_covered = -r.attacker_penalty * value;
  return p;
}

Target BaseTarget(const TargetThreat& t) {
  Target out;
  out.id = t.id;
  out.name = t.name;
  out.kind = t.kind;
  return out;
}

}  // namespace

SecurityGame GameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources) {
  SecurityGame g;
  g.resources = resources;
  std::vector<double> attacks;
  double total = 0;
  for (const auto& t : threat.targets) {
    attacks.push_back(t.attacks);
    total += t.attacks;
  }
  std::vector<double> shares;
  std::vector<double> value = Values(threat, attacks, total, rule, &shares);
  std::vector<double> loss = Losses(threat);
  for (size_t i = 0; i < threat.targets.size(); ++i) {
    const TargetThreat& t = threat.targets[i];
    Target out = BaseTarget(t);
    out.payoffs = Make(loss[i], value[i], rule);
    const std::string count = threat.from_forecast ? Fmt("%.2f", t.attacks) + " attacks expected ("
                                                   : Fmt("%.0f", t.attacks) + " attacks in window (";
    out.basis = count + Fmt("%.2f", t.rate_per_30d) + "/30d, share " + Fmt("%.3f", shares[i]) +
                "); C=" + Fmt("%.1f", t.consequence) + " casualties/attack over " + Fmt("%.4g", t.attacks_all) +
                " attacks; loss=" + Fmt("%.1f", loss[i]) + ", V=" + Fmt("%.1f", value[i]);
    g.targets.push_back(std::move(out));
  }
  return g;
}

BayesianGame BayesianGameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources) {
  BayesianGame g;
  g.resources = resources;
  std::vector<double> loss = Losses(threat);
  for (const auto& t : threat.targets) {
    Target out = BaseTarget(t);
    out.basis = "C=" + Fmt("%.1f", t.consequence) + " casualties/attack; loss=" + Fmt("%.1f", loss[g.targets.size()]);
    g.targets.push_back(std::move(out));
  }
  std::vector<std::string> named;
  for (const auto& [name, n] : threat.groups) {
    if (static_cast<int>(named.size()) >= rule.max_types) break;
    if (name == "unknown") continue;
    named.push_back(name);
  }
  auto type_of = [&](const std::string& group) {
    return std::find(named.begin(), named.end(), group) != named.end() ? group : std::string("other or unknown");
  };
  std::vector<std::string> type_names = named;
  type_names.push_back("other or unknown");
  for (const std::string& type : type_names) {
    std::vector<double> attacks(threat.targets.size(), 0);
    double total = 0;
    for (size_t i = 0; i < threat.targets.size(); ++i) {
      for (const auto& [group, n] : threat.targets[i].attacks_by_group) {
        if (type_of(group) == type) {
          attacks[i] += n;
          total += n;
        }
      }
    }
    if (total == 0) continue;
    std::vector<double> shares;
    std::vector<double> value = Values(threat, attacks, total, rule, &shares);
    AttackerType a;
    a.name = type;
    a.weight = total;
    for (size_t i = 0; i < threat.targets.size(); ++i) a.payoffs.push_back(Make(loss[i], value[i], rule));
    g.types.push_back(std::move(a));
  }
  return g;
}

}  // namespace faultline
