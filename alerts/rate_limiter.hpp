// A token bucket: at most `rate` attempts per second on average, bursts up to `burst`.
// Pure: time is passed in.
#pragma once

#include <chrono>

namespace newsalert::alerts {

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // rate <= 0: unlimited. burst < 1 is raised to 1.
  RateLimiter(double rate_per_second, double burst);

  // Takes a token when one is available and returns 0; otherwise takes nothing and returns how
  // long until one will be.
  std::chrono::milliseconds acquire(TimePoint now);

 private:
  void refill(TimePoint now);

  double rate_;
  double burst_;
  double tokens_;
  TimePoint last_{};
  bool started_ = false;
};

}  // namespace newsalert::alerts
