// When to poll a feed next: pure functions of the interval, the error streak and a random draw.
#pragma once

#include "common/time.hpp"

#include <cstddef>

namespace newsalert::feeds {

// The longest a failing feed waits between polls (unless its interval is longer).
inline constexpr Millis kMaxBackoff{std::chrono::hours(4)};

// After a success (error_streak 0) the interval; after failures, interval * 2^streak capped at
// max(interval, kMaxBackoff). jitter in [0, 1) adds up to 10% so feeds that failed together do
// not retry together.
Millis next_poll_delay(Millis interval, int error_streak, double jitter);

// Spreads the first polls of `count` feeds over the first min(interval, 10s), in config order.
Millis initial_poll_delay(std::size_t index, std::size_t count, Millis interval);

}  // namespace newsalert::feeds
