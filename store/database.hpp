// A thin RAII wrapper over sqlite3: connection, prepared statements, transactions. Errors throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

// The C handles, declared here so that only database.cpp needs sqlite3.h.
struct sqlite3;
struct sqlite3_stmt;

namespace newsalert::store {

class Database;

// What runs around each outermost write transaction (BEGIN IMMEDIATE .. COMMIT) when one is set:
// in cluster mode, every write is also one entry of the cluster's shared log (store/replication.hpp).
class WriteHook {
 public:
  virtual ~WriteHook() = default;
  // After BEGIN IMMEDIATE: the write lock is held. Throwing ends the transaction.
  virtual void began() = 0;
  // Before COMMIT; throwing rolls the transaction back.
  virtual void committing() = 0;
  // After COMMIT or ROLLBACK.
  virtual void ended() noexcept = 0;
  // The running transaction decided something on rows another transaction may write: all of
  // `table`, or with a `key`, the row whose primary key columns, joined by '\x1f', are `key`.
  virtual void read(std::string_view table, std::string_view key) = 0;
};

// What SQLite refused, with its (extended) result code, so callers can tell a damaged file or a
// full disk from a busy database without parsing messages.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }
  // The file is not a database, or its pages are damaged.
  bool damaged() const noexcept;
  // Another connection holds the lock longer than the busy timeout.
  bool busy() const noexcept;
  // The disk (or the database's size limit) is full.
  bool full() const noexcept;

 private:
  int code_;
};

// One prepared statement. Parameters are 1-based, columns 0-based (as in SQLite).
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);   // copied by SQLite (SQLITE_TRANSIENT)
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index) { return bind(index, nullptr); }

  // Binds the arguments to parameters 1..N.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // True when a row is ready to be read, false when the statement has finished. Throws on error.
  bool step();
  // Steps a statement that returns no rows (INSERT, UPDATE, ...) to completion, then resets it.
  // Returns the number of rows it changed.
  std::size_t run();

  bool column_is_null(int column) const;
  std::int64_t column_int64(int column) const;
  int column_int(int column) const;
  std::string column_text(int column) const;   // "" for NULL
  std::optional<std::int64_t> column_optional_int64(int column) const;
  int column_count() const;

  // Makes the statement ready to run again and clears its bindings. A statement left mid-way
  // keeps a read transaction open, so every user resets (see Database::cached).
  void reset() noexcept;
  // Makes the statement ready to run again, keeping its bindings: for a loop over one parameter.
  void rewind() noexcept;

  sqlite3_stmt* handle() const noexcept { return stmt_; }

 private:
  void check_bind(int rc, int index);

  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A statement from the connection's cache, reset when the lease ends.
class CachedStatement {
 public:
  explicit CachedStatement(Statement& stmt) noexcept : stmt_(&stmt) {}
  ~CachedStatement() { stmt_->reset(); }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  Statement* operator->() const noexcept { return stmt_; }
  Statement& operator*() const noexcept { return *stmt_; }

 private:
  Statement* stmt_;
};

class Database {
 public:
  enum class OpenMode {
    ReadWriteCreate,   // create the file when missing
    ReadWrite,         // the file must exist
    ReadOnly,
  };

  // Opens the connection with a busy timeout and foreign keys on; ":memory:" works too.
  // Throws std::runtime_error naming the file and SQLite's message.
  explicit Database(const std::filesystem::path& file, OpenMode mode = OpenMode::ReadWriteCreate,
                    int busy_timeout_ms = 5000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return nothing of interest.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(*this, sql); }
  // A prepared statement compiled once per connection and reused: for the hot paths.
  CachedStatement cached(const std::string& sql);

  // The first column of the first row of a query (e.g. "PRAGMA user_version"); throws if no row.
  std::int64_t query_int64(std::string_view sql);
  std::string query_text(std::string_view sql);

  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  void set_busy_timeout(int ms) noexcept;
  int busy_timeout() const noexcept { return busy_timeout_ms_; }

  // When a commit reaches the disk (SQLite's synchronous): Full syncs each commit; Normal, in WAL
  // mode, survives a crash of the process, but a power cut may take the last commits with it.
  enum class Sync { Normal, Full };
  void set_sync(Sync sync);
  Sync sync() const noexcept { return sync_; }
  // Commits made while this lives do not sync, whatever set_sync chose; the next synced commit
  // takes their pages to the disk with its own, so their order is kept.
  class UnsyncedCommits {
   public:
    explicit UnsyncedCommits(Database& db);
    ~UnsyncedCommits();
    UnsyncedCommits(const UnsyncedCommits&) = delete;
    UnsyncedCommits& operator=(const UnsyncedCommits&) = delete;

   private:
    Database& db_;
    Sync was_;
  };

  // Replaces this database's content with that of the database file `source` (SQLite's backup).
  void restore_from(const std::filesystem::path& source);

  // Runs one writing statement as a transaction of its own (a savepoint inside the caller's), so
  // that with a write hook it passes through Transaction::commit like every other write.
  std::size_t run_write(Statement& stmt);

  std::int64_t last_insert_rowid() const noexcept;
  std::size_t changes() const noexcept;
  bool in_transaction() const noexcept;

  const std::filesystem::path& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_; }

  // Throws DatabaseError "<path>: <what>: <sqlite message>".
  [[noreturn]] void fail(std::string_view what) const;

  // With a hook, only Transaction::commit may commit a write: a write made outside an immediate
  // transaction fails (SQLITE_CONSTRAINT_COMMITHOOK) instead of escaping the hook.
  void set_write_hook(WriteHook* hook);
  WriteHook* write_hook() const noexcept { return write_hook_; }
  // Tells the write hook what the running write transaction's decisions rest on, beyond the rows
  // it writes itself (see WriteHook::read); without a hook, nothing happens.
  void reads(std::string_view table, std::string_view key = {}) {
    if (write_hook_ != nullptr) write_hook_->read(table, key);
  }

 private:
  friend class Transaction;
  static int guard_commit(void* self) noexcept;

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  int busy_timeout_ms_ = 0;
  Sync sync_ = Sync::Full;
  WriteHook* write_hook_ = nullptr;
  bool commit_allowed_ = false;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() was called. Inside another
// transaction, a savepoint of it instead (released by commit(), rolled back to otherwise).
class Transaction {
 public:
  enum class Kind {
    Deferred,    // a read transaction until the first write
    Immediate,   // takes the write lock now, so a later write cannot fail with SQLITE_BUSY mid-way
  };

  explicit Transaction(Database& db, Kind kind = Kind::Immediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool nested_;
  WriteHook* hook_ = nullptr;   // set for an outermost immediate transaction of a hooked database
  bool done_ = false;
};

}  // namespace newsalert::store
