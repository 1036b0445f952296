// Retry decisions for webhook deliveries.
#include "alerts/retry_policy.hpp"

#include <charconv>

namespace newsalert::alerts {

namespace {

// 4xx means the request itself is wrong, so repeating it cannot help, except for these, which
// say "not now" (timeout, conflict, too early, too many requests).
bool is_permanent(long status) {
  if (status < 400 || status >= 500) return false;
  return status != 408 && status != 409 && status != 425 && status != 429;
}

}  // namespace

RetryDecision decide_retry(long status, int attempts_made, const std::vector<Millis>& schedule,
                           std::optional<Millis> retry_after, double jitter) {
  if (status >= 200 && status < 300) return {AttemptOutcome::delivered, Millis(0)};
  if (is_permanent(status)) return {AttemptOutcome::dead, Millis(0)};
  if (attempts_made < 0 || static_cast<std::size_t>(attempts_made) >= schedule.size())
    return {AttemptOutcome::dead, Millis(0)};
  const Millis scheduled = schedule[static_cast<std::size_t>(attempts_made)];
  auto delay = Millis(static_cast<Millis::rep>(static_cast<double>(scheduled.count()) * (0.9 + 0.2 * jitter)));
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return {AttemptOutcome::retry, delay};
}

std::optional<Millis> parse_retry_after(std::string_view value) {
  long long seconds = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || ptr != value.data() + value.size() || seconds < 0) return std::nullopt;
  return Millis(seconds * 1000);
}

}  // namespace newsalert::alerts
