// A state store as one replica of a cluster's shared log: each write transaction leaves as one
// changeset (SQLite's session extension) and the changesets other nodes appended are applied in
// log order, so every node's store goes through the same states, one transaction at a time.
#pragma once

#include "store/changeset_applier.hpp"
#include "store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::store {

// One committed transaction of some node: its position in the log and what it changed.
struct LogEntry {
  std::uint64_t sequence = 0;
  std::string changeset;
};

// Another node appended to the log after the state this transaction was computed on, and what it
// wrote touches what this transaction wrote or read. Nothing of it was kept; run it again (the next
// transaction starts from the newer state).
class ReplicaConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `write` (one or more whole transactions) again while it loses its race to another node,
// at most `attempts` times; a loss is rare and the next run starts from the winner's state.
template <class Write>
auto retry_on_conflict(Write&& write, int attempts = 8) {
  for (int attempt = 1;; ++attempt) {
    try {
      return write();
    } catch (const ReplicaConflict&) {
      if (attempt >= attempts) throw;
    }
  }
}

// The log no longer holds the entries after this replica's position (a snapshot holds them): the
// replica is reloaded from the snapshot.
class ReplicaBehindLog : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The replica file was made from another log (the cluster's streams were created anew): it is a
// cache of that log and can be rebuilt, never merged.
class ReplicaOfAnotherLog : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where the changesets go and come from: the cluster's shared log (daemon/cluster_log.*).
class ChangeLog {
 public:
  virtual ~ChangeLog() = default;
  // Entries after `after` that have arrived, in order, without waiting for more.
  virtual std::vector<LogEntry> received(std::uint64_t after) = 0;
  // Whether entries after `after` have arrived (received(after) would not be empty), without
  // waiting or copying them.
  virtual bool arrived_after(std::uint64_t after) = 0;
  // Appends a changeset computed on the state after entry `after`; returns its sequence, or nothing
  // when the log already holds entries after `after` (the winner's entries are then, as far as they
  // arrived in a short wait, among received(after)). Throws when it cannot append (the transaction
  // then rolls back, as on a full disk).
  virtual std::optional<std::uint64_t> append(std::string_view changeset, std::uint64_t after) = 0;
};

// Whether a log entry's changeset adds alerts to the outbox. Reads only `changeset`: safe on any thread.
bool changeset_adds_alerts(std::string_view changeset);

// What applying the arrived entries changed.
struct ApplyResult {
  std::size_t entries = 0;
  bool outbox_changed = false;   // delivery loops have something to look at
  std::uint64_t sequence = 0;    // the replica's position afterwards
};

class Replication final : public WriteHook {
 public:
  // Creates the replica's bookkeeping table in `db` (outside any transaction). Throws
  // ReplicaOfAnotherLog when the file already follows a log other than `log_id`.
  Replication(Database& db, ChangeLog& log, std::string log_id);
  ~Replication() override;
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  // The last log entry the replica holds.
  std::uint64_t sequence() const;
  // Applies the entries that have arrived, in a transaction of their own.
  ApplyResult apply_received();
  // Whether entries past the replica's position have arrived. Reads no file.
  bool behind();
  // Whether an entry that arrived past the replica's position adds alerts to the outbox for a
  // webhook `wanted` accepts (all when empty): a delivery loop of this node waits for those, unlike
  // the rest, which can wait for the next transaction. Each entry is looked at once, with the
  // webhooks wanted then: one that becomes wanted later waits for the next transaction.
  bool alerts_arrived(const std::function<bool(const std::string& webhook)>& wanted = {});
  // Reads the replica's committed position again, after the file changed outside a transaction
  // of this hook's (a snapshot loaded in its place).
  void reread_position() noexcept;
  // Whether the last applied changesets touched the outbox; cleared by reading.
  bool take_outbox_changed();
  // How many applied changesets touched `table` so far: a reader that remembers the figure knows
  // when another node changed the table, without reading it.
  std::uint64_t changes(std::string_view table) const;
  // Transactions that lost their race and were kept: the winners' entries touched nothing they
  // wrote or read, so they were applied under them and the append made again.
  std::uint64_t rebased() const noexcept { return rebased_; }

  void began() override;
  void committing() override;
  void ended() noexcept override;
  void read(std::string_view table, std::string_view key) override;

 private:
  struct Session;
  void apply(const LogEntry& entry);
  void set_sequence(std::uint64_t sequence);
  bool try_apply(const LogEntry& entry, std::string& conflict);
  bool independent(const LogEntry& entry) const;
  bool rebase(std::uint64_t& at);
  LogEntry combined(const std::vector<LogEntry>& entries, std::uint64_t after);

  Database& db_;
  ChangeLog& log_;
  ChangesetApplier applier_;
  std::unique_ptr<Session> session_;
  ApplyResult applied_;   // counts of the apply in progress
  bool outbox_changed_ = false;
  // What the running transaction read: whole tables, and rows ("table\x1ekey").
  std::set<std::string, std::less<>> read_tables_;
  std::set<std::string, std::less<>> read_rows_;
  std::uint64_t rebased_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> changes_;   // by table
  std::uint64_t began_at_ = 0;   // the replica's committed position when the transaction began
  std::uint64_t committed_ = 0;   // the replica's position as last committed (0: unknown)
  std::uint64_t scanned_ = 0;     // the last arrived entry alerts_arrived() looked at
  std::uint64_t alerts_at_ = 0;   // the last of those that adds alerts
  int webhook_column_;            // the outbox's webhook column in changesets (-1: none)
};

}  // namespace newsalert::store
