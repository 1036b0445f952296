// Delivers the outbox: one loop per webhook sends due alerts, records the outcome, and sleeps
// until the next one is due or new alerts are committed.
#pragma once

#include "alerts/retry_policy.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "store/state_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace newsalert::alerts {

// The Standard Webhooks signature header value: "v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>".
std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

class Delivery {
 public:
  // `lines` receives the payloads of stdout-format webhooks, one JSON object per line.
  Delivery(boost::asio::io_context& io, net::HttpClient& http, store::StateStore& store,
           std::vector<config::WebhookConfig> webhooks, std::ostream& lines);
  ~Delivery();

  // Told every attempt's outcome (for metrics); runs on the event loop.
  using Observer = std::function<void(const std::string& webhook, AttemptOutcome outcome)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  void start();
  // A reloaded config: webhooks with a known name take the new settings from their next attempt,
  // with changed settings retry their backlog at once, new ones start delivering, removed ones stop after their attempt in flight (their alerts
  // stay in the outbox). Returns how many alerts wait for removed webhooks.
  std::size_t update(std::vector<config::WebhookConfig> webhooks);
  // New alerts were committed: loops that are waiting look at the outbox again.
  void wake();
  // No new attempts start; the loops end once their current attempt is done.
  void stop();
  // Loops still running (each has at most one attempt in flight).
  std::size_t running() const { return running_; }

 private:
  struct Endpoint {
    config::WebhookConfig config;
    std::unique_ptr<boost::asio::steady_timer> wakeup;
    bool removed = false;
    bool done = false;   // its loop has ended
  };

  void spawn(Endpoint& endpoint);

  boost::asio::awaitable<void> run_loop(Endpoint& endpoint);
  boost::asio::awaitable<void> attempt(Endpoint& endpoint, const store::PendingDelivery& item);
  void record(const Endpoint& endpoint, const store::PendingDelivery& item, long status, const std::string& error,
              std::optional<Millis> retry_after);

  boost::asio::io_context& io_;
  net::HttpClient& http_;
  store::StateStore& store_;
  std::ostream& lines_;
  // Stable addresses: a loop keeps its Endpoint& while update() adds endpoints.
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  Observer observer_;
  std::mt19937_64 random_;
  bool stopping_ = false;
  bool started_ = false;
  std::size_t running_ = 0;
};

}  // namespace newsalert::alerts
