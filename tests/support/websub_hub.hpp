// A loopback WebSub hub for tests: accepts subscription requests, verifies intent against the
// subscriber's callback, and publishes content signed with each subscriber's hub.secret.
#pragma once

#include "tests/support/http_server.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace newsalert::testing {

class WebSubHub {
 public:
  struct Subscriber {
    std::string topic;
    std::string callback;
    std::string secret;
    long lease_seconds = 0;   // granted
    int verified = 0;         // subscribe verifications the subscriber confirmed (1, then renewals)
  };

  // Grants at most `max_lease_seconds` whatever the subscriber asks for (short leases test renewal).
  explicit WebSubHub(long max_lease_seconds = 3600);
  ~WebSubHub();
  WebSubHub(const WebSubHub&) = delete;
  WebSubHub& operator=(const WebSubHub&) = delete;

  std::string url() const;   // http://127.0.0.1:PORT/hub

  // Waits until the subscriber of `topic` confirmed `verifications` subscribe verifications.
  bool wait_for_subscriber(const std::string& topic, int verifications, std::chrono::milliseconds timeout);
  std::optional<Subscriber> subscriber(const std::string& topic) const;
  // Waits until an unsubscription of `topic` was requested and confirmed.
  bool wait_for_unsubscribed(const std::string& topic, std::chrono::milliseconds timeout);
  int subscribe_requests() const;

  // POSTs `body` to the topic's subscriber, signed "<algorithm>=<hex HMAC>" with its secret (or
  // with `secret_override` when given; an empty algorithm sends no signature). Returns the status.
  int publish(const std::string& topic, const std::string& body, const std::string& content_type,
              const std::string& algorithm = "sha256", std::optional<std::string> secret_override = std::nullopt);

  // The hub goes away: its port closes, so renewals fail.
  void shut_down();

 private:
  void on_request(const RecordedRequest& request, Response& response);
  void verify(std::string mode, std::string topic, std::string callback, std::string secret, long lease);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Subscriber> subscribers_;
  std::vector<std::string> unsubscribed_;
  int subscribe_requests_ = 0;
  long max_lease_;
  std::vector<std::thread> verifiers_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
};

}  // namespace newsalert::testing
