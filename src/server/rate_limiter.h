// RateLimiter: a token bucket per key (a token or session id, or a client
// address for sign-in attempts). Each key may spend `burst` requests at once
// and regains `rate` per second. Thread-safe.
#ifndef FAULTLINE_SERVER_RATE_LIMITER_H_
#define FAULTLINE_SERVER_RATE_LIMITER_H_

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace faultline::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // rate <= 0 disables the limiter (Allow is always true).
  RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst) {}
  // True when `key` may make a request now (and spends one); false with the
  // seconds to wait in *retry_after.
  bool Allow(const std::string& key, double* retry_after, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_RATE_LIMITER_H_
