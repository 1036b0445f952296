#include "feeds/poll_schedule.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::feeds;
using namespace std::chrono_literals;

TEST(PollSchedule, SuccessWaitsTheInterval) { EXPECT_EQ(next_poll_delay(300'000ms, 0, 0.0), 300'000ms); }

TEST(PollSchedule, FailuresDoubleTheWaitUpToTheCap) {
  EXPECT_EQ(next_poll_delay(60'000ms, 1, 0.0), 120'000ms);
  EXPECT_EQ(next_poll_delay(60'000ms, 3, 0.0), 480'000ms);
  EXPECT_EQ(next_poll_delay(60'000ms, 50, 0.0), kMaxBackoff);
}

TEST(PollSchedule, ALongIntervalIsNeverShortenedByTheCap) {
  EXPECT_EQ(next_poll_delay(std::chrono::hours(6), 2, 0.0), std::chrono::hours(6));
}

TEST(PollSchedule, JitterAddsAtMostTenPercent) {
  EXPECT_EQ(next_poll_delay(1000ms, 0, 0.5), 1050ms);
  EXPECT_LT(next_poll_delay(1000ms, 0, 0.999), 1100ms);
}

TEST(PollSchedule, FirstPollsAreSpreadOverTheFirstSeconds) {
  EXPECT_EQ(initial_poll_delay(0, 4, 300'000ms), 0ms);
  EXPECT_EQ(initial_poll_delay(2, 4, 300'000ms), 5'000ms);
  EXPECT_EQ(initial_poll_delay(1, 2, 1'000ms), 500ms);
}
