// The sqlite3 wrapper (sqlite3.h is included here and in the session extension's files only).
#include "store/database.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>

namespace newsalert::store {

namespace {

int open_flags(Database::OpenMode mode) {
  // SQLite objects are used from one thread per connection; skip the per-call mutex.
  // EXRESCODE: extended codes make messages such as "UNIQUE constraint failed" precise.
  const int common = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  switch (mode) {
    case Database::OpenMode::ReadWriteCreate: return common | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    case Database::OpenMode::ReadWrite: return common | SQLITE_OPEN_READWRITE;
    case Database::OpenMode::ReadOnly: return common | SQLITE_OPEN_READONLY;
  }
  return common | SQLITE_OPEN_READWRITE;
}

// SQLite creates a file 0644 (less the umask) and gives its -wal and -shm files the same mode. The
// state holds webhook URLs and WebSub secrets: a file created here starts as 0600, whatever the
// umask, so its companions are 0600 too.
void create_private(const std::filesystem::path& file, Database::OpenMode mode) {
  if (mode != Database::OpenMode::ReadWriteCreate || file.empty() || file == ":memory:" || file.string().starts_with("file:"))
    return;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);   // EEXIST and the rest: sqlite3_open_v2 reports what matters
}

}  // namespace

// ---- Database ----

bool DatabaseError::damaged() const noexcept {
  const int primary = code_ & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool DatabaseError::busy() const noexcept {
  const int primary = code_ & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool DatabaseError::full() const noexcept { return (code_ & 0xff) == SQLITE_FULL; }

Database::Database(const std::filesystem::path& file, OpenMode mode, int busy_timeout_ms) : path_(file) {
  create_private(path_, mode);
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, open_flags(mode), nullptr);
  if (rc != SQLITE_OK) {
    // The handle is allocated even on failure (unless out of memory) and carries the message.
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    const int code = db_ ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw DatabaseError(path_.string() + ": cannot open database: " + message, code);
  }
  sqlite3_extended_result_codes(db_, 1);
  set_busy_timeout(busy_timeout_ms);
  exec("PRAGMA foreign_keys = ON");
}

void Database::set_busy_timeout(int ms) noexcept {
  sqlite3_busy_timeout(db_, ms);
  busy_timeout_ms_ = ms;
}

void Database::set_sync(Sync sync) {
  exec(sync == Sync::Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  sync_ = sync;
}

Database::UnsyncedCommits::UnsyncedCommits(Database& db) : db_(db), was_(db.sync()) {
  if (was_ != Sync::Normal) db_.set_sync(Sync::Normal);
}

Database::UnsyncedCommits::~UnsyncedCommits() {
  if (was_ == Sync::Normal) return;
  try {
    db_.set_sync(was_);
  } catch (const std::exception&) {
    // A pragma fails only on a closed or broken connection, which the next statement reports.
  }
}

Database::~Database() {
  cache_.clear();   // statements must be finalized before the connection can close
  // close_v2 defers the close if a caller still holds a Statement, instead of leaking the handle.
  sqlite3_close_v2(db_);
}

void Database::fail(std::string_view what) const {
  std::string message = path_.string();
  message += ": ";
  message += what;
  message += ": ";
  message += db_ ? sqlite3_errmsg(db_) : "no connection";
  throw DatabaseError(message, db_ ? sqlite3_extended_errcode(db_) : SQLITE_MISUSE);
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = path_.string() + ": " + text + ": " + (error ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    throw DatabaseError(message, sqlite3_extended_errcode(db_));
  }
}

CachedStatement Database::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(*this, sql)).first;
  return CachedStatement(*it->second);
}

std::int64_t Database::query_int64(std::string_view sql) {
  Statement stmt(*this, sql);
  if (!stmt.step()) fail(std::string(sql) + ": no row");
  return stmt.column_int64(0);
}

std::string Database::query_text(std::string_view sql) {
  Statement stmt(*this, sql);
  if (!stmt.step()) fail(std::string(sql) + ": no row");
  return stmt.column_text(0);
}

std::int64_t Database::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }

std::size_t Database::changes() const noexcept { return static_cast<std::size_t>(sqlite3_changes(db_)); }

bool Database::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

// ---- Statement ----

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
  if (rc != SQLITE_OK) db.fail("cannot prepare \"" + std::string(sql) + "\"");
  if (stmt_ == nullptr) db.fail("empty statement \"" + std::string(sql) + "\"");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK)
    db_->fail("cannot bind parameter " + std::to_string(index) + " of \"" + sqlite3_sql(stmt_) + "\"");
}

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // A non-null pointer even for "" so the value is an empty string, not NULL.
  check_bind(sqlite3_bind_text64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8),
             index);
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind(index, nullptr);
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Read the message before reset, which may replace it.
  const std::string message = sqlite3_errmsg(db_->handle());
  const int code = sqlite3_extended_errcode(db_->handle());
  const std::string sql = sqlite3_sql(stmt_);
  sqlite3_reset(stmt_);
  throw DatabaseError(db_->path().string() + ": cannot run \"" + sql + "\": " + message, code);
}

std::size_t Statement::run() {
  while (step()) {
  }
  const std::size_t changed = db_->changes();
  reset();
  return changed;
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

int Statement::column_int(int column) const { return sqlite3_column_int(stmt_, column); }

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_int64(column);
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

void Statement::reset() noexcept {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::rewind() noexcept {
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
}

// ---- Transaction ----

void Database::restore_from(const std::filesystem::path& source) {
  Database from(source, OpenMode::ReadOnly);
  sqlite3_backup* backup = sqlite3_backup_init(db_, "main", from.handle(), "main");
  if (backup == nullptr) fail("cannot restore from " + source.string());
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) fail("cannot restore from " + source.string());
}

std::size_t Database::run_write(Statement& stmt) {
  Transaction tx(*this);
  const std::size_t changed = stmt.run();
  tx.commit();
  return changed;
}

void Database::set_write_hook(WriteHook* hook) {
  write_hook_ = hook;
  sqlite3_commit_hook(db_, hook != nullptr ? &Database::guard_commit : nullptr, this);
}

int Database::guard_commit(void* self) noexcept {
  const auto* db = static_cast<const Database*>(self);
  return db->commit_allowed_ ? 0 : 1;   // non-zero turns the commit into a rollback
}

Transaction::Transaction(Database& db, Kind kind) : db_(db), nested_(db.in_transaction()) {
  // Inside another transaction this is a savepoint: the outer one decides what is committed, and
  // rolling this part back leaves the outer one's earlier writes in place.
  if (nested_) {
    db_.exec("SAVEPOINT nested");
    return;
  }
  db_.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (kind != Kind::Immediate || db_.write_hook() == nullptr) return;
  hook_ = db_.write_hook();
  try {
    hook_->began();
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    hook_->ended();
    throw;
  }
}

Transaction::~Transaction() {
  if (done_) return;
  // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); ROLLBACK then fails,
  // which is harmless: there is nothing left to undo.
  if (db_.in_transaction()) {
    if (nested_) sqlite3_exec(db_.handle(), "ROLLBACK TO nested; RELEASE nested", nullptr, nullptr, nullptr);
    else sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  if (hook_ != nullptr) hook_->ended();
}

void Transaction::commit() {
  if (nested_) {
    db_.exec("RELEASE nested");
    done_ = true;
    return;
  }
  if (hook_ != nullptr) hook_->committing();   // throws: the destructor rolls back
  db_.commit_allowed_ = true;
  try {
    db_.exec("COMMIT");
  } catch (...) {
    db_.commit_allowed_ = false;
    throw;
  }
  db_.commit_allowed_ = false;
  done_ = true;
  if (hook_ != nullptr) hook_->ended();
}

}  // namespace newsalert::store
