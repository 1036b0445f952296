// Changesets out and in: SQLite's session extension (with store/changeset_applier.cpp, the only other
// files that include sqlite3.h).
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "store/replication.hpp"

#include <sqlite3.h>

#include <cstring>
#include <utility>

namespace newsalert::store {

namespace {

constexpr const char* kReplicaTable = "replica";

// A transaction that keeps losing its race to independent entries is run again after this many
// appends, as one that lost to a dependent entry is.
constexpr int kRebaseRounds = 4;

// The bookkeeping row is the replica's own: every node writes its own position, so it never
// travels in a changeset. Article texts are each node's own too: sending every entry's text to
// every node would cost more than trying a watchlist on one node's share of the news is worth.
int capture_table(void*, const char* table) {
  return std::strcmp(table, kReplicaTable) == 0 || std::strcmp(table, "article_texts") == 0 ? 0 : 1;
}

// Whether `changeset` adds an alert for a webhook `wanted` accepts (all when empty). One it cannot
// read counts: the apply reports it.
bool adds_alerts_for(std::string_view changeset, int webhook_column,
                     const std::function<bool(const std::string& webhook)>& wanted) {
  if (changeset.empty()) return false;
  sqlite3_changeset_iter* iter = nullptr;
  if (sqlite3changeset_start(&iter, static_cast<int>(changeset.size()), const_cast<char*>(changeset.data())) !=
      SQLITE_OK)
    return true;
  bool found = false;
  int step = SQLITE_ROW;
  while (!found && (step = sqlite3changeset_next(iter)) == SQLITE_ROW) {
    const char* name = nullptr;
    int columns = 0, op = 0, indirect = 0;
    sqlite3changeset_op(iter, &name, &columns, &op, &indirect);
    if (op != SQLITE_INSERT || name == nullptr || std::strcmp(name, "outbox") != 0) continue;
    sqlite3_value* value = nullptr;
    const unsigned char* text = nullptr;
    if (webhook_column >= 0 && webhook_column < columns &&
        sqlite3changeset_new(iter, webhook_column, &value) == SQLITE_OK && value != nullptr)
      text = sqlite3_value_text(value);
    found = text == nullptr || !wanted || wanted(reinterpret_cast<const char*>(text));
  }
  sqlite3changeset_finalize(iter);
  return found || (step != SQLITE_ROW && step != SQLITE_DONE);
}

// The outbox's webhook column as changesets number it (their values follow the table's columns).
int outbox_webhook_column(Database& db) {
  Statement columns(db, "SELECT cid FROM pragma_table_info('outbox') WHERE name = 'webhook'");
  return columns.step() ? static_cast<int>(columns.column_int64(0)) : -1;
}

}  // namespace

bool changeset_adds_alerts(std::string_view changeset) { return adds_alerts_for(changeset, -1, {}); }

// The capture of one write transaction.
struct Replication::Session {
  sqlite3_session* handle = nullptr;
  ~Session() {
    if (handle != nullptr) sqlite3session_delete(handle);
  }
};

Replication::Replication(Database& db, ChangeLog& log, std::string log_id)
    : db_(db), log_(log), applier_(db), webhook_column_(outbox_webhook_column(db)) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS replica (id INTEGER PRIMARY KEY CHECK (id = 1), log_id TEXT NOT NULL, "
      "sequence INTEGER NOT NULL)");
  Statement read(db_, "SELECT log_id, sequence FROM replica WHERE id = 1");
  if (!read.step()) {
    Statement insert(db_, "INSERT INTO replica (id, log_id, sequence) VALUES (1, ?1, 0)");
    insert.bind(1, log_id);
    insert.run();
  } else if (read.column_text(0) != log_id) {
    throw ReplicaOfAnotherLog(db_.path().string() + " holds a replica of cluster log " + read.column_text(0) +
                              " (entry " + std::to_string(read.column_int64(1)) + "), not of " + log_id);
  }
  reread_position();
  db_.set_write_hook(this);
}

Replication::~Replication() { db_.set_write_hook(nullptr); }

std::uint64_t Replication::sequence() const {
  // Asked at every transaction's start and end: cached, not prepared each time.
  auto read = db_.cached("SELECT sequence FROM replica WHERE id = 1");
  if (!read->step()) db_.fail("the replica's position is missing");
  return static_cast<std::uint64_t>(read->column_int64(0));
}

void Replication::set_sequence(std::uint64_t sequence) {
  auto update = db_.cached("UPDATE replica SET sequence = ?1 WHERE id = 1");
  update->bind(1, static_cast<std::int64_t>(sequence));
  update->run();
}

std::uint64_t Replication::changes(std::string_view table) const {
  const auto it = changes_.find(table);
  return it == changes_.end() ? 0 : it->second;
}

bool Replication::take_outbox_changed() { return std::exchange(outbox_changed_, false); }

ApplyResult Replication::apply_received() {
  applied_ = {};
  // Asked many times a second: no transaction, and not even a read of the file, when nothing
  // arrived past the replica's position.
  if (behind()) {
    Transaction tx(db_);   // began() applies; nothing of ours to append
    tx.commit();
  }
  applied_.sequence = committed_;
  return applied_;
}

bool Replication::behind() { return log_.arrived_after(committed_); }

bool Replication::alerts_arrived(const std::function<bool(const std::string& webhook)>& wanted) {
  if (alerts_at_ > committed_) return true;
  if (!behind()) return false;
  for (const auto& entry : log_.received(committed_)) {
    if (entry.sequence <= scanned_) continue;
    scanned_ = entry.sequence;
    if (adds_alerts_for(entry.changeset, webhook_column_, wanted)) alerts_at_ = entry.sequence;
  }
  return alerts_at_ > committed_;
}

bool Replication::try_apply(const LogEntry& entry, std::string& conflict) {
  ChangesetResult result;
  if (!entry.changeset.empty()) {
    result = applier_.apply(entry.changeset);
    if (!result.applied) {
      conflict = result.conflict;
      return false;
    }
  }
  set_sequence(entry.sequence);
  ++applied_.entries;
  for (const auto& table : result.tables) ++changes_[table];
  if (result.outbox) {
    applied_.outbox_changed = true;
    outbox_changed_ = true;
  }
  return true;
}

void Replication::apply(const LogEntry& entry) {
  std::string conflict;
  if (!try_apply(entry, conflict))
    db_.fail("cannot apply cluster log entry " + std::to_string(entry.sequence) +
             (conflict.empty() ? std::string() : " (" + conflict + ")"));
}

// Entries that arrived together are applied as one changeset: fewer rows when several touch one
// (a feed's state saved twice), and one savepoint.
LogEntry Replication::combined(const std::vector<LogEntry>& entries, std::uint64_t after) {
  sqlite3_changegroup* group = nullptr;
  if (sqlite3changegroup_new(&group) != SQLITE_OK) db_.fail("cannot combine cluster log entries");
  const std::unique_ptr<sqlite3_changegroup, void (*)(sqlite3_changegroup*)> owner(group, sqlite3changegroup_delete);
  LogEntry out;
  for (const auto& entry : entries) {
    if (entry.sequence <= after) continue;
    out.sequence = entry.sequence;
    if (entry.changeset.empty()) continue;
    if (sqlite3changegroup_add(group, static_cast<int>(entry.changeset.size()),
                               const_cast<char*>(entry.changeset.data())) != SQLITE_OK)
      db_.fail("cannot combine cluster log entry " + std::to_string(entry.sequence));
  }
  int size = 0;
  void* data = nullptr;
  if (sqlite3changegroup_output(group, &size, &data) != SQLITE_OK) db_.fail("cannot combine cluster log entries");
  out.changeset.assign(static_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  return out;
}

void Replication::began() {
  const std::uint64_t at = sequence();
  began_at_ = at;
  const auto entries = log_.received(at);
  if (entries.size() == 1 && entries.front().sequence > at) apply(entries.front());
  else if (entries.size() > 1 && entries.back().sequence > at) apply(combined(entries, at));
  auto session = std::make_unique<Session>();
  if (sqlite3session_create(db_.handle(), "main", &session->handle) != SQLITE_OK)
    db_.fail("cannot start capturing changes");
  sqlite3session_table_filter(session->handle, &capture_table, nullptr);
  if (sqlite3session_attach(session->handle, nullptr) != SQLITE_OK) db_.fail("cannot capture changes");
  session_ = std::move(session);
}

void Replication::committing() {
  if (!session_) return;
  int size = 0;
  void* data = nullptr;
  if (sqlite3session_changeset(session_->handle, &size, &data) != SQLITE_OK) db_.fail("cannot collect changes");
  const std::string changeset(static_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  if (changeset.empty()) return;   // a transaction that only read, or only applied others' entries
  const std::uint64_t computed_on = sequence();
  std::uint64_t at = computed_on;
  for (int round = 0;; ++round) {
    if (const auto appended = log_.append(changeset, at)) {
      set_sequence(*appended);
      if (round > 0) ++rebased_;
      return;
    }
    if (round + 1 >= kRebaseRounds || !rebase(at))
      throw ReplicaConflict("another node committed first (after log entry " + std::to_string(computed_on) + ")");
  }
}

// The entries that won the race, applied under this transaction when none touches a row it wrote
// (SQLite reports those as conflicts) or anything it read: then the order of the two does not
// matter, and every replica ends in the same state whichever it applies first.
bool Replication::rebase(std::uint64_t& at) {
  std::vector<LogEntry> winners;
  // Asked from where the committed replica stands: the log keeps what this transaction applied
  // until it commits, in case it rolls back.
  for (auto& entry : log_.received(began_at_))
    if (entry.sequence > at) winners.push_back(std::move(entry));
  if (winners.empty()) return false;
  for (const auto& entry : winners)
    if (!independent(entry)) return false;
  sqlite3session_enable(session_->handle, 0);   // their changes are not this transaction's
  std::string conflict;
  const bool applied = try_apply(winners.size() == 1 ? winners.front() : combined(winners, at), conflict);
  sqlite3session_enable(session_->handle, 1);
  if (applied) at = winners.back().sequence;
  return applied;
}

namespace {

// A primary key as WriteHook::read names it: the key columns' values joined by '\x1f'.
std::string primary_key(sqlite3_changeset_iter* iter, int op, int columns) {
  unsigned char* pk = nullptr;
  int pk_columns = 0;
  sqlite3changeset_pk(iter, &pk, &pk_columns);
  std::string key;
  for (int c = 0; c < columns && c < pk_columns; ++c) {
    if (pk[c] == 0) continue;
    sqlite3_value* value = nullptr;
    if (op == SQLITE_INSERT) sqlite3changeset_new(iter, c, &value);
    else sqlite3changeset_old(iter, c, &value);
    if (!key.empty()) key += '\x1f';
    if (value == nullptr) continue;
    if (sqlite3_value_type(value) == SQLITE_INTEGER) key += std::to_string(sqlite3_value_int64(value));
    else if (const auto* text = sqlite3_value_text(value)) key += reinterpret_cast<const char*>(text);
  }
  return key;
}

}  // namespace

bool Replication::independent(const LogEntry& entry) const {
  if (entry.changeset.empty()) return true;
  if (read_tables_.empty() && read_rows_.empty()) return true;
  sqlite3_changeset_iter* iter = nullptr;
  if (sqlite3changeset_start(&iter, static_cast<int>(entry.changeset.size()),
                             const_cast<char*>(entry.changeset.data())) != SQLITE_OK)
    return false;
  bool independent = true;
  while (independent && sqlite3changeset_next(iter) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    sqlite3changeset_op(iter, &table, &columns, &op, &indirect);
    const std::string_view name = table != nullptr ? table : "";
    if (read_tables_.contains(name)) independent = false;
    else if (!read_rows_.empty())
      independent = !read_rows_.contains(std::string(name) + '\x1e' + primary_key(iter, op, columns));
  }
  return sqlite3changeset_finalize(iter) == SQLITE_OK && independent;
}

void Replication::read(std::string_view table, std::string_view key) {
  if (!session_) return;   // not inside a write transaction: nothing to guard
  if (key.empty()) read_tables_.emplace(table);
  else read_rows_.insert(std::string(table) + '\x1e' + std::string(key));
}

void Replication::reread_position() noexcept {
  try {
    committed_ = sequence();
  } catch (...) {
    committed_ = 0;   // the next apply_received() starts a transaction and reads it again
  }
}

void Replication::ended() noexcept {
  reread_position();
  session_.reset();
  read_tables_.clear();
  read_rows_.clear();
}

}  // namespace newsalert::store
