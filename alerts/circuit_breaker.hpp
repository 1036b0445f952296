// Per-endpoint circuit breaker: after N consecutive failures the endpoint is left alone for a
// cool-down, then one probe decides whether it is healthy again. Pure: time is passed in.
#pragma once

#include <chrono>

namespace newsalert::alerts {

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class State { closed, open, half_open };

  // threshold 0 disables the breaker (always closed).
  CircuitBreaker(int threshold, std::chrono::milliseconds cooldown) : threshold_(threshold), cooldown_(cooldown) {}

  // May an attempt start now? In half-open state only one attempt (the probe) is allowed until
  // its outcome is recorded.
  bool allow(TimePoint now);
  void record_success();
  void record_failure(TimePoint now);
  // The outcome of an attempt that says nothing about the endpoint (cancelled at shutdown).
  void record_neutral();

  State state() const { return state_; }
  // When an open breaker lets the probe through.
  TimePoint reopens_at() const { return opened_at_ + cooldown_; }
  int consecutive_failures() const { return failures_; }

 private:
  int threshold_;
  std::chrono::milliseconds cooldown_;
  State state_ = State::closed;
  int failures_ = 0;
  bool probe_in_flight_ = false;
  TimePoint opened_at_{};
};

}  // namespace newsalert::alerts
