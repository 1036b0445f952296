// Token bucket arithmetic.
#include "alerts/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace newsalert::alerts {

RateLimiter::RateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_) {}

void RateLimiter::refill(TimePoint now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

std::chrono::milliseconds RateLimiter::acquire(TimePoint now) {
  if (rate_ <= 0) return std::chrono::milliseconds(0);
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::chrono::milliseconds(0);
  }
  const double wait_s = (1.0 - tokens_) / rate_;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(wait_s * 1000.0)));
}

}  // namespace newsalert::alerts
