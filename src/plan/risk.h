// Threat per target — the input the payoff formulas need — and the games
// built from it. The table is filled either from incident history
// (ThreatFromHistory, over Store::ScanFacts) or from a stored forecast run
// (ThreatFromForecast: attacks_d = the forecast's expected count for the
// chosen horizon); everything downstream is the same.
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
  std::string kind = "district";                   // district | province | country | cell
  double attacks = 0;                              // in the window (a forecast's expected count)
  double rate_per_30d = 0;                         // attacks per 30 days in the window (a forecast's expected count)
  double attacks_all = 0;                          // whole history (for the consequence)
  double casualties = 0;                           // killed + injured, not counting militants, whole history
  double consequence = 0;                          // C_d, shrunk mean casualties per attack
  std::map<std::string, double> attacks_by_group;  // in the window
};

struct ThreatTable {
  std::string source;  // "history 2023-01-01..2023-12-31 (365 days)" or "forecast ..."
  int32_t window_days = 0;
  std::vector<TargetThreat> targets;
  std::vector<std::pair<std::string, double>> groups;  // attacks in the window, most first
  double mean_consequence = 0;                         // C̄
  int64_t without_district = 0;                        // attacks left out: no admin2
  bool from_forecast = false;                          // attacks are expected counts, not observed ones
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

struct ForecastThreatOptions {
  std::string run;                  // forecast run of the incidents measure; "" = the latest run stored
  int32_t horizon = 1;              // which period ahead (1 = the first period after the training data)
  std::string casualty_run;         // optional run of the killed measure over the same units, period, horizon
  double shrinkage = 5;             // k, for the consequence
  int32_t group_window_days = 365;  // history before the training end for who attacks where
};

// Targets are the forecast's units (districts, provinces, countries or grid
// cells). attacks_d (and the share) = the forecast mean for the horizon;
// rate_per_30d = that mean per 30 days of the period. The consequence C_d
// is, with a casualty run, (E killed_d + k C̄) / (E attacks_d + k), C̄ the
// ratio of the sums; without one, the shrunk mean casualties per attack of
// the unit's history in the store (matched by the forecast's unit label;
// every unit gets C = 1 when the store has no attacks). attacks_by_group
// spreads each unit's forecast over the groups in proportion to the unit's
// attacks in the `group_window_days` before the training end ("unknown"
// when it has none). `history` filters those attacks.
// NotFound for no such run; InvalidArgument for a run that is not of the
// incidents measure, a horizon the run does not have, or a casualty run
// that does not match it.
Result<ThreatTable> ThreatFromForecast(Store* store, const Filter& history, const ForecastThreatOptions& options);

struct PayoffRule {
  double prior = 0.5;             // a
  double effectiveness = 0.8;     // e: share of the loss coverage prevents
  double attacker_penalty = 0.5;  // p: attacker's loss when caught, relative to V
  int max_types = 3;              // named attacker types; the rest are "other or unknown"
};

std::string PayoffFormula(const PayoffRule& rule);
// Targets carry `basis`, the numbers that went into their payoffs.
SecurityGame GameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources);
BayesianGame BayesianGameFromThreat(const ThreatTable& threat, const PayoffRule& rule, double resources);

}  // namespace faultline

#endif  // FAULTLINE_PLAN_RISK_H_
