// Security games with heterogeneous resources: kinds of units that may only
// cover some targets (police in the cities, FC along the border) and protect
// with different effectiveness. Korzhyk, Conitzer and Parr, "Complexity of
// computing optimal Stackelberg strategies in security resource allocation
// games", AAAI 2010, show that with singleton schedules the defender's
// mixed strategies are exactly the marginals y[r][t] (the probability that
// a unit of kind r is at target t) with
//     sum_t y[r][t] <= slots_r,   sum_r y[r][t] <= 1,   y[r][t] = 0 off r's targets
// (a bipartite polytope: Birkhoff–von Neumann), so the SSE is one LP per
// candidate attacked target (Conitzer and Sandholm 2006) over y, with the
// coverage c_t = sum_r effectiveness_r y[r][t]. A target gets at most one
// unit a shift; a unit of kind r on t stops the attack with probability
// effectiveness_r, so the target's payoffs are U(c_t) as in game.h.
//
//   ASSIGN_OR_RETURN(HeterogeneousSolution s, SolveHeterogeneous(game, kinds));
//   // s.coverage[t], s.assignment[r][t], s.attacked
//   std::vector<std::vector<int>> day = DrawAssignment(s.assignment, kinds, rng);
//
// Stateless; thread-safe.
#ifndef FAULTLINE_PLAN_HETEROGENEOUS_H_
#define FAULTLINE_PLAN_HETEROGENEOUS_H_

#include <random>
#include <string>
#include <vector>

#include "plan/game.h"

namespace faultline {

struct ResourceKind {
  std::string name;
  int count = 1;             // units of this kind
  int capacity = 1;          // targets each unit covers a shift (count x capacity slots)
  double effectiveness = 1;  // P(the attack is stopped | a unit of this kind is at the target), in (0, 1]
  std::vector<int> allowed;  // targets it may cover, ascending; empty = every target
  int slots() const { return count * capacity; }
};

struct HeterogeneousSolution : Solution {
  std::vector<std::vector<double>> assignment;  // y[kind][target]
};

// The targets a unit kind may cover, from what a user wrote (the CLI's
// --unit-kinds CSV, the API's unit_kinds): each entry a target's id, name or
// kind ("district", "segment"); no entries, or a "*" among them, mean every
// target (an empty ResourceKind::allowed); empty entries are skipped. Returns ascending target indices.
// InvalidArgument "<where>: no target, name or kind \"x\"" for an entry
// that matches no target.
Result<std::vector<int>> UnitKindTargets(const std::vector<Target>& targets, const std::vector<std::string>& wanted,
                                         const std::string& where);

// Unit kinds from CSV (`faultline plan allocate --unit-kinds FILE`):
// kind,count[,capacity][,effectiveness][,targets]. `targets` lists,
// ';'-separated, the ids or names of the targets a kind may cover, or a kind
// of target ("district", "segment"); empty or "*" = all. Returns the kinds in
// file order; InvalidArgument "label:line: column c: why" (plan/csv_table.h)
// for a bad cell, more than 1,000,000 slots (count x capacity) in all, or
// "label: no unit kinds".
Result<std::vector<ResourceKind>> ParseUnitKinds(const std::string& text, const std::string& label,
                                                 const std::vector<Target>& targets);
// The same from a file: NotFound / IoError when it cannot be read.
Result<std::vector<ResourceKind>> LoadUnitKinds(const std::string& path, const std::vector<Target>& targets);

// InvalidArgument for a game ValidateGame rejects (game.resources is
// ignored: the kinds are the resources), a kind with count or capacity < 0,
// effectiveness outside (0, 1], or an allowed target out of range.
Status ValidateKinds(const SecurityGame& game, const std::vector<ResourceKind>& kinds);

// The SSE by one LP per candidate attacked target (Clp); ties go the
// defender's way. Internal when Clp fails.
Result<HeterogeneousSolution> SolveHeterogeneous(const SecurityGame& game, const std::vector<ResourceKind>& kinds);

// Brute-force reference for tiny games: every pure deployment of the
// individual units (each slot to one allowed target or idle, at most one
// unit per target), then Conitzer and Sandholm's LP over mixtures of them.
// InvalidArgument when there are more than `max_deployments`.
Result<Solution> SolveHeterogeneousByEnumeration(const SecurityGame& game, const std::vector<ResourceKind>& kinds,
                                                 long max_deployments = 20000);

// One shift drawn so that P(kind r at t) = y[r][t] exactly, each kind uses
// at most its slots and each target gets at most one unit: dependent
// rounding on the kinds x targets graph (Gandhi, Khuller, Parthasarathy,
// Srinivasan, "Dependent rounding and its applications to approximation
// algorithms", JACM 2006). Returns, per kind, the targets its slots take.
std::vector<std::vector<int>> DrawAssignment(const std::vector<std::vector<double>>& y, std::mt19937_64& rng);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_HETEROGENEOUS_H_
