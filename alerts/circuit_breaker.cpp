// The circuit breaker's state machine.
#include "alerts/circuit_breaker.hpp"

namespace newsalert::alerts {

bool CircuitBreaker::allow(TimePoint now) {
  switch (state_) {
    case State::closed:
      return true;
    case State::open:
      if (now < reopens_at()) return false;
      state_ = State::half_open;
      probe_in_flight_ = true;
      return true;
    case State::half_open:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  state_ = State::closed;
  failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::record_failure(TimePoint now) {
  ++failures_;
  probe_in_flight_ = false;
  // A failed probe reopens at once; in closed state the threshold decides. Attempts that were
  // already in flight when the breaker opened may still report: they do not extend the cool-down.
  if (state_ == State::half_open || (state_ == State::closed && threshold_ > 0 && failures_ >= threshold_)) {
    state_ = State::open;
    opened_at_ = now;
  }
}

void CircuitBreaker::record_neutral() { probe_in_flight_ = false; }

}  // namespace newsalert::alerts
