// Poll scheduling arithmetic.
#include "feeds/poll_schedule.hpp"

#include <algorithm>

namespace newsalert::feeds {

Millis next_poll_delay(Millis interval, int error_streak, double jitter) {
  Millis delay = interval;
  if (error_streak > 0) {
    const Millis cap = std::max(interval, kMaxBackoff);
    for (int i = 0; i < error_streak && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
  }
  return delay + Millis(static_cast<Millis::rep>(static_cast<double>(delay.count()) * 0.1 * jitter));
}

Millis initial_poll_delay(std::size_t index, std::size_t count, Millis interval) {
  if (count == 0) return Millis(0);
  const Millis window = std::min(interval, Millis(std::chrono::seconds(10)));
  return Millis(window.count() * static_cast<Millis::rep>(index) / static_cast<Millis::rep>(count));
}

}  // namespace newsalert::feeds
