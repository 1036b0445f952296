#include "alerts/delivery.hpp"
#include "common/crypto.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(WebhookSignature, MatchesTheStandardWebhooksTestVector) {
  std::string secret;
  ASSERT_TRUE(base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", secret));
  EXPECT_EQ(alerts::webhook_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, ChangesWithTheBody) {
  EXPECT_NE(alerts::webhook_signature("k", "id", 1, "a"), alerts::webhook_signature("k", "id", 1, "b"));
}
