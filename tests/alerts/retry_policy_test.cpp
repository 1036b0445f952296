#include "alerts/retry_policy.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::alerts;
using namespace std::chrono_literals;

namespace {
const std::vector<Millis> kSchedule{0ms, 5000ms, 300000ms};
}

TEST(RetryPolicy, TwoHundredsAreDelivered) {
  EXPECT_EQ(decide_retry(200, 1, kSchedule, std::nullopt, 0.5).outcome, AttemptOutcome::delivered);
  EXPECT_EQ(decide_retry(204, 1, kSchedule, std::nullopt, 0.5).outcome, AttemptOutcome::delivered);
}

TEST(RetryPolicy, ServerErrorsAndTransportFailuresFollowTheSchedule) {
  const auto first = decide_retry(500, 1, kSchedule, std::nullopt, 0.5);
  EXPECT_EQ(first.outcome, AttemptOutcome::retry);
  EXPECT_EQ(first.delay, 5000ms);
  const auto second = decide_retry(0, 2, kSchedule, std::nullopt, 0.5);
  EXPECT_EQ(second.outcome, AttemptOutcome::retry);
  EXPECT_EQ(second.delay, 300000ms);
}

TEST(RetryPolicy, JitterStaysWithinTenPercent) {
  EXPECT_EQ(decide_retry(503, 1, kSchedule, std::nullopt, 0.0).delay, 4500ms);
  EXPECT_LT(decide_retry(503, 1, kSchedule, std::nullopt, 0.999).delay, 5500ms);
}

TEST(RetryPolicy, ScheduleExhaustedIsDead) {
  EXPECT_EQ(decide_retry(500, 3, kSchedule, std::nullopt, 0.5).outcome, AttemptOutcome::dead);
}

TEST(RetryPolicy, ClientErrorsArePermanentExceptTheRetryableOnes) {
  for (long status : {400L, 401L, 403L, 404L, 410L, 422L})
    EXPECT_EQ(decide_retry(status, 1, kSchedule, std::nullopt, 0.5).outcome, AttemptOutcome::dead) << status;
  for (long status : {408L, 409L, 425L, 429L})
    EXPECT_EQ(decide_retry(status, 1, kSchedule, std::nullopt, 0.5).outcome, AttemptOutcome::retry) << status;
}

TEST(RetryPolicy, RetryAfterLongerThanTheScheduleWins) {
  EXPECT_EQ(decide_retry(429, 1, kSchedule, 60000ms, 0.5).delay, 60000ms);
  EXPECT_EQ(decide_retry(429, 1, kSchedule, 1000ms, 0.5).delay, 5000ms);
}

TEST(RetryPolicy, ParsesRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("120"), 120000ms);
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
}
