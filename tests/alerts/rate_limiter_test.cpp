#include "alerts/rate_limiter.hpp"

#include <gtest/gtest.h>

using namespace newsalert::alerts;
using namespace std::chrono_literals;

namespace {
const RateLimiter::TimePoint kT0{std::chrono::hours(1)};
}

TEST(RateLimiter, AllowsABurstThenPacesAtTheRate) {
  RateLimiter limiter(10, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.acquire(kT0), 0ms) << i;
  EXPECT_EQ(limiter.acquire(kT0), 100ms);
  EXPECT_EQ(limiter.acquire(kT0 + 50ms), 50ms);
  EXPECT_EQ(limiter.acquire(kT0 + 100ms), 0ms);
  EXPECT_GT(limiter.acquire(kT0 + 100ms), 0ms);
}

TEST(RateLimiter, OverALongRunTheRateHolds) {
  RateLimiter limiter(5, 1);
  int granted = 0;
  for (auto t = kT0; t < kT0 + 10s; t += 10ms)
    if (limiter.acquire(t) == 0ms) ++granted;
  EXPECT_GE(granted, 49);
  EXPECT_LE(granted, 51);
}

TEST(RateLimiter, SlowRatesWaitLong) {
  RateLimiter limiter(1.0 / 60, 1);   // 1/m
  EXPECT_EQ(limiter.acquire(kT0), 0ms);
  EXPECT_EQ(limiter.acquire(kT0), 60000ms);
}

TEST(RateLimiter, ZeroIsUnlimited) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.acquire(kT0), 0ms);
}
