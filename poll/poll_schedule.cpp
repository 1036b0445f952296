// Poll scheduling arithmetic.
#include "poll/poll_schedule.hpp"

#include "common/text.hpp"
#include "feeds/date_parser.hpp"

#include <algorithm>
#include <charconv>

namespace newsalert::poll {

namespace {

Millis with_jitter(Millis delay, double jitter) {
  return delay + Millis(static_cast<Millis::rep>(static_cast<double>(delay.count()) * 0.1 * jitter));
}

std::optional<long long> parse_seconds(std::string_view text) {
  long long seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || seconds < 0) return std::nullopt;
  return seconds;
}

Millis seconds_capped(long long seconds, Millis cap) {
  return seconds >= cap.count() / 1000 ? cap : Millis(seconds * 1000);
}

}  // namespace

Millis next_poll_delay(Millis interval, int error_streak, double jitter) {
  Millis delay = interval;
  if (error_streak > 0) {
    const Millis cap = std::max(interval, kMaxBackoff);
    for (int i = 0; i < error_streak && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
  }
  return with_jitter(delay, jitter);
}

Millis spread_window(std::size_t count, Millis interval) {
  const Millis by_count(kSpreadPerFeed.count() * static_cast<Millis::rep>(count));
  return std::min(interval, std::max(Millis(std::chrono::seconds(10)), by_count));
}

Millis initial_poll_delay(std::size_t index, std::size_t count, Millis interval) {
  if (count == 0) return Millis(0);
  const Millis window = spread_window(count, interval);
  return Millis(window.count() * static_cast<Millis::rep>(index) / static_cast<Millis::rep>(count));
}

bool needs_full_fetch(std::optional<TimePoint> last_full, TimePoint now, Millis retention) {
  if (retention.count() <= 0) return false;
  return !last_full || now - *last_full >= retention / 4;
}

Millis resume_delay(Millis late, Millis interval, std::size_t count, double jitter) {
  if (late <= interval / 2) return Millis(0);
  return Millis(static_cast<Millis::rep>(static_cast<double>(spread_window(count, interval).count()) * jitter));
}

Millis adaptive_interval(const std::vector<TimePoint>& published, TimePoint now, Millis min, Millis max) {
  max = std::max(min, max);
  if (published.empty()) return min;
  const TimePoint window_start = now - kAdaptiveWindow;
  // Future dates (a wrong time zone in the feed) count as recent: the feed is evidently alive.
  const auto recent = std::count_if(published.begin(), published.end(), [&](TimePoint t) { return t > window_start; });
  if (recent == 0) return max;
  // When every known entry is newer than a week (a new feed, or a busy feed whose sample ends
  // within the week) the pace is measured over the time they actually span, not a full week.
  const TimePoint oldest = *std::min_element(published.begin(), published.end());
  const Millis span = oldest > window_start ? std::max(std::chrono::duration_cast<Millis>(now - oldest), Millis(1))
                                            : kAdaptiveWindow;
  return std::clamp(Millis(span.count() / recent), min, max);
}

std::optional<Millis> parse_retry_after(std::string_view value, TimePoint now) {
  value = trim(value);
  if (const auto seconds = parse_seconds(value)) return seconds_capped(*seconds, kMaxRetryAfter);
  const auto at = feeds::parse_date(value);
  if (!at) return std::nullopt;
  return std::clamp(std::chrono::duration_cast<Millis>(*at - now), Millis(0), kMaxRetryAfter);
}

std::optional<Millis> parse_max_age(std::string_view cache_control) {
  std::optional<Millis> max_age;
  while (!cache_control.empty()) {
    const auto comma = cache_control.find(',');
    const std::string directive = to_lower_ascii(trim(cache_control.substr(0, comma)));
    cache_control = comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
    if (directive == "no-cache" || directive == "no-store") return std::nullopt;
    if (!directive.starts_with("max-age")) continue;
    std::string_view value = trim(std::string_view(directive).substr(7));
    if (!value.starts_with('=')) continue;
    value = trim(value.substr(1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    // A year is far beyond any cap that applies later; the bound only keeps the arithmetic safe.
    if (const auto seconds = parse_seconds(value)) max_age = seconds_capped(*seconds, std::chrono::hours(24 * 365));
  }
  return max_age;
}

std::string_view poll_reason_name(PollReason reason) {
  switch (reason) {
    case PollReason::interval: return "interval";
    case PollReason::adaptive: return "adaptive";
    case PollReason::max_age: return "max-age";
    case PollReason::ttl: return "ttl";
    case PollReason::backoff: return "backoff";
    case PollReason::retry_after: return "retry-after";
  }
  return "interval";
}

PollDecision decide_next_poll(const PollPolicy& policy, int error_streak, const ServerHints& hints,
                              const std::vector<TimePoint>& published, TimePoint now, double jitter) {
  PollDecision decision;
  if (error_streak > 0) {
    decision.delay = next_poll_delay(policy.interval, error_streak, jitter);
    decision.reason = PollReason::backoff;
    if (hints.retry_after && *hints.retry_after > decision.delay) {
      decision.delay = *hints.retry_after;
      decision.reason = PollReason::retry_after;
    }
    return decision;
  }
  Millis base = policy.interval;
  if (policy.adaptive) {
    base = adaptive_interval(published, now, policy.interval, policy.max_interval);
    decision.reason = PollReason::adaptive;
  }
  decision.delay = base;
  const Millis floor_cap = std::max(policy.max_interval, policy.interval);
  for (const auto& [floor, reason] : {std::pair{hints.max_age, PollReason::max_age}, std::pair{hints.ttl, PollReason::ttl}}) {
    if (!floor) continue;
    const Millis capped = std::min(*floor, floor_cap);
    if (capped > decision.delay) {
      decision.delay = capped;
      decision.reason = reason;
    }
  }
  decision.delay = with_jitter(decision.delay, jitter);
  return decision;
}

}  // namespace newsalert::poll
