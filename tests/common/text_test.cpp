// trim and form encoding.
#include "common/text.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(Text, TrimsAsciiWhitespace) { EXPECT_EQ(trim("\t a b \n"), "a b"); }

TEST(Text, FormEncodingRoundTripsAndSplitsPairs) {
  EXPECT_EQ(newsalert::form_encode("https://a.example/x?y=1&z=é"), "https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D%C3%A9");
  EXPECT_EQ(newsalert::form_decode("https%3A%2F%2Fa.example%2Fx%3fy%3D1+2%zz"), "https://a.example/x?y=1 2%zz");
  const auto form = newsalert::parse_form("hub.mode=subscribe&hub.topic=https%3A%2F%2Fa.example%2F&empty&=v&");
  EXPECT_EQ(form.at("hub.mode"), "subscribe");
  EXPECT_EQ(form.at("hub.topic"), "https://a.example/");
  EXPECT_EQ(form.at("empty"), "");
  EXPECT_EQ(form.at(""), "v");
}

TEST(Text, IequalsAsciiIgnoresTheCaseOfAsciiLettersOnly) {
  EXPECT_TRUE(newsalert::iequals_ascii("User-Agent", "user-AGENT"));
  EXPECT_FALSE(newsalert::iequals_ascii("user-agent", "user-agents"));
  EXPECT_FALSE(newsalert::iequals_ascii("\xC3\x89T\xC3\x89", "\xC3\xA9t\xC3\xA9"));   // ÉTÉ, été: not ASCII
  EXPECT_TRUE(newsalert::iequals_ascii("", ""));
}
