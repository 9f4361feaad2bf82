// A plan end to end, shared by `faultline plan allocate|patrol` and the
// server's /plans: targets and attacker types from the incident history or
// a stored forecast run, the allocation under one of three attacker models
// (or unit kinds that may only cover some targets) with a reason per
// target, deployments and patrol shifts drawn from a seed, and the JSON of
// each. Schedules and seeds are secret outside the admin role: the JSON of
// an allocation or a patrol plan never contains them; only the
// *ScheduleJson functions do, and their callers keep them to admins (a 0600
// file, an admin-only route). Plain functions; thread-safe.
//
//   ASSIGN_OR_RETURN(ThreatGame g, GameFromHistory(store, filter, {}, {}, 4, false));
//   ASSIGN_OR_RETURN(Allocation a, Allocate(g.targets, g.attackers, {.model = "sse", .resources = 4}));
//   std::puts(AllocationJson(a, g.targets, {.source = g.source}, 2).c_str());
#ifndef FAULTLINE_PLAN_ALLOCATE_H_
#define FAULTLINE_PLAN_ALLOCATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faultline/store.h"
#include "plan/game.h"
#include "plan/heterogeneous.h"
#include "plan/patrol.h"
#include "plan/quantal.h"
#include "plan/risk.h"
#include "plan/schedule.h"

namespace faultline {

// Targets (districts, with the gazetteer's coordinates when it has them)
// and, with `with_types`, attacker types from who attacked what.
struct ThreatGame {
  std::vector<Target> targets;
  std::vector<AttackerType> attackers;
  std::string source;   // the window, and attacks left out for want of a district
  std::string formula;  // the payoff formula in words
};
Result<ThreatGame> GameFromHistory(Store* store, const Filter& filter, const HistoryOptions& history,
                                   const PayoffRule& rule, double resources, bool with_types);
// The same from a stored forecast run (risk.h's ThreatFromForecast: expected
// attacks per unit at the horizon; consequence from history or a killed run).
Result<ThreatGame> GameFromForecast(Store* store, const Filter& filter, const ForecastThreatOptions& forecast,
                                    const PayoffRule& rule, double resources, bool with_types);
// Both of the above after their threat table is read.
ThreatGame GameFromThreatTable(const ThreatTable& threat, const PayoffRule& rule, double resources,
                               bool with_types);

struct AllocationOptions {
  std::string model = "sse";  // sse (ORIGAMI), bayesian (DOBSS), qr (quantal response)
  double resources = 1;
  double lambda = 0.1;        // qr, and the deviation report
  int grid = 20;              // qr coverage steps per unit
  double milp_seconds = 600;  // bayesian: time limit of the MILP
  // sse only: unit kinds that may only cover some targets, with their own
  // effectiveness (heterogeneous.h); then the kinds' slots are the
  // resources and `resources` is ignored. Empty = identical units.
  std::vector<ResourceKind> kinds;
};
struct TargetAllocation {
  double coverage = 0, attacker_utility = 0, defender_utility = 0;
  bool in_attack_set = false;
  std::string reason;  // why this coverage, in words
};
struct AttackerTypeOutcome {
  std::string name;
  double weight = 0;  // normalised
  std::string attacks;  // target id
  double attacker_utility = 0, defender_utility = 0;
};
struct Allocation {
  std::string model;
  double resources = 0, lambda = 0;
  int grid = 0;
  std::vector<double> coverage;
  std::vector<TargetAllocation> rows;  // per target
  double defender_utility = 0;
  double attacker_utility = 0;  // sse: the attack-set level
  std::string attacked;         // sse: target id
  size_t attack_set_size = 0;   // sse
  int iterations = 0;           // qr: binary search steps
  std::vector<AttackerTypeOutcome> types;  // bayesian
  std::vector<Deviation> deviations;       // if the attacker is not the one modelled
  std::vector<ResourceKind> kinds;               // with unit kinds
  std::vector<std::vector<double>> assignment;  // with unit kinds: y[kind][target]
};
// InvalidArgument for an unknown model, a bayesian model without attacker
// types or unit kinds with a model other than sse; the solvers' errors
// otherwise.
Result<Allocation> Allocate(const std::vector<Target>& targets, const std::vector<AttackerType>& attackers,
                            const AllocationOptions& options);

// Words that go with an allocation's JSON (none of them secret).
struct AllocationNotes {
  std::string source, formula = "as given", schedule;
};
// {"model", "resources", "source", "payoff_formula", "tie_break", "summary",
// "targets": [...], "if_the_attacker_deviates", "schedule"} (with unit kinds
// the summary has "unit_kinds", each kind's expected slots used): the shape of
// `faultline plan allocate --format json`. No schedule, no seed.
std::string AllocationJson(const Allocation& a, const std::vector<Target>& targets, const AllocationNotes& notes,
                           int indent);

// `days` daily deployments of the allocation's coverage; with no unit types,
// ceil(resources) single-target units named "unit". With unit kinds `units`
// is ignored: each day is drawn by dependent rounding over kinds x targets
// (DrawAssignment) and the units are named "<kind>-<n>". InvalidArgument for
// days outside 1..3660; Internal when the coverage exceeds the slots.
Result<std::vector<DayDeployment>> DrawAllocationSchedule(const Allocation& a, std::vector<UnitType> units, int days,
                                                          uint64_t seed);
// SECRET: the deployments and the seed, for admins only.
std::string DeploymentScheduleJson(const Allocation& a, const std::vector<DayDeployment>& days,
                                   const std::vector<Target>& targets, uint64_t seed, int indent);

// The targets a unit kind may cover, from what a user wrote (the CLI's
// --unit-kinds CSV, the API's unit_kinds): each entry a target's id, name or
// kind ("district", "segment"); no entries, or a "*" among them, mean every
// target (an empty ResourceKind::allowed); empty entries are skipped. Returns ascending target indices.
// InvalidArgument "<where>: no target, name or kind \"x\"" for an entry
// that matches no target.
Result<std::vector<int>> UnitKindTargets(const std::vector<Target>& targets, const std::vector<std::string>& wanted,
                                         const std::string& where);

// A random seed from the OS unless one is given.
uint64_t ChooseSeed(const std::optional<uint64_t>& given);

// Per segment: whether it is a best crossing, and why it has its coverage.
struct PatrolExplained {
  std::vector<bool> best;
  std::vector<std::string> reason;
  double expected_units = 0;  // units out per shift on average
};
PatrolExplained ExplainPatrol(const Border& border, const PatrolPlan& plan);
// {"border", "units", "range_km", "model", "worst_case", "expected_units_out",
// "windows", "segments": [...], "schedule"}: the shape of `faultline plan
// patrol --format json`. No shifts, no seed.
std::string PatrolJson(const Border& border, const std::string& border_label, int units, double range_km,
                       const PatrolPlan& plan, const std::string& schedule_note, int indent);
// SECRET: `days` shifts and the seed, for admins only. Internal when the
// plan cannot be drawn.
Result<std::string> PatrolScheduleJson(const Border& border, const std::string& border_label, const PatrolPlan& plan,
                                       int units, int days, uint64_t seed, int indent);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_ALLOCATE_H_
