// The daemon's durable state in one SQLite file: one connection, shared by the parts of each aggregate.
#pragma once

#include "common/time.hpp"
#include "store/article_store.hpp"
#include "store/feed_store.hpp"
#include "store/outbox.hpp"
#include "store/replication.hpp"
#include "store/story_store.hpp"
#include "store/websub_store.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace newsalert::store {

class Database;      // store/database.hpp: the thin RAII wrapper over sqlite3
class Transaction;   // store/database.hpp

// What `import_state` copied, per table: rows read from the other file, and those added (the
// rest were known already).
struct ImportCount {
  std::string table;
  std::size_t read = 0;
  std::size_t added = 0;
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
  // What to do with a database file that exists but is empty (0 bytes, no WAL beside it).
  // SQLite would take it as a new database, so a state lost to a truncation or a bad restore
  // would resend every pending alert and alert again on every entry the feeds still list.
  enum class EmptyFile { refuse, initialise };

  // Opens (creating if needed, mode 0600) <state_dir>/newsalert.db in WAL mode and migrates the
  // schema. Throws std::runtime_error with the path and SQLite's message when it cannot.
  explicit StateStore(const std::filesystem::path& db_file, EmptyFile empty = EmptyFile::refuse);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  static std::filesystem::path default_file(const std::filesystem::path& state_dir);
  // Why the daemon could not open an existing state file (unreadable, not a database, empty, from
  // a newer release), without writing to it; nothing when it could, or when it does not exist yet.
  static std::optional<std::string> problem_opening(const std::filesystem::path& db_file);

  FeedStore& feeds() noexcept { return feeds_; }
  const FeedStore& feeds() const noexcept { return feeds_; }
  WebSubStore& websub() noexcept { return websub_; }
  const WebSubStore& websub() const noexcept { return websub_; }
  ArticleStore& articles() noexcept { return articles_; }
  const ArticleStore& articles() const noexcept { return articles_; }
  StoryStore& stories() noexcept { return stories_; }
  const StoryStore& stories() const noexcept { return stories_; }
  Outbox& outbox() noexcept { return outbox_; }
  const Outbox& outbox() const noexcept { return outbox_; }

  // Takes the write lock now; every call until the transaction commits joins it (their own
  // transactions become savepoints), so what one poll decides lands together or not at all.
  // Include store/database.hpp to commit it.
  std::unique_ptr<Transaction> begin();

  // The writes below span parts, so each is one transaction here rather than a call on a part.
  // Outbox entries whose (alert_id, webhook) is already known (pending, delivered or dead) are skipped.

  // The feed's new state (when given), its newly seen articles, and the alerts they raised. Returns
  // how many outbox entries were actually added.
  // `refreshed`: ids of recorded articles still in the feed, whose seen time moves to `now`.
  std::size_t commit_poll(const std::string& feed_url, const std::optional<FeedState>& state,
                          const std::vector<SeenArticle>& articles, const std::vector<OutboxEntry>& alerts,
                          TimePoint now, const std::vector<std::string>& refreshed = {});
  // The follow-up's outbox entries and the story marked as followed up.
  void commit_follow_up(const std::string& alert_id, const std::vector<OutboxEntry>& alerts, TimePoint now);
  // The digest's outbox entries and its stories marked digested.
  void commit_digest(const std::vector<std::int64_t>& story_ids, const std::vector<OutboxEntry>& alerts, TimePoint now);

  // Retention: removes seen articles, final delivery records, stories (not held ones) and story
  // copies from before `cutoff`, at most `limit` rows of each table per call (so a large backlog is
  // removed in short transactions). Pending alerts and dead letters are kept.
  PruneCounts prune(TimePoint cutoff, std::size_t limit);
  // Up to `limit` kept article texts seen before `cutoff` (state.keep_text); how many went.
  std::size_t prune_texts(TimePoint cutoff, std::size_t limit);

  // Takes and releases the write lock without waiting for it: false, with SQLite's message, when
  // the database cannot be written now (locked by another process, read-only).
  bool probe_writable(std::string& error);

  // SQLite's integrity check: "ok", or the problems found, one per line.
  std::string integrity_check() const;

  // Copies a single node's state (another state file, migrated first) into this one, in short
  // transactions of at most `batch` rows: feed state, seen entries, stories and their copies,
  // final outcomes, pending alerts, dead letters, disabled webhooks. Rows this store knows already
  // are kept as they are; alerts and stories get ids of this store. Each transaction is retried
  // when another node of a cluster commits first.
  std::vector<ImportCount> import_state(const std::filesystem::path& other, std::size_t batch = 200);

  // Cluster mode: from now on this store is one replica of `log` (see store/replication.hpp).
  // Throws ReplicaOfAnotherLog when the file follows another log.
  void replicate(ChangeLog& log, const std::string& log_id);
  // A consistent copy of the state file `db_file` at `out` (a new file), made through a connection
  // of its own, so any thread may make it while the daemon writes. Returns the replica position
  // the copy holds (0 for a single node's state).
  static std::uint64_t snapshot(const std::filesystem::path& db_file, const std::filesystem::path& out);
  // Replaces this store's whole content with the file `snapshot` (a copy made by snapshot()).
  void restore(const std::filesystem::path& snapshot);

  // Empties every table of a replica that follows another log, so it can be rebuilt from the new one.
  void forget_replica();
  // Null in single-node mode.
  Replication* replication() noexcept { return replication_.get(); }

 private:
  std::unique_ptr<Database> db_;
  FeedStore feeds_;
  WebSubStore websub_;
  ArticleStore articles_;
  StoryStore stories_;
  Outbox outbox_;
  std::unique_ptr<Replication> replication_;   // declared last: unhooks before the parts go
};

}  // namespace newsalert::store
