// The pure parts of the WebSub subscriber: X-Hub-Signature checking and when leases are renewed.
#include "common/crypto.hpp"
#include "poll/websub_subscriber.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::poll;
using namespace std::chrono_literals;

TEST(WebSubSignature, AcceptsEveryHmacAlgorithmTheSpecNames) {
  const std::string body = "<feed>pushed</feed>";
  for (const char* algorithm : {"sha1", "sha256", "sha384", "sha512"}) {
    const std::string header = std::string(algorithm) + "=" + hmac_hex(algorithm, "s3cret", body);
    EXPECT_TRUE(websub_signature_valid(header, "s3cret", body)) << algorithm;
  }
  // The RFC 2202 test vector for HMAC-SHA1, so the hex is not only self-consistent.
  EXPECT_EQ(hmac_hex("sha1", "Jefe", "what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(WebSubSignature, RefusesWrongSecretsBodiesAndMalformedHeaders) {
  const std::string body = "<feed>pushed</feed>";
  const std::string good = "sha256=" + hmac_hex("sha256", "s3cret", body);
  EXPECT_FALSE(websub_signature_valid(good, "other", body));
  EXPECT_FALSE(websub_signature_valid(good, "s3cret", body + " "));
  EXPECT_FALSE(websub_signature_valid("", "s3cret", body));
  EXPECT_FALSE(websub_signature_valid("sha256", "s3cret", body));
  EXPECT_FALSE(websub_signature_valid("md5=" + hmac_hex("sha256", "s3cret", body), "s3cret", body));
  EXPECT_FALSE(websub_signature_valid(good.substr(0, good.size() - 2), "s3cret", body));
  // Upper-case hex is the same signature.
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(websub_signature_valid(upper, "s3cret", body));
}

TEST(WebSubLease, RenewsAQuarterBeforeTheEndAtMostAnHourBefore) {
  EXPECT_EQ(websub_renew_margin(Millis(2000)), Millis(500));
  EXPECT_EQ(websub_renew_margin(std::chrono::hours(2)), std::chrono::minutes(30));
  EXPECT_EQ(websub_renew_margin(std::chrono::hours(24 * 7)), std::chrono::hours(1));
}
