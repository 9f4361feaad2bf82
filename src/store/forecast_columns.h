// The forecasts table's columns, shared by the SQLite and PostgreSQL stores
// (as columns.h is for incidents and phases): the SELECT list, binding a
// record's columns and reading one back. Lists (P(count >= k), samples) are
// stored as space-separated numbers in shortest round-trip form.
#ifndef FAULTLINE_STORE_FORECAST_COLUMNS_H_
#define FAULTLINE_STORE_FORECAST_COLUMNS_H_

#include <string>
#include <string_view>
#include <vector>

#include "faultline/forecast.h"
#include "faultline/status.h"

namespace faultline {

// "id, run, model, ...": what a SELECT of a forecast reads, for ReadForecast.
std::string ForecastSelectList();
// "run, model, ..., samples": the columns BindForecast binds, in order.
std::string ForecastInsertColumns();
inline constexpr int kForecastInsertColumnCount = 24;

std::string JoinNumbers(const std::vector<double>& v);
std::string JoinNumbers(const std::vector<int64_t>& v);
// DataLoss naming `what` when an item is not a number.
Status SplitNumbers(std::string_view s, std::vector<double>* out, std::string_view what);
Status SplitNumbers(std::string_view s, std::vector<int64_t>* out, std::string_view what);

// Empty when the record can be stored; otherwise why not.
std::string ValidateForecast(const ForecastRecord& r);

// The distinct run ids of `records`, in first-seen order: AddForecasts
// checks each against the table, since a run is added whole, once.
std::vector<std::string> RunsOf(const std::vector<ForecastRecord>& records);
// AlreadyExists: run `run` is stored already (AddForecasts never appends to a run).
Status RunTaken(const std::string& run);

// Binds the ForecastInsertColumns() of `r`; the two joined lists are
// passed in so their text outlives the statement.
template <typename Binder>
void BindForecast(const ForecastRecord& r, const std::string& p_at_least, const std::string& samples, Binder& b) {
  b.Text(r.run);
  b.Text(r.model);
  b.Text(r.model_version);
  b.Text(r.measure);
  b.Text(r.unit_kind);
  b.Text(r.unit);
  b.Text(r.period);
  b.Text(r.target);
  b.Int(r.horizon);
  b.Int(r.issued);
  b.Int(r.train_from);
  b.Int(r.train_to);
  b.Text(r.filter);
  b.Int(r.seed);
  b.Real(r.mean);
  for (double q : r.quantiles) b.Real(q);
  b.Text(p_at_least);
  b.Text(samples);
}

template <typename Row>
Status ReadForecast(const Row& row, ForecastRecord* r) {
  r->id = row.Int(0);
  r->run = row.Text(1);
  r->model = row.Text(2);
  r->model_version = row.Text(3);
  r->measure = row.Text(4);
  r->unit_kind = row.Text(5);
  r->unit = row.Text(6);
  r->period = row.Text(7);
  r->target = row.Text(8);
  r->horizon = static_cast<int32_t>(row.Int(9));
  r->issued = static_cast<int32_t>(row.Int(10));
  r->train_from = static_cast<int32_t>(row.Int(11));
  r->train_to = static_cast<int32_t>(row.Int(12));
  r->filter = row.Text(13);
  r->seed = row.Int(14);
  r->mean = row.Real(15);
  for (size_t i = 0; i < r->quantiles.size(); ++i) r->quantiles[i] = row.Real(16 + static_cast<int>(i));
  const std::string where = "forecast " + std::to_string(r->id);
  RETURN_IF_ERROR(SplitNumbers(row.Text(23), &r->p_at_least, where + ": column p_at_least"));
  return SplitNumbers(row.Text(24), &r->samples, where + ": column samples");
}

}  // namespace faultline

#endif  // FAULTLINE_STORE_FORECAST_COLUMNS_H_
