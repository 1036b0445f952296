// Retry decisions for webhook deliveries.
#include "alerts/retry_policy.hpp"

#include "common/text.hpp"

#include <array>
#include <charconv>
#include <ctime>

namespace newsalert::alerts {

namespace {

// 4xx means the request itself is wrong, so repeating it cannot help, except for these, which
// say "not now" (timeout, conflict, too early, too many requests).
bool is_permanent(long status) {
  if (status < 400 || status >= 500) return false;
  return status != 408 && status != 409 && status != 425 && status != 429;
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A small cursor over the date text: each reader consumes what it matched or fails.
struct Cursor {
  std::string_view s;

  bool literal(std::string_view text) {
    if (!s.starts_with(text)) return false;
    s.remove_prefix(text.size());
    return true;
  }
  bool spaces() {
    if (s.empty() || s.front() != ' ') return false;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    return true;
  }
  bool number(int digits_min, int digits_max, int& out) {
    int n = 0;
    out = 0;
    while (n < digits_max && n < static_cast<int>(s.size()) && s[static_cast<std::size_t>(n)] >= '0' &&
           s[static_cast<std::size_t>(n)] <= '9')
      out = out * 10 + (s[static_cast<std::size_t>(n++)] - '0');
    if (n < digits_min) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
    return true;
  }
  bool month(int& out) {
    for (std::size_t i = 0; i < kMonths.size(); ++i)
      if (literal(kMonths[i])) {
        out = static_cast<int>(i);
        return true;
      }
    return false;
  }
  bool day_name() {
    // "Sun" or "Sunday": letters up to the next non-letter.
    std::size_t n = 0;
    while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
    if (n < 3) return false;
    s.remove_prefix(n);
    return true;
  }
  bool clock(std::tm& tm) {
    return number(2, 2, tm.tm_hour) && literal(":") && number(2, 2, tm.tm_min) && literal(":") &&
           number(2, 2, tm.tm_sec);
  }
};

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

bool disables_endpoint(long status) { return status == 410; }

bool is_endpoint_failure(long status) {
  return status == 0 || status >= 500 || status == 408 || status == 429;
}

std::optional<TimePoint> parse_http_date(std::string_view value) {
  Cursor c{trim(value)};
  std::tm tm{};
  if (!c.day_name()) return std::nullopt;
  if (c.literal(",")) {
    if (!c.spaces()) return std::nullopt;
    if (c.s.size() > 2 && c.s[2] == '-') {
      // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
      if (!c.number(2, 2, tm.tm_mday) || !c.literal("-") || !c.month(tm.tm_mon) || !c.literal("-") ||
          !c.number(2, 2, tm.tm_year))
        return std::nullopt;
      // Two-digit years: RFC 9110 says a year more than 50 years ahead is in the past century.
      tm.tm_year += tm.tm_year < 70 ? 100 : 0;
    } else {
      // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
      if (!c.number(2, 2, tm.tm_mday) || !c.spaces() || !c.month(tm.tm_mon) || !c.spaces() ||
          !c.number(4, 4, tm.tm_year))
        return std::nullopt;
      tm.tm_year -= 1900;
    }
    if (!c.spaces() || !c.clock(tm) || !c.spaces() || !c.literal("GMT") || !c.s.empty()) return std::nullopt;
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (!c.spaces() || !c.month(tm.tm_mon) || !c.spaces() || !c.number(1, 2, tm.tm_mday) || !c.spaces() ||
        !c.clock(tm) || !c.spaces() || !c.number(4, 4, tm.tm_year) || !c.s.empty())
      return std::nullopt;
    tm.tm_year -= 1900;
  }
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return std::nullopt;
  const std::time_t t = ::timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return Clock::from_time_t(t);
}

std::optional<Millis> parse_retry_after(std::string_view value, TimePoint now) {
  value = trim(value);
  long long seconds = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc{} && ptr == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return Millis(seconds * 1000);
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  if (*date <= now) return Millis(0);
  return std::chrono::duration_cast<Millis>(*date - now);
}

}  // namespace newsalert::alerts
