// SHA-256, HMAC, Ed25519 and base64 against published test vectors.
#include "common/crypto.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(Crypto, Sha256MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64RoundTrips) {
  std::string out;
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    ASSERT_TRUE(base64_decode(base64_encode(s), out));
    EXPECT_EQ(out, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64_decode("abc", out));
}

TEST(Crypto, HmacMatchesRfc4231Case2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
  std::string expected_raw;
  ASSERT_TRUE(base64_decode("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", expected_raw));
  EXPECT_EQ(hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(Crypto, HmacHexTakesTheDigestByNameAndRefusesOthers) {
  // The same RFC 4231 case 2 as hex; SHA-512 from the same case.
  EXPECT_EQ(hmac_hex("sha256", "Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex("sha512", "Jefe", "what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  EXPECT_EQ(hmac_hex("md5", "Jefe", "what do ya want for nothing?"), "");
}

TEST(Crypto, RandomHexGivesTwoDigitsPerFreshByte) {
  const std::string a = random_hex(16);
  const std::string b = random_hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

TEST(Crypto, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("sha256=abc", "sha256=abc"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=abd"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

// RFC 8032, section 7.1, test 1 (secret key 9d61b1...7f60, public key d75a98...511a), in base64.
TEST(Crypto, Ed25519PublicKeyMatchesRfc8032Test1) {
  std::string private_key;
  ASSERT_TRUE(base64_decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=", private_key));
  EXPECT_EQ(base64_encode(ed25519_public_key(private_key)), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  EXPECT_THROW(ed25519_public_key("short"), std::invalid_argument);
}
