// What to do after a delivery attempt: pure functions of the response and the schedule.
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace newsalert::alerts {

enum class AttemptOutcome { delivered, retry, dead };

struct RetryDecision {
  AttemptOutcome outcome = AttemptOutcome::retry;
  Millis delay{0};   // before the next attempt, when outcome is retry
};

// status: the HTTP status, 0 when the transfer failed before a response.
// attempts_made: including the one just made.
// retry_after: the parsed Retry-After header, if any.
// jitter: in [0, 1); spreads retries of many alerts by up to +-10% of the scheduled delay.
RetryDecision decide_retry(long status, int attempts_made, const std::vector<Millis>& schedule,
                           std::optional<Millis> retry_after, double jitter);

// True for statuses that say the endpoint itself is gone (410): it is disabled, not retried.
bool disables_endpoint(long status);

// True when the answer says the endpoint is unhealthy (no answer, 5xx, 408, 429): what the
// circuit breaker counts. A permanent 4xx means the endpoint is up and judged the request.
bool is_endpoint_failure(long status);

// Retry-After as delta-seconds ("120") or as an HTTP-date (IMF-fixdate, RFC 850 or asctime form,
// RFC 9110 section 5.6.7), turned into a delay from `now`. A date in the past is a delay of 0.
std::optional<Millis> parse_retry_after(std::string_view value, TimePoint now);

// An HTTP-date in any of its three forms; nullopt when malformed.
std::optional<TimePoint> parse_http_date(std::string_view value);

}  // namespace newsalert::alerts
