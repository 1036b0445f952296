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

// "120" (seconds); HTTP dates are not accepted here and yield nullopt.
std::optional<Millis> parse_retry_after(std::string_view value);

}  // namespace newsalert::alerts
