#include "plan/game.h"

#include <cmath>
#include <limits>

namespace faultline {
namespace {

Status CheckPayoffs(const Payoffs& p, const std::string& where) {
  for (double v : {p.defender_covered, p.defender_uncovered, p.attacker_covered, p.attacker_uncovered}) {
    if (!std::isfinite(v)) return InvalidArgument(where + ": payoff is not a finite number");
  }
  if (!(p.defender_covered > p.defender_uncovered)) {
    return InvalidArgument(where + ": defender_covered must be greater than defender_uncovered");
  }
  if (!(p.attacker_covered < p.attacker_uncovered)) {
    return InvalidArgument(where + ": attacker_covered must be less than attacker_uncovered");
  }
  return Status::Ok();
}

Status CheckResources(double m) {
  if (!std::isfinite(m) || m < 0) return InvalidArgument("resources must be a finite number >= 0");
  return Status::Ok();
}

std::string Label(const Target& t, size_t i) {
  return "target " + (t.id.empty() ? std::to_string(i + 1) : "\"" + t.id + "\"");
}

}  // namespace

Status ValidateGame(const SecurityGame& game) {
  RETURN_IF_ERROR(CheckResources(game.resources));
  if (game.targets.empty()) return InvalidArgument("the game has no targets");
  for (size_t i = 0; i < game.targets.size(); ++i) {
    RETURN_IF_ERROR(CheckPayoffs(game.targets[i].payoffs, Label(game.targets[i], i)));
  }
  return Status::Ok();
}

Status ValidateGame(const BayesianGame& game) {
  RETURN_IF_ERROR(CheckResources(game.resources));
  if (game.targets.empty()) return InvalidArgument("the game has no targets");
  if (game.types.empty()) return InvalidArgument("the game has no attacker types");
  double total = 0;
  for (const auto& type : game.types) {
    if (!std::isfinite(type.weight) || type.weight < 0) {
      return InvalidArgument("attacker type \"" + type.name + "\": weight must be a finite number >= 0");
    }
    total += type.weight;
    if (type.payoffs.size() != game.targets.size()) {
      return InvalidArgument("attacker type \"" + type.name + "\": has payoffs for " +
                             std::to_string(type.payoffs.size()) + " targets, the game has " +
                             std::to_string(game.targets.size()));
    }
    for (size_t i = 0; i < type.payoffs.size(); ++i) {
      RETURN_IF_ERROR(CheckPayoffs(type.payoffs[i], "attacker type \"" + type.name + "\", " +
                                                        Label(game.targets[i], i)));
    }
  }
  if (!(total > 0)) return InvalidArgument("attacker type weights sum to zero");
  return Status::Ok();
}

void BestResponse(const std::vector<Payoffs>& payoffs, const std::vector<double>& coverage, Solution* out,
                  double tol) {
  double best = -std::numeric_limits<double>::infinity();
  for (size_t t = 0; t < payoffs.size(); ++t) best = std::max(best, payoffs[t].Attacker(coverage[t]));
  out->attack_set.clear();
  out->attacked = -1;
  double scale = std::max(1.0, std::fabs(best));
  for (size_t t = 0; t < payoffs.size(); ++t) {
    if (payoffs[t].Attacker(coverage[t]) >= best - tol * scale) {
      out->attack_set.push_back(static_cast<int>(t));
      double d = payoffs[t].Defender(coverage[t]);
      if (out->attacked < 0 || d > out->defender_utility) {
        out->attacked = static_cast<int>(t);
        out->defender_utility = d;
      }
    }
  }
  out->attacker_utility = best;
}

}  // namespace faultline
