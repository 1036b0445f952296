// The one definition of what alerts a feed produces: new entries, young enough, matched, past the
// story gate and the throttle, into the outbox, committed with the feed's state in one transaction.
// The daemon's polls, WebSub pushes and `replay` all go through it.
#pragma once

#include "alerts/story_gate.hpp"
#include "common/article.hpp"
#include "common/time.hpp"
#include "common/worker_pool.hpp"
#include "config/config.hpp"
#include "match/matcher.hpp"
#include "pipeline/entry_updates.hpp"
#include "store/state_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::pipeline {

// What the pipeline is configured by; replaced as a whole on reload.
struct Rules {
  std::vector<config::WatchlistConfig> watchlists;
  std::map<std::string, std::vector<std::string>> webhooks_of;   // the webhooks each watchlist notifies
  Millis max_age{0};     // older entries are recorded, not alerted; 0: no limit
  Millis retention{0};   // how long records are kept (entries seen long ago are refreshed); 0: forever
  bool keep_text = false;   // new entries' text is stored for trying draft watchlists (state.keep_text)
};

// The rules of a config: a watchlist without `notify:` notifies every webhook.
Rules rules_of(const config::Config& config);

// The entries of one document, as a poll or a push of one feed brings them.
struct Batch {
  std::string feed_url;
  std::vector<Article> articles;
  // The feed's state after this poll, committed with its entries; none for a push to a node of a
  // cluster that does not poll the feed (the state is its poller's to write).
  std::optional<store::FeedState> state;
  TimePoint now;
  std::string language{};   // what the feed declares (feeds::ParsedFeed::language): the hint for detection
};

// What one batch committed.
struct Outcome {
  std::size_t entries = 0;
  std::size_t new_entries = 0;
  std::size_t changed_entries = 0;         // seen before, with another text now (watchlists with on_update)
  std::size_t matches = 0;
  std::size_t queued = 0;                  // outbox rows added
  std::vector<std::string> raised;         // the watchlist of each new alert
  std::vector<std::string> webhooks;       // those with new outbox rows
  std::vector<std::string> alert_ids;      // of the new alerts, in the order they were raised
  std::vector<std::string> update_ids;     // those of them that are update alerts (on_update)
  // False when process() wrote nothing, because the batch had no new, changed or stale entries:
  // its feed state is then the caller's to write (the daemon writes it with other polls' states).
  bool recorded = true;
};

class Pipeline {
 public:
  // Matching at least this many new entries at once (a new feed's first poll) goes to the pool.
  static constexpr std::size_t kOffloadMatchArticles = 32;
  // Cluster mode: how often a batch is decided again after another node committed first.
  static constexpr int kConflictAttempts = 8;

  // `queued` is told when the story gate commits outbox rows of its own (digests, follow-ups).
  Pipeline(store::StateStore& store, Rules rules, std::shared_ptr<const match::Matcher> matcher,
           std::function<void()> queued = {});

  // A reloaded config: batches from now on use these.
  void update(Rules rules, std::shared_ptr<const match::Matcher> matcher);

  // The positions in batch.articles of the entries process() would match now: new and young
  // enough. Full text is fetched for these before the batch goes in.
  std::vector<std::size_t> to_match(const Batch& batch);

  // Runs a batch through every step; matching many entries runs on `pool` when one is given.
  // Throws what the store throws; nothing of the batch is committed then. A batch with nothing to
  // record writes nothing at all (Outcome::recorded): most polls that fetch a feed find only
  // entries seen before, and a transaction each, with its sync (and in cluster mode a log entry
  // that every node applies), would only store the feed's new validators.
  boost::asio::awaitable<Outcome> process(Batch batch, WorkerPool* pool);
  // The same, all on this thread, and the batch's feed state is written in any case.
  Outcome process_now(Batch batch);

  // Queues the digests that are due. Returns how many outbox rows it added.
  std::size_t flush_digests(TimePoint now);

  // Tests fix the clock of quiet hours with this.
  alerts::StoryGate& gate() { return *gate_; }

 private:
  struct Selection;

  void catch_up();
  Selection select(const Batch& batch);
  Outcome commit(const Batch& batch, const Selection& selection,
                 const std::vector<std::vector<match::Match>>& matches);
  void commit_updates(const Batch& batch, const Selection& selection,
                      const std::vector<std::vector<match::Match>>& matches, Outcome& outcome,
                      std::vector<store::OutboxEntry>& alerts);

  store::StateStore& store_;
  Rules rules_;
  // Shared with matching jobs on the pool, so a reload never swaps it under one.
  std::shared_ptr<const match::Matcher> matcher_;
  std::function<void()> queued_;
  std::optional<alerts::StoryGate> gate_;
  std::optional<EntryUpdates> updates_;
};

}  // namespace newsalert::pipeline
