#include "common/text.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(Text, TrimsAsciiWhitespace) { EXPECT_EQ(trim("\t a b \n"), "a b"); }

TEST(Text, Sha256MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Text, Base64RoundTrips) {
  std::string out;
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    ASSERT_TRUE(base64_decode(base64_encode(s), out));
    EXPECT_EQ(out, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64_decode("abc", out));
}

TEST(Text, HmacMatchesRfc4231Case2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
  std::string expected_raw;
  ASSERT_TRUE(base64_decode("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", expected_raw));
  EXPECT_EQ(hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(Text, FormEncodingRoundTripsAndSplitsPairs) {
  EXPECT_EQ(newsalert::form_encode("https://a.example/x?y=1&z=é"), "https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D%C3%A9");
  EXPECT_EQ(newsalert::form_decode("https%3A%2F%2Fa.example%2Fx%3fy%3D1+2%zz"), "https://a.example/x?y=1 2%zz");
  const auto form = newsalert::parse_form("hub.mode=subscribe&hub.topic=https%3A%2F%2Fa.example%2F&empty&=v&");
  EXPECT_EQ(form.at("hub.mode"), "subscribe");
  EXPECT_EQ(form.at("hub.topic"), "https://a.example/");
  EXPECT_EQ(form.at("empty"), "");
  EXPECT_EQ(form.at(""), "v");
}
