#include "store/forecast_columns.h"

#include <algorithm>
#include <charconv>

namespace faultline {
namespace {

constexpr std::string_view kInsertColumns =
    "run, model, model_version, measure, unit_kind, unit, period, target, horizon, issued, train_from, train_to, "
    "filter, seed, mean, q05, q10, q25, q50, q75, q90, q95, p_at_least, samples";

template <typename T>
std::string Join(const std::vector<T>& v) {
  std::string s;
  char buf[40];
  for (const T& x : v) {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
    if (!s.empty()) s += ' ';
    s.append(buf, p);
  }
  return s;
}

template <typename T>
Status Split(std::string_view s, std::vector<T>* out, std::string_view what) {
  out->clear();
  while (!s.empty()) {
    const size_t sp = s.find(' ');
    std::string_view item = s.substr(0, sp);
    T v{};
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || p != item.data() + item.size()) {
      return DataLoss(std::string(what) + ": \"" + std::string(item) + "\" is not a number");
    }
    out->push_back(v);
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return Status::Ok();
}

}  // namespace

std::string ForecastSelectList() { return "id, " + std::string(kInsertColumns); }
std::string ForecastInsertColumns() { return std::string(kInsertColumns); }

std::string JoinNumbers(const std::vector<double>& v) { return Join(v); }
std::string JoinNumbers(const std::vector<int64_t>& v) { return Join(v); }
Status SplitNumbers(std::string_view s, std::vector<double>* out, std::string_view what) { return Split(s, out, what); }
Status SplitNumbers(std::string_view s, std::vector<int64_t>* out, std::string_view what) { return Split(s, out, what); }

std::vector<std::string> RunsOf(const std::vector<ForecastRecord>& records) {
  std::vector<std::string> runs;
  for (const ForecastRecord& r : records) {
    if (runs.empty() || (runs.back() != r.run && std::find(runs.begin(), runs.end(), r.run) == runs.end())) {
      runs.push_back(r.run);
    }
  }
  return runs;
}

Status RunTaken(const std::string& run) {
  return AlreadyExists("forecast run \"" + run.substr(0, 120) + "\" is already stored; a run is added once, whole");
}

std::string ValidateForecast(const ForecastRecord& r) {
  if (r.run.empty()) return "run is empty";
  if (r.model.empty()) return "model is empty";
  if (r.unit.empty()) return "unit is empty";
  if (r.horizon < 1) return "horizon must be at least 1";
  if (r.train_to < r.train_from) return "training window ends before it starts";
  return "";
}

}  // namespace faultline
