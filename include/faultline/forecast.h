// A stored forecast: the predictive distribution of one count (attacks or
// killed) in one unit and one future period, with what made it — the
// model and its version, the training window, the day it was issued, the
// filter and the seed (architecture §3). The forecast/ stage makes them; the
// Store keeps them (migration 0003); the planner and the dashboard read
// them. Plain value type; thread-safe as a value.
#ifndef FAULTLINE_FORECAST_H_
#define FAULTLINE_FORECAST_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace faultline {

struct ForecastRecord {
  int64_t id = 0;             // 0 until stored
  std::string run;            // groups the records of one forecast run
  std::string model;          // "hawkes", "rolling-nb", ...
  std::string model_version;
  std::string measure;        // "incidents", "killed"
  std::string unit_kind;      // country | admin1 | admin2 | grid
  std::string unit;           // "Balochistan", "Khyber Pakhtunkhwa / Peshawar", "33.25,70.75"
  std::string period;         // week | month
  std::string target;         // the period forecast: "2024-03", "2024-W11"
  int32_t horizon = 1;        // 1 = the period after the training data
  int32_t issued = 0;         // day number the forecast was made
  int32_t train_from = 0;     // first and last day of the training data
  int32_t train_to = 0;
  std::string filter;         // the store filter, in words
  int64_t seed = 0;
  double mean = 0;
  // At 5, 10, 25, 50, 75, 90, 95%.
  std::array<double, 7> quantiles{};
  std::vector<double> p_at_least;  // [k-1] = P(count >= k), k = 1..size
  std::vector<int64_t> samples;    // optional draws

  friend bool operator==(const ForecastRecord&, const ForecastRecord&) = default;
};

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_H_
