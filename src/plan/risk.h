// Threat per target — the input the payoff formulas need — and the games
// built from it. Today the table is filled from incident history
// (ThreatFromHistory, over Store::ScanFacts); the forecast stage fills the
// same ThreatTable with predicted rates (rate_per_30d = its expected count,
// source = "forecast ...") and everything downstream stays as it is.
//
// Payoff formulas (shown with every output; PayoffFormula prints them):
//   share_d    = (attacks_d + a) / (sum attacks + a D)      a = prior, D = targets
//   C_d        = (casualties_d + k C̄) / (attacks_all_d + k)  mean casualties per attack, shrunk
//   loss_d     = 100 C_d / max C                            defender's loss if attacked uncovered
//   V_d        = 100 share_d C_d / max(share C)             attacker's value of an uncovered attack
//   Ud = (-(1-e) loss_d covered, -loss_d uncovered),  Ua = (-p V_d covered, V_d uncovered)
// For attacker type g the share uses only g's attacks (who attacked what).
// Stateless; thread-safe.
#ifndef FAULTLINE_PLAN_RISK_H_
#define FAULTLINE_PLAN_RISK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faultline/store.h"
#include "plan/game.h"

namespace faultline {

struct TargetThreat {
  std::string id;  // "PK/Khyber Pakhtunkhwa/Khyber"
  std::string country, admin1, name;
  double attacks = 0;       // in the window
  double rate_per_30d = 0;  // attacks per 30 days in the window (a forecast's expected count)
  double attacks_all = 0;   // whole history (for the consequence)
  double casualties = 0;    // killed + injured, not counting militants, whole history
  double consequence = 0;   // C_d, shrunk mean casualties per attack
  std::map<std::string, double> attacks_by_group;  // in the window
};

struct ThreatTable {
  std::string source;  // "history 2023-01-01..2023-12-31 (365 days)" or "forecast ..."
  int32_t window_days = 0;
  std::vector<TargetThreat> targets;
  std::vector<std::pair<std::string, double>> groups;  // attacks in the window, most first
  double mean_consequence = 0;                          // C̄
  int64_t without_district = 0;  // attacks left out: no admin2
};

struct HistoryOptions {
  int32_t window_days = 365;
  std::optional<int32_t> as_of;  // day number; default: the latest attack matching the filter
  double shrinkage = 5;          // k
};

// Attacks are incidents of event types battles, explosions/remote violence
// and violence against civilians that match `filter`, except drone and air
// strikes (state action); targets are their districts (admin2). FailedPrecondition when no attack has a district.
Result<ThreatTable> ThreatFromHistory(Store* store, const Filter& filter, const HistoryOptions& options);

struct PayoffRule {
  double prior = 0.5;           // a
  double effectiveness = 0.8;   // e: share of the loss coverage prevents
  double attacker_penalty = 0.5;  // p: attacker's loss when caught, relative to V
  int max_types = 3;            // named attacker types; the rest are "other or unknown"
};

std::string PayoffFormula(const PayoffRule& rule);
// Targets carry `basis`, the numbers that went into their payoffs.
SecurityGame GameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources);
BayesianGame BayesianGameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_RISK_H_
