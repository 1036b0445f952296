// Delivers the outbox: one loop per webhook starts due alerts (up to the webhook's concurrency,
// paced by its rate limit, held back by its circuit breaker), records each outcome, and sleeps
// until the next one is due, new alerts are committed, or a short poll interval passes (so rows
// changed by another process, such as `newsalertd deliveries retry`, are noticed).
#pragma once

#include "alerts/channel_sender.hpp"
#include "alerts/circuit_breaker.hpp"
#include "alerts/rate_limiter.hpp"
#include "alerts/retry_policy.hpp"
#include "common/supervisor.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "net/mail_client.hpp"
#include "store/outbox.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace newsalert::alerts {

// The Standard Webhooks signature header value: "v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>".
std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

class Delivery {
 public:
  // The longest a loop sleeps before looking at the outbox again.
  static constexpr Millis kIdlePoll{2000};
  // Outcomes of attempts are written together, this long after the first of them or as soon as
  // kRecordBatch wait: one commit (in a cluster, one log entry that every node applies) for many
  // alerts. A crash in between sends those alerts again, under the same ids.
  static constexpr Millis kRecordWithin{200};
  // Held rows still come back from the loop's query of due alerts: not too many of them.
  static constexpr std::size_t kRecordBatch = 32;

  // `lines` receives the payloads of stdout-format webhooks, one JSON object per line.
  // Each webhook's loop runs under `supervisor`: a store error restarts it with backoff.
  Delivery(boost::asio::io_context& io, Supervisor& supervisor, net::HttpClient& http, store::Outbox& outbox,
           std::vector<config::WebhookConfig> webhooks, std::ostream& lines);
  ~Delivery();

  // Told every attempt's outcome (for metrics); runs on the event loop.
  using Observer = std::function<void(const std::string& webhook, AttemptOutcome outcome)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  // Cluster mode: a webhook's loop starts attempts only while `owns` says this node delivers it
  // (one node per webhook, so its concurrency, rate limit and circuit breaker hold cluster-wide).
  using Owns = std::function<bool(const std::string& webhook)>;
  void set_owner(Owns owns) { owns_ = std::move(owns); }

  void start();
  // A reloaded config: webhooks with a known name take the new settings from their next attempt,
  // with changed settings retry their backlog at once; new ones start delivering; removed ones stop
  // after their attempts in flight (their alerts stay in the outbox). Returns how many alerts wait
  // for removed webhooks.
  std::size_t update(std::vector<config::WebhookConfig> webhooks);
  // New alerts were committed: loops that are waiting look at the outbox again.
  void wake();
  // Only the loops of these webhooks: with many endpoints, waking all of them per commit costs
  // two queries per endpoint.
  void wake(const std::vector<std::string>& webhooks);
  // No new attempts start; loops end at once, attempts in flight finish (see running()).
  void stop();
  // Aborts the e-mails in flight (the HTTP client's owner cancels HTTP transfers); they stay due.
  void cancel_mail();
  // Loops plus attempts still in flight.
  std::size_t running() const { return loops_ + attempts_; }
  // Writes the outcomes waiting to be written now, those the store refused before too (at
  // shutdown, once the attempts have ended).
  void record_outcomes();
  // Outcomes known but not written yet; lost at exit, so those alerts are sent again after a
  // restart.
  std::size_t unrecorded() const;

 private:
  struct Endpoint {
    Endpoint(CircuitBreaker b, RateLimiter l) : breaker(std::move(b)), limiter(std::move(l)) {}
    config::WebhookConfig config;
    std::unique_ptr<boost::asio::steady_timer> wakeup;
    CircuitBreaker breaker;
    RateLimiter limiter;
    std::unordered_set<std::int64_t> in_flight;   // outbox ids with an attempt running
    // Outcomes not written yet, in the order they happened, and their outbox ids: those alerts are
    // not started again meanwhile. While the store refuses them (full disk, locked database),
    // they are written before anything new starts, so a delivered alert is never sent again.
    std::deque<std::pair<std::int64_t, std::function<void()>>> unrecorded;
    std::unordered_set<std::int64_t> held;
    int store_failures = 0;   // attempts in a row to write them that failed
    bool woken = false;
    bool disabled = false;
    bool removed = false;   // by a reload
    bool done = false;      // its loop has ended
  };

  std::unique_ptr<Endpoint> make_endpoint(config::WebhookConfig webhook);
  void spawn(Endpoint& endpoint);

  boost::asio::awaitable<void> run_loop(Endpoint& endpoint);
  boost::asio::awaitable<void> attempt(Endpoint& endpoint, std::shared_ptr<const store::PendingDelivery> item);
  void launch(Endpoint& endpoint, store::PendingDelivery item);
  void poke(Endpoint& endpoint);
  void record(Endpoint& endpoint, const store::PendingDelivery& item, long status, const std::string& error,
              std::optional<Millis> retry_after);
  // Holds `write` (an outcome of outbox row `id`) until the outcomes are written together.
  void store_outcome(Endpoint& endpoint, std::int64_t id, std::function<void()> write);
  // Writes these endpoints' held outcomes in one transaction; throws when the store refuses.
  void write_held(const std::vector<Endpoint*>& endpoints);
  // Writes the held outcomes of the endpoints whose writes did not fail before (all of them with
  // `retry_failed`), and reports a refusal once per streak.
  void record_outcomes(bool retry_failed);
  // After a refusal, the endpoint's loop writes its outcomes again itself; false while the store
  // still refuses them.
  bool record_held(Endpoint& endpoint);

  boost::asio::io_context& io_;
  Supervisor& supervisor_;
  net::MailClient mail_;
  ChannelSender sender_;
  store::Outbox& outbox_;
  std::ostream& lines_;
  // Stable addresses: loops and attempts keep their Endpoint& while update() adds endpoints.
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  boost::asio::steady_timer record_timer_;
  bool recording_due_ = false;   // record_timer_ is set
  Observer observer_;
  Owns owns_;
  std::mt19937_64 random_;
  bool stopping_ = false;
  bool started_ = false;
  std::size_t loops_ = 0;
  std::size_t attempts_ = 0;
};

}  // namespace newsalert::alerts
