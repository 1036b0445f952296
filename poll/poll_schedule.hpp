// When to poll a feed next: pure functions of the policy, the last poll's outcome, what the server
// asked for, the feed's recent publication dates, the time and a random draw.
#pragma once

#include "common/time.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace newsalert::poll {

// The longest a failing feed waits between polls (unless its interval is longer).
inline constexpr Millis kMaxBackoff{std::chrono::hours(4)};
// The longest Retry-After honoured, so a broken server cannot switch a feed off for weeks.
inline constexpr Millis kMaxRetryAfter{std::chrono::hours(24)};
// The window the adaptive schedule counts entries in (as Miniflux does).
inline constexpr Millis kAdaptiveWindow{std::chrono::hours(24 * 7)};

// After a success (error_streak 0) the interval; after failures, interval * 2^streak capped at
// max(interval, kMaxBackoff). jitter in [0, 1) adds up to 10% so feeds that failed together do
// not retry together.
Millis next_poll_delay(Millis interval, int error_streak, double jitter);

// How long the first polls of `count` feeds are spread over: 10 s for a few feeds (they start
// promptly), longer as the count grows (kSpreadPerFeed each, so at most ~17 first polls a second),
// never longer than the interval. Each feed keeps its phase afterwards, so polls stay even.
inline constexpr Millis kSpreadPerFeed{60};
Millis spread_window(std::size_t count, Millis interval);

// Spreads the first polls of `count` feeds evenly over spread_window(count, interval), in config order.
Millis initial_poll_delay(std::size_t index, std::size_t count, Millis interval);

// With a retention, a feed whose last full fetch (200) is a quarter of the retention ago is
// fetched without validators: the 200 refreshes the records of the entries it still lists, so
// they are never pruned while in the feed and then alerted again. Never fully fetched: true.
bool needs_full_fetch(std::optional<TimePoint> last_full, TimePoint now, Millis retention);

// A poll that starts more than half its interval late (the process was stopped, the machine slept,
// the clock jumped) would start together with every other late feed: instead it waits
// jitter * spread_window, so a pause ends without a thundering herd. Zero when not that late.
Millis resume_delay(Millis late, Millis interval, std::size_t count, double jitter);

// Miniflux's rule: 7 days / entries published in the last 7 days, clamped to [min, max]; `max`
// when none was; `min` when no date is known at all (an undated feed gives no evidence of being
// quiet). When all the dates are within the week (a new feed, or a busy feed's truncated sample),
// the time from the oldest to `now` stands in for the week. `published`: publication dates of the
// feed's latest entries, in any order.
Millis adaptive_interval(const std::vector<TimePoint>& published, TimePoint now, Millis min, Millis max);

// Retry-After as delay-seconds ("120") or an HTTP-date (relative to `now`, never negative).
std::optional<Millis> parse_retry_after(std::string_view value, TimePoint now);

// max-age of a Cache-Control header ("public, max-age=600"); nullopt when absent, or when
// no-cache / no-store ask for revalidation every time.
std::optional<Millis> parse_max_age(std::string_view cache_control);

struct PollPolicy {
  Millis interval{std::chrono::minutes(5)};   // the configured interval: the minimum, and the backoff base
  Millis max_interval{std::chrono::hours(1)}; // the longest wait after a success, whatever the feed says
  bool adaptive = true;
};

// What the server said about when to come back.
struct ServerHints {
  std::optional<Millis> retry_after;   // with a 429 or 503
  std::optional<Millis> max_age;       // Cache-Control of the last response
  std::optional<Millis> ttl;           // RSS <ttl> of the last document
};

enum class PollReason { interval, adaptive, max_age, ttl, backoff, retry_after };
// Stable names for logs: "interval", "adaptive", "max-age", "ttl", "backoff", "retry-after".
std::string_view poll_reason_name(PollReason reason);

struct PollDecision {
  Millis delay{0};
  PollReason reason = PollReason::interval;
  // The server asked for this wait (Retry-After, max-age, ttl): it holds across a restart.
  bool server_directed() const {
    return reason == PollReason::max_age || reason == PollReason::ttl || reason == PollReason::retry_after;
  }
};

// After a failure: exponential backoff from the interval, or Retry-After when longer.
// After a success: the interval (adaptive or not), raised to max-age and ttl as floors; floors
// are capped at max(max_interval, interval). Jitter adds up to 10% on top.
PollDecision decide_next_poll(const PollPolicy& policy, int error_streak, const ServerHints& hints,
                              const std::vector<TimePoint>& published, TimePoint now, double jitter);

}  // namespace newsalert::poll
