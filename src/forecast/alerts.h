// Alerts: rules an analyst sets on forecasts and recent data, evaluated per
// unit, and their delivery by webhook.
//
//   probability   P(count >= at_least) in the period `horizon` ahead > above
//                 ("P(>= 5 attacks in a district next month) > 0.5")
//   changepoint   a change point (PELT, Poisson cost, MBIC penalty) in the
//                 last `within` periods — "something changed in the last 4 weeks"
//   above_max     the forecast mean for some horizon exceeds the maximum of
//                 the last `window` periods ("above the 52-week maximum"), and
//                 is at least 0.5 (a unit with no events has maximum 0)
//
// Rules are a JSON array of objects:
//   [{"name": "district surge", "kind": "probability", "at_least": 5, "above": 0.5, "horizon": 1},
//    {"name": "regime change", "kind": "changepoint", "within": 4},
//    {"name": "record", "kind": "above_max", "window": 52}]
// Plain values and functions; thread-safe. PostWebhook blocks while it retries.
#ifndef FAULTLINE_FORECAST_ALERTS_H_
#define FAULTLINE_FORECAST_ALERTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "forecast/models.h"
#include "forecast/panel.h"

namespace faultline {

struct AlertRule {
  enum class Kind { kProbability, kChangepoint, kAboveMax };
  std::string name;
  Kind kind = Kind::kProbability;
  int64_t at_least = 5;  // probability
  double above = 0.5;    // probability
  int horizon = 1;       // probability: which period ahead (1 = next)
  int within = 4;        // changepoint: periods back
  int window = 52;       // above_max: periods of history
};

std::string_view Name(AlertRule::Kind k);
// InvalidArgument naming the rule (by position) and the field at fault.
Result<std::vector<AlertRule>> ParseAlertRules(std::string_view json);
// "P(count >= 5) in the next period > 0.5".
std::string DescribeRule(const AlertRule& r);

struct Alert {
  std::string rule;
  std::string kind;
  std::string unit;
  std::string period;   // the period it concerns ("2024-03")
  double value = 0;     // the probability, forecast mean, or new segment mean
  double threshold = 0; // what it crossed
  std::string message;  // one line for a person
};

// Every alert the rules raise on `panel` (data to its end) and `forecast`
// (per unit, horizons 1..H after the panel's end). Rules needing a horizon
// beyond H are skipped.
std::vector<Alert> EvaluateAlerts(const std::vector<AlertRule>& rules, const Panel& panel,
                                  const UnitForecasts& forecast);

// {"alerts": [{rule, kind, unit, period, value, threshold, message}, ...], "source": "faultline"}
std::string AlertsJson(const std::vector<Alert>& alerts);

struct WebhookOptions {
  int attempts = 4;              // tries in all
  int initial_backoff_ms = 250;  // doubled after every failed try
  int timeout_ms = 10000;        // per try
};

// POSTs `json` to `url` (Content-Type: application/json). A 2xx answer is
// success; a connection failure, a timeout, 429 or 5xx is retried with
// backoff; other statuses fail at once. Unavailable after the last try,
// InvalidArgument for a 4xx, with the status and URL in the message.
Status PostWebhook(const std::string& url, const std::string& json, const WebhookOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_ALERTS_H_
