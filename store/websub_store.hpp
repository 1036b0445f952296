// WebSub subscriptions in the state database, one per feed, so leases survive a restart.
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace newsalert::store {

class Database;

enum class WebSubState {
  requested,       // subscription asked for; waiting for the hub's verification of intent
  active,          // verified; content is pushed until expires
  unsubscribing,   // the feed left the config; waiting for the hub to confirm
  failed,          // the hub refused, never verified, or could not be reached: polling as usual
};

// A WebSub subscription of one feed. The callback URL is <websub.callback_base>/<token>.
struct WebSubSubscription {
  std::string feed_url;
  std::string hub;
  std::string topic;
  std::string token;    // random, unguessable: names the subscription in the callback URL
  std::string secret;   // hub.secret: random per subscription, checks X-Hub-Signature
  WebSubState state = WebSubState::requested;
  std::optional<Millis> lease;          // what the hub granted
  std::optional<TimePoint> expires;     // when the lease ends
  TimePoint updated;
  std::string last_error;
};

class WebSubStore {
 public:
  explicit WebSubStore(Database& db) noexcept : db_(db) {}

  // Ordered by feed URL.
  std::vector<WebSubSubscription> all() const;
  // Inserts, or replaces the feed's subscription.
  void save(const WebSubSubscription& subscription);
  void remove(const std::string& feed_url);

 private:
  Database& db_;
};

}  // namespace newsalert::store
