#include "forecast/alerts.h"

#include <curl/curl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "analysis/changepoint.h"

namespace faultline {
namespace {

using Json = nlohmann::json;

std::string Num(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

std::string_view Name(AlertRule::Kind k) {
  switch (k) {
    case AlertRule::Kind::kProbability: return "probability";
    case AlertRule::Kind::kChangepoint: return "changepoint";
    case AlertRule::Kind::kAboveMax: return "above_max";
  }
  return "?";
}

Result<std::vector<AlertRule>> ParseAlertRules(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return InvalidArgument("alert rules: expected a JSON array of rule objects");
  std::vector<AlertRule> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = "alert rule " + std::to_string(i + 1) + ": ";
    const Json& o = j[i];
    if (!o.is_object()) return InvalidArgument(where + "not an object");
    AlertRule r;
    try {
      r.name = o.value("name", "rule " + std::to_string(i + 1));
      const std::string kind = o.value("kind", "");
      if (kind == "probability") {
        r.kind = AlertRule::Kind::kProbability;
      } else if (kind == "changepoint") {
        r.kind = AlertRule::Kind::kChangepoint;
      } else if (kind == "above_max") {
        r.kind = AlertRule::Kind::kAboveMax;
      } else {
        return InvalidArgument(where + "kind \"" + kind + "\" is not one of probability, changepoint, above_max");
      }
      r.at_least = o.value("at_least", r.at_least);
      r.above = o.value("above", r.above);
      r.horizon = o.value("horizon", r.horizon);
      r.within = o.value("within", r.within);
      r.window = o.value("window", r.window);
    } catch (const std::exception& e) {
      return InvalidArgument(where + e.what());
    }
    if (r.at_least < 1) return InvalidArgument(where + "at_least must be at least 1");
    if (!(r.above >= 0 && r.above < 1)) return InvalidArgument(where + "above must be a probability in [0, 1)");
    if (r.horizon < 1) return InvalidArgument(where + "horizon must be at least 1");
    if (r.within < 1) return InvalidArgument(where + "within must be at least 1");
    if (r.window < 1) return InvalidArgument(where + "window must be at least 1");
    out.push_back(std::move(r));
  }
  return out;
}

std::string DescribeRule(const AlertRule& r) {
  switch (r.kind) {
    case AlertRule::Kind::kProbability:
      return "P(count >= " + std::to_string(r.at_least) + ") " +
             (r.horizon == 1 ? std::string("next period") : std::to_string(r.horizon) + " periods ahead") + " > " +
             Num(r.above);
    case AlertRule::Kind::kChangepoint:
      return "a change point in the last " + std::to_string(r.within) + " periods (PELT, MBIC)";
    case AlertRule::Kind::kAboveMax:
      return "forecast mean above the maximum of the last " + std::to_string(r.window) + " periods";
  }
  return "";
}

std::vector<Alert> EvaluateAlerts(const std::vector<AlertRule>& rules, const Panel& panel,
                                  const UnitForecasts& forecast) {
  std::vector<Alert> out;
  const size_t n = panel.periods();
  for (const AlertRule& r : rules) {
    for (size_t u = 0; u < panel.units.size(); ++u) {
      const auto& y = panel.counts[u];
      const size_t horizons = u < forecast.size() ? forecast[u].size() : 0;
      Alert a;
      a.rule = r.name;
      a.kind = std::string(Name(r.kind));
      a.unit = panel.units[u];
      if (r.kind == AlertRule::Kind::kProbability) {
        if (static_cast<size_t>(r.horizon) > horizons) continue;
        const double p = forecast[u][static_cast<size_t>(r.horizon - 1)].ProbAtLeast(r.at_least);
        if (p <= r.above) continue;
        a.period = panel.Label(n - 1 + static_cast<size_t>(r.horizon));
        a.value = p;
        a.threshold = r.above;
        a.message = a.unit + ": P(" + panel.measure + " >= " + std::to_string(r.at_least) + ") in " + a.period + " is " +
                    Num(p) + " (rule: above " + Num(r.above) + ")";
      } else if (r.kind == AlertRule::Kind::kChangepoint) {
        if (n < 4) continue;
        const double beta = PenaltyValue(PenaltyKind::kMbic, n);
        Segmentation seg = Pelt(y, beta, 2);
        if (seg.changepoints.empty()) continue;
        const size_t cp = seg.changepoints.back();
        if (cp + static_cast<size_t>(r.within) < n) continue;
        const size_t prev = seg.changepoints.size() > 1 ? seg.changepoints[seg.changepoints.size() - 2] : 0;
        double before = 0, after = 0;
        for (size_t t = prev; t < cp; ++t) before += static_cast<double>(y[t]);
        for (size_t t = cp; t < n; ++t) after += static_cast<double>(y[t]);
        before /= static_cast<double>(cp - prev);
        after /= static_cast<double>(n - cp);
        a.period = panel.Label(cp);
        a.value = after;
        a.threshold = before;
        a.message = a.unit + ": change point at " + a.period + ", " + panel.measure + " per " +
                    std::string(Name(panel.period)) + " " + Num(before) + " -> " + Num(after);
      } else {
        if (n == 0) continue;
        const size_t from = n > static_cast<size_t>(r.window) ? n - static_cast<size_t>(r.window) : 0;
        int64_t top = 0;
        for (size_t t = from; t < n; ++t) top = std::max(top, y[t]);
        for (size_t h = 0; h < horizons; ++h) {
          const double m = forecast[u][h].Mean();
          // At least half an event too, so a near-empty unit's floor never fires.
          if (m <= static_cast<double>(top) || m < 0.5) continue;
          a.period = panel.Label(n + h);
          a.value = m;
          a.threshold = static_cast<double>(top);
          a.message = a.unit + ": forecast mean " + Num(m) + " for " + a.period + " is above the maximum " +
                      std::to_string(top) + " of the last " + std::to_string(n - from) + " periods";
          break;
        }
        if (a.message.empty()) continue;
      }
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::string AlertsJson(const std::vector<Alert>& alerts) {
  Json arr = Json::array();
  for (const Alert& a : alerts) {
    arr.push_back(Json{{"rule", a.rule},   {"kind", a.kind},           {"unit", a.unit},      {"period", a.period},
                       {"value", a.value}, {"threshold", a.threshold}, {"message", a.message}});
  }
  return Json{{"source", "faultline"}, {"alerts", arr}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status PostWebhook(const std::string& url, const std::string& json, const WebhookOptions& options) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string last_error;
  int backoff = options.initial_backoff_ms;
  for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Internal("webhook: curl_easy_init failed");
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(json.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // The answer's body is not needed: discard it.
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
    const CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK && code >= 200 && code < 300) return Status::Ok();
    if (rc == CURLE_OK && code >= 400 && code < 500 && code != 429) {
      return InvalidArgument("webhook " + url + ": HTTP " + std::to_string(code) + " (not retried)");
    }
    last_error = rc != CURLE_OK ? std::string(curl_easy_strerror(rc)) : "HTTP " + std::to_string(code);
    if (attempt < options.attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff *= 2;
    }
  }
  return Unavailable("webhook " + url + ": " + last_error + " after " + std::to_string(options.attempts) + " tries");
}

}  // namespace faultline
