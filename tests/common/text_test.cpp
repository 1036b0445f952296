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
