#include "alerts/retry_policy.hpp"
#include "config/config.hpp"

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

namespace {
const TimePoint kNow = TimePoint(1445412480s);   // Wed, 21 Oct 2015 07:28:00 GMT
}

TEST(RetryPolicy, ParsesRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120000ms);
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), 0ms);
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
  EXPECT_FALSE(parse_retry_after("", kNow));
}

TEST(RetryPolicy, ParsesRetryAfterHttpDatesInAllThreeForms) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", kNow), 120000ms);   // IMF-fixdate
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 08:28:00 GMT", kNow), 3600000ms);   // RFC 850
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:30 2015", kNow), 30000ms);   // asctime
  EXPECT_EQ(parse_retry_after("Wed Oct  1 07:28:30 2015", kNow), 0ms);   // in the past: now
}

TEST(RetryPolicy, RejectsMalformedHttpDates) {
  for (const char* bad : {"Wed, 21 Oct 2015 07:30:00", "Wed, 21 Foo 2015 07:30:00 GMT", "Wed, 21 Oct 2015 25:30:00 GMT",
                          "21 Oct 2015 07:30:00 GMT", "Wed, 21 Oct 2015 07:30:00 GMT trailing"})
    EXPECT_FALSE(parse_retry_after(bad, kNow)) << bad;
}

TEST(RetryPolicy, RetryAfterDateLongerThanTheScheduleWins) {
  const auto retry_after = parse_retry_after("Wed, 21 Oct 2015 08:28:00 GMT", kNow);
  EXPECT_EQ(decide_retry(503, 1, kSchedule, retry_after, 0.5).delay, 3600000ms);
}

TEST(RetryPolicy, DefaultScheduleIsTheStandardWebhooksOneWithJitter) {
  const std::vector<Millis> schedule = newsalert::config::RetryConfig{}.schedule;
  const std::vector<Millis> expected{0ms, 5s, 5min, 30min, 2h, 5h, 10h, 10h};
  EXPECT_EQ(schedule, expected);
  // After the 8th failure the alert is dead; before that each delay is the next slot +-10%.
  for (int made = 1; made < 8; ++made) {
    const auto low = decide_retry(500, made, schedule, std::nullopt, 0.0).delay;
    const auto high = decide_retry(500, made, schedule, std::nullopt, 0.999).delay;
    EXPECT_EQ(low.count(), expected[static_cast<std::size_t>(made)].count() * 9 / 10) << made;
    EXPECT_LE(high.count(), expected[static_cast<std::size_t>(made)].count() * 11 / 10) << made;
  }
  EXPECT_EQ(decide_retry(500, 8, schedule, std::nullopt, 0.5).outcome, AttemptOutcome::dead);
}

TEST(RetryPolicy, GoneDisablesAndOnlyUnhealthyAnswersCountAsEndpointFailures) {
  EXPECT_TRUE(disables_endpoint(410));
  EXPECT_FALSE(disables_endpoint(404));
  for (long status : {0L, 500L, 502L, 503L, 408L, 429L}) EXPECT_TRUE(is_endpoint_failure(status)) << status;
  for (long status : {200L, 400L, 404L, 409L, 422L}) EXPECT_FALSE(is_endpoint_failure(status)) << status;
}
