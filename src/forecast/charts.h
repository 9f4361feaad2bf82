// Charts of a backtest, drawn with cairo: the PIT histogram (one panel per
// model; flat is calibrated, U-shaped overconfident, hump-shaped
// underconfident — Czado et al. 2009) and the reliability diagram of
// P(count >= k) (forecast probability against observed frequency; the
// diagonal is calibrated). PNG or SVG by the file's extension. Plain
// functions; thread-safe.
#ifndef FAULTLINE_FORECAST_CHARTS_H_
#define FAULTLINE_FORECAST_CHARTS_H_

#include <string>

#include "forecast/backtest.h"

namespace faultline {

// IoError when the file cannot be written; InvalidArgument for an extension
// other than .png or .svg.
Status WritePitChart(const BacktestResult& r, const std::string& path);
Status WriteReliabilityChart(const BacktestResult& r, const std::string& path);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_CHARTS_H_
