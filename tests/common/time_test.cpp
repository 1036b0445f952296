#include "common/time.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace std::chrono_literals;

TEST(Duration, ParsesEveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), Millis(500));
  EXPECT_EQ(parse_duration("2s"), Millis(2000));
  EXPECT_EQ(parse_duration("5m"), Millis(300'000));
  EXPECT_EQ(parse_duration("2h"), Millis(7'200'000));
  EXPECT_EQ(parse_duration("1d"), Millis(86'400'000));
  EXPECT_EQ(parse_duration("1h30m"), Millis(5'400'000));
}

TEST(Duration, RejectsMalformedText) {
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("m5"));
  EXPECT_FALSE(parse_duration("5 minutes"));
  EXPECT_FALSE(parse_duration("-5s"));
}

TEST(Duration, FormatsBackToTheSameValue) {
  for (const char* text : {"500ms", "2s", "5m", "1h30m", "1d", "10h"})
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
}

TEST(ByteSize, ParsesBinaryAndDecimalUnits) {
  EXPECT_EQ(parse_byte_size("16MiB"), 16ull << 20);
  EXPECT_EQ(parse_byte_size("1KB"), 1000u);
  EXPECT_EQ(parse_byte_size("4096"), 4096u);
  EXPECT_FALSE(parse_byte_size("16 parsecs"));
}

TEST(Rfc3339, FormatsUtcWithSeconds) {
  EXPECT_EQ(format_rfc3339(TimePoint(1722513600s)), "2024-08-01T12:00:00Z");
  EXPECT_EQ(from_unix_millis(to_unix_millis(TimePoint(1722513600s))), TimePoint(1722513600s));
}
