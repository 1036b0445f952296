#include "alerts/circuit_breaker.hpp"

#include <gtest/gtest.h>

using namespace newsalert::alerts;
using namespace std::chrono_literals;
using State = CircuitBreaker::State;

namespace {
const CircuitBreaker::TimePoint kT0{std::chrono::hours(1)};
}

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveFailures) {
  CircuitBreaker breaker(3, 30s);
  breaker.record_failure(kT0);
  breaker.record_failure(kT0);
  EXPECT_EQ(breaker.state(), State::closed);
  EXPECT_TRUE(breaker.allow(kT0));
  breaker.record_failure(kT0);
  EXPECT_EQ(breaker.state(), State::open);
  EXPECT_FALSE(breaker.allow(kT0 + 29s));
}

TEST(CircuitBreaker, ASuccessResetsTheCount) {
  CircuitBreaker breaker(3, 30s);
  breaker.record_failure(kT0);
  breaker.record_failure(kT0);
  breaker.record_success();
  breaker.record_failure(kT0);
  breaker.record_failure(kT0);
  EXPECT_EQ(breaker.state(), State::closed);
}

TEST(CircuitBreaker, AfterTheCooldownExactlyOneProbeGoesThrough) {
  CircuitBreaker breaker(1, 30s);
  breaker.record_failure(kT0);
  EXPECT_TRUE(breaker.allow(kT0 + 30s));
  EXPECT_EQ(breaker.state(), State::half_open);
  EXPECT_FALSE(breaker.allow(kT0 + 31s));
  EXPECT_FALSE(breaker.allow(kT0 + 90s));
}

TEST(CircuitBreaker, ASuccessfulProbeClosesAFailedOneReopens) {
  CircuitBreaker ok(1, 30s);
  ok.record_failure(kT0);
  ASSERT_TRUE(ok.allow(kT0 + 30s));
  ok.record_success();
  EXPECT_EQ(ok.state(), State::closed);
  EXPECT_TRUE(ok.allow(kT0 + 30s));

  CircuitBreaker bad(5, 30s);
  for (int i = 0; i < 5; ++i) bad.record_failure(kT0);
  ASSERT_TRUE(bad.allow(kT0 + 40s));
  bad.record_failure(kT0 + 41s);   // one failed probe is enough, whatever the threshold
  EXPECT_EQ(bad.state(), State::open);
  EXPECT_FALSE(bad.allow(kT0 + 70s));
  EXPECT_TRUE(bad.allow(kT0 + 71s));
}

TEST(CircuitBreaker, ANeutralOutcomeReleasesTheProbe) {
  CircuitBreaker breaker(1, 1s);
  breaker.record_failure(kT0);
  ASSERT_TRUE(breaker.allow(kT0 + 1s));
  breaker.record_neutral();
  EXPECT_TRUE(breaker.allow(kT0 + 1s));
}

TEST(CircuitBreaker, ThresholdZeroNeverOpens) {
  CircuitBreaker breaker(0, 1s);
  for (int i = 0; i < 100; ++i) breaker.record_failure(kT0);
  EXPECT_TRUE(breaker.allow(kT0));
}
