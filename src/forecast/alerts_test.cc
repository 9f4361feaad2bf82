#include "forecast/alerts.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

namespace faultline {
namespace {

Panel OneUnit(std::vector<int64_t> y) {
  Panel p;
  p.period = Period::kWeek;
  p.first = 2000;
  p.units = {"Peshawar"};
  p.unit_country = {"PK"};
  p.counts = {std::move(y)};
  p.phase = {std::vector<int8_t>(p.counts[0].size(), -1)};
  return p;
}

TEST(Alerts, ParsesRulesAndRefusesBadOnes) {
  auto rules = ParseAlertRules(R"([{"name": "surge", "kind": "probability", "at_least": 5, "above": 0.5},
                                    {"kind": "changepoint", "within": 4}, {"kind": "above_max", "window": 52}])");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_EQ((*rules)[0].name, "surge");
  EXPECT_EQ((*rules)[1].kind, AlertRule::Kind::kChangepoint);
  EXPECT_EQ(DescribeRule((*rules)[0]), "P(count >= 5) next period > 0.50");
  EXPECT_EQ(ParseAlertRules(R"([{"kind": "nope"}])").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAlertRules(R"([{"kind": "probability", "above": 1.5}])").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAlertRules("{}").status().code(), StatusCode::kInvalidArgument);
}

TEST(Alerts, FireOnProbabilityChangeAndRecord) {
  std::vector<int64_t> y(60, 1);
  for (size_t t = 57; t < 60; ++t) y[t] = 9;  // a jump in the last 3 weeks
  Panel p = OneUnit(y);
  UnitForecasts f = {{Predictive::Poisson(12.0), Predictive::Poisson(3.0)}};
  auto rules = ParseAlertRules(R"([{"name": "p5", "kind": "probability", "at_least": 5, "above": 0.5},
      {"name": "p5-later", "kind": "probability", "at_least": 5, "above": 0.5, "horizon": 2},
      {"name": "cp", "kind": "changepoint", "within": 4},
      {"name": "record", "kind": "above_max", "window": 52}])");
  ASSERT_TRUE(rules.ok());
  auto alerts = EvaluateAlerts(*rules, p, f);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].rule, "p5");
  EXPECT_GT(alerts[0].value, 0.9);
  EXPECT_EQ(alerts[0].period, p.Label(60));
  EXPECT_EQ(alerts[1].rule, "cp");
  EXPECT_EQ(alerts[1].period, p.Label(57));
  EXPECT_NEAR(alerts[1].value, 9, 1e-12);
  EXPECT_EQ(alerts[2].rule, "record");
  EXPECT_NEAR(alerts[2].threshold, 9, 1e-12);
  // A quiet series raises nothing.
  Panel quiet = OneUnit(std::vector<int64_t>(60, 1));
  UnitForecasts calm = {{Predictive::Poisson(1.0)}};
  EXPECT_TRUE(EvaluateAlerts(*rules, quiet, calm).empty());
  auto j = nlohmann::json::parse(AlertsJson(alerts));
  EXPECT_EQ(j["alerts"].size(), 3u);
  EXPECT_EQ(j["alerts"][0]["unit"], "Peshawar");
}

// A receiver on loopback: answers the first `fail_first` requests with 503,
// then 200, and keeps the bodies it was sent.
class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Receiver() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies;
  std::vector<std::string> heads;

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        ssize_t got = ::read(c, buf, sizeof buf);
        if (got <= 0) break;
        req.append(buf, static_cast<size_t>(got));
        size_t end = req.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t cl = req.find("Content-Length: ");
          size_t len = cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16));
          need = end + 4 + len;
        }
        if (need != std::string::npos && req.size() >= need) break;
      }
      const size_t end = req.find("\r\n\r\n");
      heads.push_back(req.substr(0, end));
      bodies.push_back(end == std::string::npos ? "" : req.substr(end + 4));
      const bool fail = static_cast<int>(bodies.size()) <= fail_first_;
      std::string resp = fail ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                              : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      ssize_t wrote = ::write(c, resp.data(), resp.size());
      (void)wrote;
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  int fail_first_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(Webhook, RetriesWithBackoffUntilTheReceiverAccepts) {
  Receiver rx(2);
  const std::string body = AlertsJson({Alert{"r", "probability", "Quetta", "2024-03", 0.7, 0.5, "msg"}});
  WebhookOptions o;
  o.initial_backoff_ms = 20;
  auto t0 = std::chrono::steady_clock::now();
  Status s = PostWebhook(rx.url(), body, o);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(rx.bodies.size(), 3u);
  for (const auto& b : rx.bodies) EXPECT_EQ(b, body);
  EXPECT_NE(rx.heads[0].find("POST /hook"), std::string::npos);
  EXPECT_NE(rx.heads[0].find("Content-Type: application/json"), std::string::npos);
  EXPECT_GE(ms, 20 + 40);  // two backoffs: 20 ms, then 40 ms
}

TEST(Webhook, GivesUpAfterTheLastTry) {
  Receiver rx(100);
  WebhookOptions o;
  o.attempts = 3;
  o.initial_backoff_ms = 5;
  Status s = PostWebhook(rx.url(), "{}", o);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(rx.bodies.size(), 3u);
}

TEST(Webhook, ConnectionRefusedIsUnavailable) {
  int port;
  {
    Receiver rx(0);
    port = std::stoi(rx.url().substr(17));
  }
  WebhookOptions o;
  o.attempts = 2;
  o.initial_backoff_ms = 1;
  EXPECT_EQ(PostWebhook("http://127.0.0.1:" + std::to_string(port) + "/x", "{}", o).code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace faultline
