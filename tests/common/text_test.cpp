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
