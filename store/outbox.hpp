// The alert outbox in the state database: pending deliveries, outcomes, dead letters, disabled webhooks.
#pragma once

#include "common/time.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::store {

class Database;

// An alert to deliver: one (alert, webhook) pair. alert_id is stable per watchlist+article,
// so the same alert reached twice (the same story in two feeds) is stored once per webhook.
struct OutboxEntry {
  std::string alert_id;
  std::string webhook;
  std::string watchlist;
  std::string payload;   // the JSON body, exactly as it will be sent
};

struct PendingDelivery {
  std::int64_t id = 0;
  std::string alert_id;
  std::string webhook;
  std::string watchlist;
  std::string payload;
  int attempts = 0;        // attempts made so far
  TimePoint next_attempt;
  TimePoint created;
  std::string last_error;
};

struct DeadLetter {
  std::int64_t id = 0;
  std::string alert_id;
  std::string webhook;
  std::string watchlist;
  std::string payload;
  int attempts = 0;
  TimePoint created;
  TimePoint failed;
  std::string last_error;
};

// Where one alert stands with one webhook.
struct DeliveryState {
  enum class Kind { pending, delivered, dead };
  std::string webhook;
  Kind kind = Kind::pending;
  int attempts = 0;              // pending and dead only
  TimePoint at;                  // the next attempt (pending), or when it was delivered or given up
  std::string last_error;
  std::int64_t id = 0;           // the outbox or dead-letter id (what `deliveries retry` takes); 0 when delivered
};

// A webhook switched off because its receiver answered 410 Gone.
struct DisabledEndpoint {
  std::string webhook;
  std::string url;      // the URL that answered 410; a different URL in the config re-enables it
  std::string reason;
  TimePoint since;
};

class Outbox {
 public:
  explicit Outbox(Database& db) noexcept : db_(db) {}

  // Outbox entries added outside a poll (digests, follow-ups). Those whose (alert_id, webhook) is
  // already known (pending, delivered or dead) are skipped. Returns how many were added.
  std::size_t enqueue(const std::vector<OutboxEntry>& alerts, TimePoint now);

  // Pending deliveries for a webhook that are due at `now`, longest due first
  // (by next_attempt, then by insertion order).
  std::vector<PendingDelivery> due(const std::string& webhook, TimePoint now, std::size_t limit) const;
  // The earliest next_attempt of the webhook's pending deliveries, if any.
  std::optional<TimePoint> next_due(const std::string& webhook) const;

  // Runs `writes` (mark_* calls, say) in one transaction: one commit, and in a cluster one log
  // entry, for the outcomes of many attempts.
  void write_together(const std::function<void()>& writes);
  // The mark_* calls are no-ops for an id no longer in the outbox.
  // After a 2xx: the entry leaves the outbox; its (alert_id, webhook) is remembered as delivered.
  void mark_delivered(std::int64_t id, TimePoint now);
  // After a failed attempt that will be retried: attempts + 1.
  void mark_retry(std::int64_t id, TimePoint next_attempt, const std::string& error);
  // After the last attempt failed, or a permanent failure: moved to the dead-letter table, with
  // attempts + 1 (the failed attempt counted) and its (alert_id, webhook) remembered as dead.
  void mark_dead(std::int64_t id, const std::string& error, TimePoint now);

  // At start-up: every pending delivery becomes due now, so a restart (often the fix for a broken
  // receiver or URL) tries the backlog at once instead of waiting out long retry delays.
  // Returns how many were rescheduled.
  std::size_t make_pending_due(TimePoint now);
  // The same for one webhook (its settings changed on reload).
  std::size_t make_pending_due(TimePoint now, const std::string& webhook);

  // --- endpoints: 410 Gone switches a webhook off until its URL changes or an operator retries.
  void disable_endpoint(const std::string& webhook, const std::string& url, const std::string& reason, TimePoint now);
  std::optional<DisabledEndpoint> disabled_endpoint(const std::string& webhook) const;
  // Returns whether it was disabled.
  bool enable_endpoint(const std::string& webhook);
  std::vector<DisabledEndpoint> disabled_endpoints() const;

  // --- dead letters, for `newsalertd deliveries`: back into the outbox (due at `now`, attempts
  // from zero, its webhook re-enabled), or dropped for good.
  bool retry_dead_letter(std::int64_t id, TimePoint now);
  std::size_t retry_all_dead_letters(TimePoint now);
  std::size_t purge_dead_letters();
  std::vector<DeadLetter> dead_letters() const;
  // The webhook of dead letter `id`; nullopt when there is none with that id.
  std::optional<std::string> dead_letter_webhook(std::int64_t id) const;
  // The alert's state with every webhook it went or goes to, by webhook name.
  std::vector<DeliveryState> delivery_states(const std::string& alert_id) const;

  std::size_t pending_count() const;
  std::size_t pending_count(const std::string& webhook) const;
  std::size_t delivered_count() const;

 private:
  // Inside the caller's transaction: StateStore's commits add alerts beside the state that raised them.
  friend class StateStore;
  std::size_t insert(const std::vector<OutboxEntry>& alerts, std::int64_t now_ms);

  Database& db_;
};

}  // namespace newsalert::store
