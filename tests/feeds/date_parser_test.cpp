// Date parsing across the RFC 822 and ISO 8601 dialects feeds use.
#include "feeds/date_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>

using newsalert::feeds::parse_date;
using newsalert::TimePoint;

namespace {

// Seconds since the epoch, or -1 when the text did not parse, so failures print readably.
std::int64_t unix_seconds(std::string_view text) {
  const auto t = parse_date(text);
  if (!t) return -1;
  return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
}

constexpr std::int64_t aug6_1430_utc = 1722954600;  // 2024-08-06T14:30:00Z

}  // namespace

TEST(DateParser, ReadsRfc1123WithNumericZone) {
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 14:30:00 +0000"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 16:30:00 +0200"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 10:00:00 -0430"), aug6_1430_utc);
}

TEST(DateParser, ReadsRfc822WithoutDayNameOrSeconds) {
  EXPECT_EQ(unix_seconds("6 Aug 2024 14:30 GMT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("06 August 2024 14:30:00 Z"), aug6_1430_utc);
}

TEST(DateParser, ReadsNamedUsZones) {
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 10:30:00 EDT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 09:30:00 EST"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 07:30:00 PDT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 06:30:00 pst"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 08:30:00 MDT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 08:30:00 CST"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 14:30:00 UT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 14:30:00 UTC"), aug6_1430_utc);
}

TEST(DateParser, ReadsMilitaryZoneLettersAsUtc) {
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 14:30:00 A"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 14:30:00 Y"), aug6_1430_utc);
}

TEST(DateParser, PivotsTwoDigitYearsAtFifty) {
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 24 14:30:00 GMT"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("Thu, 01 Jan 70 00:00:00 GMT"), 0);
}

TEST(DateParser, ToleratesTrailingZoneComment) {
  EXPECT_EQ(unix_seconds("Tue, 06 Aug 2024 07:30:00 -0700 (PDT)"), aug6_1430_utc);
}

TEST(DateParser, ReadsRfc3339WithZones) {
  EXPECT_EQ(unix_seconds("2024-08-06T14:30:00Z"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("2024-08-06T17:30:00+03:00"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("2024-08-06T09:30:00-0500"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("2024-08-06t14:30:00z"), aug6_1430_utc);
}

TEST(DateParser, AssumesUtcWhenIsoDateHasNoZone) {
  EXPECT_EQ(unix_seconds("2024-08-06T14:30:00"), aug6_1430_utc);
  EXPECT_EQ(unix_seconds("2024-08-06 14:30"), aug6_1430_utc);
}

TEST(DateParser, KeepsFractionalSeconds) {
  const auto t = parse_date("2024-08-06T14:30:00.250Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count(),
            aug6_1430_utc * 1000 + 250);
}

TEST(DateParser, ReadsDateOnlyAsMidnightUtc) {
  EXPECT_EQ(unix_seconds("2024-08-06"), 1722902400);
  EXPECT_EQ(unix_seconds("  2024-08-06\n"), 1722902400);
}

TEST(DateParser, HandlesLeapDaysAndOldDates) {
  EXPECT_EQ(unix_seconds("2024-02-29T00:00:00Z"), 1709164800);
  const auto t = parse_date("1969-12-31T23:59:58Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(), -2);
}

TEST(DateParser, RefusesUnreadableText) {
  for (const char* text : {"", "   ", "yesterday", "Tue, 32 Aug 2024 14:30:00 GMT", "2023-02-29",
                           "2024-13-01T00:00:00Z", "2024-08-06T25:00:00Z", "06 Foo 2024 14:30 GMT",
                           "2024-08-06T14:30:00Z trailing", "Tue, 06 Aug 2024 14:30:00 +99999"})
    EXPECT_FALSE(parse_date(text).has_value()) << text;
}

TEST(DateParser, ReadsGmtWithShortOffsets) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Sun, 11 Aug 2024 08:15:00 GMT+3")), "2024-08-11T05:15:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Sun, 11 Aug 2024 08:15:00 GMT-0530")), "2024-08-11T13:45:00Z");
}

TEST(DateParser, SkipsDayNamesInOtherLanguagesAndReadsTheirMonths) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Mi\xC3\xA9., 07 ago 2024 10:00:00 +0000")), "2024-08-07T10:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Do, 01 Okt 2024 10:00:00 +0200")), "2024-10-01T08:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("mer. 12 f\xC3\xA9vr. 2025 10:00 +0100")), "2025-02-12T09:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("12 juil. 2024 10:00 GMT")), "2024-07-12T10:00:00Z");
}

TEST(DateParser, ReadsCommonNamedZonesBeyondRfc822) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Mon, 01 Jul 2024 12:00:00 CEST")), "2024-07-01T10:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Mon, 01 Jul 2024 12:00:00 IST")), "2024-07-01T06:30:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Mon, 01 Jul 2024 12:00:00 JST")), "2024-07-01T03:00:00Z");
}

TEST(DateParser, ReadsUnixTimestampsInSecondsAndMilliseconds) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("1723364100")), "2024-08-11T08:15:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("1723364100000")), "2024-08-11T08:15:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("20240811")), "2024-08-11T00:00:00Z");  // eight digits: a basic ISO date
  EXPECT_FALSE(parse_date("17233641x0"));
}

// Found by fuzzing: the clock counts nanoseconds in 64 bits, so years past 2262 overflowed.
TEST(DateParser, RefusesDatesTheClockCannotHold) {
  EXPECT_FALSE(parse_date("2302-07-31T14:02:00.123+02:00"));
  EXPECT_FALSE(parse_date("Mon, 01 Jan 9999 00:00:00 GMT"));
  EXPECT_FALSE(parse_date("1500-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_date("2262-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_date("1700-01-01T00:00:00Z"));
}

// Found by fuzzing: eleven digits of Unix seconds overflowed the nanosecond clock.
TEST(DateParser, RefusesUnixTimestampsTheClockCannotHold) {
  EXPECT_FALSE(parse_date("32526825262"));
  EXPECT_FALSE(parse_date("99999999999"));
  EXPECT_FALSE(parse_date("9999999999999"));
  EXPECT_TRUE(parse_date("9223372034"));   // 2262-04-11, just inside
}

TEST(DateParser, ReadsTwelveHourClocksAndNeverMistakesPmForAZone) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Wed, 14 Aug 2024 8:56 am PST")), "2024-08-14T16:56:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Wed, 14 Aug 2024 8:56 pm")), "2024-08-14T20:56:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("August 14th, 2024 at 2:30 p.m. EDT")), "2024-08-14T18:30:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("14 Aug 2024 12:00 am")), "2024-08-14T00:00:00Z");
}

TEST(DateParser, ReadsNumericDatesWhoseOrderIsClear) {
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("8/14/2024 02:02:33 PM")), "2024-08-14T14:02:33Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("3/4/2024 1:05:00 AM")), "2024-03-04T01:05:00Z");  // US order with AM/PM
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("2020/1/10")), "2020-01-10T00:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("14.08.2024 10:00")), "2024-08-14T10:00:00Z");
  EXPECT_EQ(newsalert::format_rfc3339(*parse_date("Wednesday, August 14, 2024 - 14:30 BST")), "2024-08-14T13:30:00Z");
}

TEST(DateParser, LeavesAmbiguousOrUnexplainedDatesNull) {
  for (const char* text : {"08/07/2024", "14/13/2024 10:00", "Posted yesterday at 2:30 pm", "Aug 14 2024 13:00 pm",
                           "14 Aug 2024 15 10:00", "August July 14 2024", "8/14/24",
                           "August 14, 2024 10:00 +0100 +0100"})
    EXPECT_FALSE(parse_date(text).has_value()) << text;
}
