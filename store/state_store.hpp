// The daemon's durable state in one SQLite file: seen articles, feed validators, the alert outbox.
#pragma once

#include "common/time.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace newsalert::store {

class Database;      // store/database.hpp: the thin RAII wrapper over sqlite3
class Transaction;   // store/database.hpp

// What the fetcher needs to poll a feed politely and what status reports show.
struct FeedState {
  std::string etag;
  std::string last_modified;
  std::optional<TimePoint> last_poll;      // last attempt
  std::optional<TimePoint> last_success;   // last 200 or 304
  int error_streak = 0;
  std::string last_error;                  // empty after a success
  std::string current_url;                 // where a 301/308 moved the feed; empty: the configured URL
  std::optional<Millis> ttl;               // the document's RSS <ttl>, kept across 304s
  std::optional<TimePoint> not_before;     // the earliest next poll the server asked for
                                           // (Retry-After, max-age, ttl); honoured after a restart
  std::optional<TimePoint> last_full;      // last 200: when the records of its entries were refreshed
};

// An article the poll found new; keyed by (feed_url, article_id).
struct SeenArticle {
  std::string feed_url;
  std::string article_id;
  std::string link;
  std::string title;
  std::optional<TimePoint> published;
};

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

// A webhook switched off because its receiver answered 410 Gone.
struct DisabledEndpoint {
  std::string webhook;
  std::string url;      // the URL that answered 410; a different URL in the config re-enables it
  std::string reason;
  TimePoint since;
};

enum class StoryState {
  alerted,    // its alert went to the outbox
  held,       // throttled or in quiet hours: waiting for the watchlist's next digest
  digested,   // sent as part of a digest
};

// One story per watchlist: the first article that raised it, and how it is recognized again.
struct Story {
  std::int64_t id = 0;
  std::string watchlist;
  std::string alert_id;      // the alert id every copy of the story is delivered under
  std::uint64_t simhash = 0;
  bool has_simhash = false;  // too little text for a fingerprint: recognized by link only
  std::string feed_url;      // the entry that raised it
  std::string article_id;
  std::string title;
  std::string link;
  TimePoint first_seen;
  StoryState state = StoryState::alerted;
  std::string payload;       // the alert body (kept for digests and follow-ups)
  int copies = 0;            // later entries recorded as copies of this story
  bool follow_up_sent = false;
};

// A later entry recognized as the same story: recorded instead of alerting again.
struct StoryCopy {
  std::string feed_url;
  std::string article_id;
  std::string link;
  std::string title;
  TimePoint seen;
};

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

// What one pruning pass removed.
struct PruneCounts {
  std::size_t articles = 0;
  std::size_t deliveries = 0;
  std::size_t stories = 0;
  std::size_t story_copies = 0;
  std::size_t total() const { return articles + deliveries + stories + story_copies; }
};

class StateStore {
 public:
  // Opens (creating if needed) <state_dir>/newsalert.db in WAL mode and migrates the schema.
  // Throws std::runtime_error with the path and SQLite's message when it cannot.
  explicit StateStore(const std::filesystem::path& db_file);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  static std::filesystem::path default_file(const std::filesystem::path& state_dir);

  // Takes the write lock now; every call until the transaction commits joins it (their own
  // transactions become savepoints), so what one poll decides lands together or not at all.
  // Include store/database.hpp to commit it.
  std::unique_ptr<Transaction> begin();

  FeedState feed_state(const std::string& feed_url);
  void save_feed_state(const std::string& feed_url, const FeedState& state);

  // Publication dates of the feed's `limit` most recently published recorded articles, newest first
  // (articles without a date are left out): what the adaptive schedule measures a feed's pace by.
  std::vector<TimePoint> published_times(const std::string& feed_url, std::size_t limit);

  // Of the given article ids of one feed, those not recorded yet, in input order. With
  // `refresh_before`, the recorded ones last seen before it are added to `stale` (commit_poll
  // refreshes them, so an entry still in its feed is never pruned and alerted again).
  std::vector<std::string> unseen(const std::string& feed_url, const std::vector<std::string>& article_ids,
                                  std::optional<TimePoint> refresh_before = std::nullopt,
                                  std::vector<std::string>* stale = nullptr);

  // One transaction: the feed's new state, its newly seen articles, and the alerts they raised.
  // Outbox entries whose (alert_id, webhook) is already known (pending, delivered or dead) are skipped.
  // Returns how many outbox entries were actually added.
  // `refreshed`: ids of recorded articles still in the feed, whose seen time moves to `now`.
  std::size_t commit_poll(const std::string& feed_url, const FeedState& state,
                          const std::vector<SeenArticle>& articles, const std::vector<OutboxEntry>& alerts,
                          TimePoint now, const std::vector<std::string>& refreshed = {});

  // Feed states of polls that found nothing new (304s, failures), written in one transaction:
  // one commit for a batch of polls instead of one each.
  void save_feed_states(const std::vector<std::pair<std::string, FeedState>>& states);

  // Retention: removes seen articles, final delivery records, stories (not held ones) and story
  // copies from before `cutoff`, at most `limit` rows of each table per call (so a large backlog is
  // removed in short transactions). Pending alerts and dead letters are kept.
  PruneCounts prune(TimePoint cutoff, std::size_t limit);

  // --- WebSub subscriptions, one per feed.
  std::vector<WebSubSubscription> websub_subscriptions();
  void save_websub(const WebSubSubscription& subscription);
  void delete_websub(const std::string& feed_url);

  // Pending deliveries for a webhook that are due at `now`, longest due first
  // (by next_attempt, then by insertion order).
  std::vector<PendingDelivery> due(const std::string& webhook, TimePoint now, std::size_t limit);
  // The earliest next_attempt of the webhook's pending deliveries, if any.
  std::optional<TimePoint> next_due(const std::string& webhook);

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

  // Outbox entries added outside a poll (digests, follow-ups); skipped like in commit_poll.
  std::size_t enqueue(const std::vector<OutboxEntry>& alerts, TimePoint now);

  // --- endpoints: 410 Gone switches a webhook off until its URL changes or an operator retries.
  void disable_endpoint(const std::string& webhook, const std::string& url, const std::string& reason, TimePoint now);
  std::optional<DisabledEndpoint> disabled_endpoint(const std::string& webhook);
  // Returns whether it was disabled.
  bool enable_endpoint(const std::string& webhook);
  std::vector<DisabledEndpoint> disabled_endpoints();

  // --- dead letters, for `newsalertd deliveries`: back into the outbox (due at `now`, attempts
  // from zero, its webhook re-enabled), or dropped for good.
  bool retry_dead_letter(std::int64_t id, TimePoint now);
  std::size_t retry_all_dead_letters(TimePoint now);
  std::size_t purge_dead_letters();
  std::size_t pending_count(const std::string& webhook);

  // --- stories (dedupe, throttle, digest).
  std::optional<Story> story(const std::string& alert_id);
  // Stories of the watchlist first seen at or after `since` that carry a fingerprint.
  std::vector<Story> stories_since(const std::string& watchlist, TimePoint since);
  // Ignored when a story with that alert id exists. Returns whether it was added.
  bool add_story(const Story& story);
  // Records a copy once per (story, feed, entry); returns whether it was new.
  bool add_story_copy(const std::string& alert_id, const StoryCopy& copy);
  std::vector<StoryCopy> story_copies(const std::string& alert_id);
  // One transaction: the follow-up's outbox entries and the story marked as followed up.
  void commit_follow_up(const std::string& alert_id, const std::vector<OutboxEntry>& alerts, TimePoint now);
  // Stories of the watchlist alerted directly (not held) first seen at or after `since`.
  std::size_t alerted_since(const std::string& watchlist, TimePoint since);
  // Held stories, oldest first; all watchlists when `watchlist` is empty.
  std::vector<Story> held_stories(const std::string& watchlist = {});
  // One transaction: the digest's outbox entries and its stories marked digested.
  void commit_digest(const std::vector<std::int64_t>& story_ids, const std::vector<OutboxEntry>& alerts, TimePoint now);

  std::size_t pending_count();
  std::size_t pending_for(const std::string& webhook);
  // Takes and releases the write lock without waiting for it: false, with SQLite's message, when
  // the database cannot be written now (locked by another process, read-only).
  bool probe_writable(std::string& error);
  std::size_t delivered_count();
  std::vector<DeadLetter> dead_letters();
  std::size_t seen_count();

  // SQLite's integrity check: "ok", or the problems found, one per line.
  std::string integrity_check();

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace newsalert::store
