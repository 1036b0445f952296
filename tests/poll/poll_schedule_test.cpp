#include "poll/poll_schedule.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace newsalert;
using namespace newsalert::poll;
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

TEST(PollSchedule, ManyFeedsSpreadTheirFirstPollsOverTheWholeInterval) {
  // 10,000 feeds at 60 s: one first poll every 6 ms across the minute, not 1,000 a second for 10 s.
  EXPECT_EQ(spread_window(10'000, 60'000ms), 60'000ms);
  EXPECT_EQ(initial_poll_delay(5'000, 10'000, 60'000ms), 30'000ms);
  EXPECT_EQ(initial_poll_delay(9'999, 10'000, 60'000ms), 59'994ms);
  // 1,000 feeds: a minute too (60 ms each); 300 feeds at 5 m: 18 s.
  EXPECT_EQ(spread_window(1'000, 300'000ms), 60'000ms);
  EXPECT_EQ(spread_window(300, 300'000ms), 18'000ms);
  // A short interval is never exceeded, and a few feeds still start within 10 s.
  EXPECT_EQ(spread_window(10'000, 5'000ms), 5'000ms);
  EXPECT_EQ(spread_window(3, 300'000ms), 10'000ms);
}

TEST(PollSchedule, APollLateByMoreThanHalfItsIntervalIsSpreadAfterAPause) {
  // Slightly late (a busy loop): start at once.
  EXPECT_EQ(resume_delay(20'000ms, 60'000ms, 10'000, 0.7), 0ms);
  EXPECT_EQ(resume_delay(30'000ms, 60'000ms, 10'000, 0.7), 0ms);
  // After a pause every feed is late: each waits its own share of the spread window.
  EXPECT_EQ(resume_delay(5 * 60'000ms, 60'000ms, 10'000, 0.0), 0ms);
  EXPECT_EQ(resume_delay(5 * 60'000ms, 60'000ms, 10'000, 0.5), 30'000ms);
  EXPECT_EQ(resume_delay(31'000ms, 60'000ms, 2, 0.5), 5'000ms);
}

TEST(PollSchedule, AFeedIsFetchedInFullAQuarterOfTheRetentionAfterItsLastFullFetch) {
  const TimePoint now = from_unix_millis(1'722'500'000'000);
  const Millis retention = std::chrono::hours(24 * 30);
  EXPECT_TRUE(needs_full_fetch(std::nullopt, now, retention));
  EXPECT_FALSE(needs_full_fetch(now - std::chrono::hours(24 * 7), now, retention));
  EXPECT_TRUE(needs_full_fetch(now - std::chrono::hours(24 * 8), now, retention));
  EXPECT_FALSE(needs_full_fetch(std::nullopt, now, Millis(0)));   // retention off: records are kept
}

namespace {

const TimePoint kNow = from_unix_millis(1'722'500'000'000);   // a fixed clock: Thu, 01 Aug 2024 08:13:20 GMT

std::vector<TimePoint> every(Millis step, int count, TimePoint newest = kNow) {
  std::vector<TimePoint> out;
  for (int i = 0; i < count; ++i) out.push_back(newest - step * i);
  return out;
}

PollPolicy policy(Millis interval, Millis max_interval, bool adaptive = true) {
  return PollPolicy{interval, max_interval, adaptive};
}

}  // namespace

TEST(AdaptiveInterval, IsSevenDaysOverTheEntriesOfTheLastWeek) {
  // 14 entries in the last week, one a week ago and older: one every 12 hours.
  EXPECT_EQ(adaptive_interval(every(12h, 20), kNow, 1min, 24h), 12h);
  // 168 entries in the week: one an hour.
  EXPECT_EQ(adaptive_interval(every(1h, 200), kNow, 1min, 24h), 1h);
}

TEST(AdaptiveInterval, BusyFeedsArePolledAtTheMinimum) {
  // 200 entries a minute apart: the sample spans 200 minutes, not a week.
  EXPECT_EQ(adaptive_interval(every(1min, 200), kNow, 5min, 1h), 5min);
  EXPECT_EQ(adaptive_interval(every(1min, 200), kNow, 1s, 1h), 59'700ms);   // 199 minutes / 200
}

TEST(AdaptiveInterval, QuietFeedsBackOffToTheMaximum) {
  EXPECT_EQ(adaptive_interval(every(24h, 5, kNow - 30 * 24h), kNow, 5min, 1h), 1h);
  EXPECT_EQ(adaptive_interval(every(50h, 10), kNow, 5min, 1h), 1h);   // 4 in the week: 42h, capped
}

TEST(AdaptiveInterval, OnlyTheLastWeekCounts) {
  // Two entries this week, many older ones: 3.5 days, capped at the maximum of 48h.
  auto dates = every(1h, 2);
  const auto old = every(1h, 100, kNow - 8 * 24h);
  dates.insert(dates.end(), old.begin(), old.end());
  EXPECT_EQ(adaptive_interval(dates, kNow, 1min, 48h), 48h);
  EXPECT_EQ(adaptive_interval(dates, kNow, 1min, 100h), 84h);
}

TEST(AdaptiveInterval, ANewFeedIsMeasuredOverTheTimeItSpans) {
  // Three entries over the last 9 hours and nothing older: one every 3 hours.
  EXPECT_EQ(adaptive_interval({kNow - 9h, kNow - 1h, kNow - 5h}, kNow, 1min, 48h), 3h);
}

TEST(AdaptiveInterval, UndatedFeedsStayAtTheMinimum) {
  EXPECT_EQ(adaptive_interval({}, kNow, 5min, 1h), 5min);
}

TEST(AdaptiveInterval, FollowsTheClock) {
  auto dates = every(1h, 7);   // 7 entries in the 6 hours before kNow, and one older
  dates.push_back(kNow - 30 * 24h);
  EXPECT_EQ(adaptive_interval(dates, kNow, 1min, 48h), 24h);
  EXPECT_EQ(adaptive_interval(dates, kNow + 8 * 24h, 1min, 48h), 48h);   // a week later: quiet
  EXPECT_EQ(adaptive_interval(dates, kNow + 8 * 24h, 1min, 100h), 100h);
}

TEST(AdaptiveInterval, FutureDatesCountAsRecent) {
  EXPECT_EQ(adaptive_interval({kNow + 2h, kNow - 30 * 24h}, kNow, 1min, 200h), 168h);
  EXPECT_EQ(adaptive_interval({kNow + 2h}, kNow, 1min, 200h), 1min);
}

TEST(AdaptiveInterval, AMaximumBelowTheMinimumIsTheMinimum) {
  EXPECT_EQ(adaptive_interval({}, kNow, 10min, 1min), 10min);
  EXPECT_EQ(adaptive_interval(every(24h, 1, kNow - 30 * 24h), kNow, 10min, 1min), 10min);
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120s);
  EXPECT_EQ(parse_retry_after(" 2 ", kNow), 2s);
  EXPECT_EQ(parse_retry_after("Thu, 01 Aug 2024 08:14:50 GMT", kNow), 90s);
  EXPECT_EQ(parse_retry_after("Thu, 01 Aug 2024 08:15:00 GMT", from_unix_millis(1'722'499'800'000)), 5min);
  EXPECT_EQ(parse_retry_after("Thu, 01 Aug 2024 07:13:20 GMT", kNow), 0ms);   // already past: no wait
  EXPECT_EQ(parse_retry_after("-5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);
}

TEST(RetryAfter, IsCappedAtADay) {
  EXPECT_EQ(parse_retry_after("99999999999", kNow), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", kNow), kMaxRetryAfter);
}

TEST(CacheControl, ReadsMaxAge) {
  EXPECT_EQ(parse_max_age("max-age=3600"), 3600s);
  EXPECT_EQ(parse_max_age("public, MAX-AGE = \"600\", must-revalidate"), 600s);
  EXPECT_EQ(parse_max_age("s-maxage=60"), std::nullopt);
  EXPECT_EQ(parse_max_age("max-age=abc"), std::nullopt);
  EXPECT_EQ(parse_max_age("max-age=600, no-cache"), std::nullopt);
  EXPECT_EQ(parse_max_age("no-store"), std::nullopt);
  EXPECT_EQ(parse_max_age(""), std::nullopt);
}

TEST(NextPoll, SuccessWithoutHintsWaitsTheInterval) {
  const auto d = decide_next_poll(policy(1s, 1h, false), 0, {}, {}, kNow, 0.0);
  EXPECT_EQ(d.delay, 1s);
  EXPECT_EQ(d.reason, PollReason::interval);
  EXPECT_FALSE(d.server_directed());
}

TEST(NextPoll, AdaptiveFollowsThePublicationPace) {
  const auto d = decide_next_poll(policy(1min, 24h), 0, {}, every(12h, 20), kNow, 0.0);
  EXPECT_EQ(d.delay, 12h);
  EXPECT_EQ(d.reason, PollReason::adaptive);
}

TEST(NextPoll, MaxAgeIsAFloor) {
  ServerHints hints;
  hints.max_age = 3600s;
  const auto d = decide_next_poll(policy(1s, 2h, false), 0, hints, {}, kNow, 0.0);
  EXPECT_EQ(d.delay, 1h);
  EXPECT_EQ(d.reason, PollReason::max_age);
  EXPECT_TRUE(d.server_directed());
  // A floor below the interval changes nothing.
  hints.max_age = 10s;
  EXPECT_EQ(decide_next_poll(policy(5min, 2h, false), 0, hints, {}, kNow, 0.0).delay, 5min);
}

TEST(NextPoll, TtlIsAFloor) {
  ServerHints hints;
  hints.ttl = 30min;
  const auto d = decide_next_poll(policy(1min, 1h), 0, hints, every(1min, 200), kNow, 0.0);
  EXPECT_EQ(d.delay, 30min);
  EXPECT_EQ(d.reason, PollReason::ttl);
}

TEST(NextPoll, FloorsAreCappedAtTheMaximumInterval) {
  ServerHints hints;
  hints.max_age = 7 * 24h;
  hints.ttl = 24h;
  const auto d = decide_next_poll(policy(1min, 1h), 0, hints, {}, kNow, 0.0);
  EXPECT_EQ(d.delay, 1h);
  // A feed whose own interval is longer than max_interval keeps it.
  EXPECT_EQ(decide_next_poll(policy(3h, 1h), 0, hints, {}, kNow, 0.0).delay, 3h);
}

TEST(NextPoll, FailuresBackOffExponentiallyAndIgnoreCacheHints) {
  ServerHints hints;
  hints.max_age = 1h;
  const auto d = decide_next_poll(policy(1s, 1h), 3, hints, {}, kNow, 0.0);
  EXPECT_EQ(d.delay, 8s);
  EXPECT_EQ(d.reason, PollReason::backoff);
  EXPECT_FALSE(d.server_directed());
}

TEST(NextPoll, RetryAfterWinsWhenLongerThanTheBackoff) {
  ServerHints hints;
  hints.retry_after = 2s;
  // Streak 1 from 1s: a 2s backoff (up to 2.2s with jitter); Retry-After 2s is not longer.
  EXPECT_EQ(decide_next_poll(policy(1s, 1h), 1, hints, {}, kNow, 0.0).reason, PollReason::backoff);
  hints.retry_after = 2min;
  const auto d = decide_next_poll(policy(1s, 1h), 1, hints, {}, kNow, 0.9);
  EXPECT_EQ(d.delay, 2min);
  EXPECT_EQ(d.reason, PollReason::retry_after);
  EXPECT_TRUE(d.server_directed());
}

TEST(NextPoll, JitterOnlyLengthensTheWait) {
  ServerHints hints;
  hints.max_age = 100s;
  const auto d = decide_next_poll(policy(1s, 1h, false), 0, hints, {}, kNow, 0.5);
  EXPECT_EQ(d.delay, 105s);
}

TEST(NextPoll, ReasonsHaveStableNames) {
  EXPECT_EQ(poll_reason_name(PollReason::interval), "interval");
  EXPECT_EQ(poll_reason_name(PollReason::adaptive), "adaptive");
  EXPECT_EQ(poll_reason_name(PollReason::max_age), "max-age");
  EXPECT_EQ(poll_reason_name(PollReason::ttl), "ttl");
  EXPECT_EQ(poll_reason_name(PollReason::backoff), "backoff");
  EXPECT_EQ(poll_reason_name(PollReason::retry_after), "retry-after");
}
