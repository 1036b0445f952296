// Verifies Standard Webhooks signatures the way a receiver would, written from the specification
// (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md) independently of
// the daemon's signing code, so a test that compares the two can fail.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace newsalert::testing {

class WebhookVerifier {
 public:
  // `secret` as configured: "whsec_<base64>" or raw bytes.
  explicit WebhookVerifier(const std::string& secret);

  // Returns "" when the request is authentic, otherwise why not. `headers` has lower-case names.
  // The timestamp must be within `tolerance` of `now` (the spec suggests 5 minutes).
  std::string verify(const std::map<std::string, std::string>& headers, const std::string& body,
                     std::chrono::system_clock::time_point now,
                     std::chrono::seconds tolerance = std::chrono::minutes(5)) const;

 private:
  std::string key_;
};

}  // namespace newsalert::testing
