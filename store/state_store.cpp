// The state store: schema, migrations and the queries behind each operation.
#include "store/state_store.hpp"

#include "store/database.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

namespace newsalert::store {

namespace {

// Migration N (1-based) takes the schema from user_version N-1 to N. Append only: a shipped
// migration is never edited, since databases in the field have already run it.
constexpr std::array<std::string_view, 2> kMigrations = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE feeds (
  url             TEXT PRIMARY KEY NOT NULL,
  etag            TEXT NOT NULL DEFAULT '',
  last_modified   TEXT NOT NULL DEFAULT '',
  last_poll_ms    INTEGER,
  last_success_ms INTEGER,
  error_streak    INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE articles (
  feed_url     TEXT NOT NULL,
  article_id   TEXT NOT NULL,
  link         TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  published_ms INTEGER,
  seen_ms      INTEGER NOT NULL,
  PRIMARY KEY (feed_url, article_id)
) WITHOUT ROWID;

-- AUTOINCREMENT: an id is never reused, so a delivery still holding the id of a finished entry
-- can never act on a newer one, and dead_letters can keep the outbox id.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id        TEXT NOT NULL,
  webhook         TEXT NOT NULL,
  watchlist       TEXT NOT NULL,
  payload         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX outbox_alert_webhook ON outbox (alert_id, webhook);
CREATE INDEX outbox_webhook_due ON outbox (webhook, next_attempt_ms);

-- Final outcomes, so an alert that reached its end is never enqueued again.
CREATE TABLE deliveries (
  alert_id TEXT NOT NULL,
  webhook  TEXT NOT NULL,
  state    TEXT NOT NULL CHECK (state IN ('delivered', 'dead')),
  at_ms    INTEGER NOT NULL,
  PRIMARY KEY (alert_id, webhook)
) WITHOUT ROWID;

CREATE TABLE dead_letters (
  id         INTEGER PRIMARY KEY,
  alert_id   TEXT NOT NULL,
  webhook    TEXT NOT NULL,
  watchlist  TEXT NOT NULL,
  payload    TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  failed_ms  INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
)sql",
    // 2: permanent redirects, server-directed poll floors, and the index the adaptive schedule reads.
    R"sql(
ALTER TABLE feeds ADD COLUMN current_url TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN ttl_ms INTEGER;
ALTER TABLE feeds ADD COLUMN not_before_ms INTEGER;
CREATE INDEX articles_feed_published ON articles (feed_url, published_ms);
)sql",
};

std::optional<std::int64_t> to_millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_unix_millis(*t);
}

std::optional<TimePoint> from_millis(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return from_unix_millis(*ms);
}

void migrate(Database& db) {
  Transaction tx(db, Transaction::Kind::Immediate);
  const auto version = db.query_int64("PRAGMA user_version");
  const auto latest = static_cast<std::int64_t>(kMigrations.size());
  if (version > latest)
    throw std::runtime_error(db.path().string() + ": schema version " + std::to_string(version) +
                             " is newer than this newsalertd understands (" + std::to_string(latest) +
                             "); use a newer release or another state_dir");
  for (auto v = version; v < latest; ++v) db.exec(kMigrations[static_cast<std::size_t>(v)]);
  if (version != latest) db.exec("PRAGMA user_version = " + std::to_string(latest));
  tx.commit();
}

constexpr const char* kUpsertFeed = R"sql(
INSERT INTO feeds (url, etag, last_modified, last_poll_ms, last_success_ms, error_streak, last_error,
                   current_url, ttl_ms, not_before_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (url) DO UPDATE SET
  etag = excluded.etag, last_modified = excluded.last_modified, last_poll_ms = excluded.last_poll_ms,
  last_success_ms = excluded.last_success_ms, error_streak = excluded.error_streak,
  last_error = excluded.last_error, current_url = excluded.current_url, ttl_ms = excluded.ttl_ms,
  not_before_ms = excluded.not_before_ms)sql";

void upsert_feed(Database& db, const std::string& feed_url, const FeedState& state) {
  auto stmt = db.cached(kUpsertFeed);
  const std::optional<std::int64_t> ttl_ms =
      state.ttl ? std::optional<std::int64_t>(state.ttl->count()) : std::nullopt;
  stmt->bind_all(feed_url, state.etag, state.last_modified, to_millis(state.last_poll),
                 to_millis(state.last_success), state.error_streak, state.last_error, state.current_url, ttl_ms,
                 to_millis(state.not_before));
  stmt->run();
}

}  // namespace

StateStore::StateStore(const std::filesystem::path& db_file)
    : db_(std::make_unique<Database>(db_file, Database::OpenMode::ReadWriteCreate, 5000)) {
  // WAL: readers (status, a second process) never block the writer, and a commit is one append.
  const auto mode = db_->query_text("PRAGMA journal_mode = WAL");
  if (mode != "wal" && db_file != ":memory:")
    throw std::runtime_error(db_file.string() + ": cannot switch to WAL journal mode (got " + mode + ")");
  // FULL, not NORMAL: with WAL, NORMAL survives a process crash but a power loss may drop the last
  // commits. A dropped commit_poll can lose alerts for good (the entries may have left the feed by
  // the next poll) and a dropped mark_delivered sends an alert twice. One fsync per commit is cheap
  // next to a poll round trip.
  db_->exec("PRAGMA synchronous = FULL");
  migrate(*db_);
}

StateStore::~StateStore() = default;

std::filesystem::path StateStore::default_file(const std::filesystem::path& state_dir) {
  return state_dir / "newsalert.db";
}

FeedState StateStore::feed_state(const std::string& feed_url) {
  auto stmt = db_->cached(
      "SELECT etag, last_modified, last_poll_ms, last_success_ms, error_streak, last_error, current_url, ttl_ms, "
      "not_before_ms FROM feeds WHERE url = ?1");
  stmt->bind(1, feed_url);
  FeedState state;
  if (!stmt->step()) return state;
  state.etag = stmt->column_text(0);
  state.last_modified = stmt->column_text(1);
  state.last_poll = from_millis(stmt->column_optional_int64(2));
  state.last_success = from_millis(stmt->column_optional_int64(3));
  state.error_streak = stmt->column_int(4);
  state.last_error = stmt->column_text(5);
  state.current_url = stmt->column_text(6);
  if (const auto ttl_ms = stmt->column_optional_int64(7)) state.ttl = Millis(*ttl_ms);
  state.not_before = from_millis(stmt->column_optional_int64(8));
  return state;
}

std::vector<TimePoint> StateStore::published_times(const std::string& feed_url, std::size_t limit) {
  std::vector<TimePoint> out;
  auto stmt = db_->cached(
      "SELECT published_ms FROM articles WHERE feed_url = ?1 AND published_ms IS NOT NULL "
      "ORDER BY published_ms DESC LIMIT ?2");
  stmt->bind_all(feed_url, static_cast<std::int64_t>(limit));
  while (stmt->step()) out.push_back(from_unix_millis(stmt->column_int64(0)));
  return out;
}

void StateStore::save_feed_state(const std::string& feed_url, const FeedState& state) {
  upsert_feed(*db_, feed_url, state);
}

std::vector<std::string> StateStore::unseen(const std::string& feed_url,
                                            const std::vector<std::string>& article_ids) {
  std::vector<std::string> out;
  if (article_ids.empty()) return out;
  // One read transaction: one snapshot and one lock for the whole batch, not one per id.
  Transaction tx(*db_, Transaction::Kind::Deferred);
  {
    auto stmt = db_->cached("SELECT 1 FROM articles WHERE feed_url = ?1 AND article_id = ?2");
    stmt->bind(1, feed_url);
    for (const auto& id : article_ids) {
      stmt->bind(2, id);
      if (!stmt->step()) out.push_back(id);
      stmt->rewind();
    }
  }
  tx.commit();
  return out;
}

std::size_t StateStore::commit_poll(const std::string& feed_url, const FeedState& state,
                                    const std::vector<SeenArticle>& articles,
                                    const std::vector<OutboxEntry>& alerts, TimePoint now) {
  const auto now_ms = to_unix_millis(now);
  Transaction tx(*db_, Transaction::Kind::Immediate);
  upsert_feed(*db_, feed_url, state);
  {
    // DO NOTHING rather than OR IGNORE: only the key conflict is expected; a NOT NULL or CHECK
    // failure is a bug and must abort the transaction, not vanish.
    auto stmt = db_->cached(
        "INSERT INTO articles (feed_url, article_id, link, title, published_ms, seen_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    for (const auto& a : articles) {
      stmt->bind_all(a.feed_url.empty() ? feed_url : a.feed_url, a.article_id, a.link, a.title,
                     to_millis(a.published), now_ms);
      stmt->run();
    }
  }
  std::size_t added = 0;
  {
    // Skipped when pending (the unique index) or finished (deliveries, which covers dead letters).
    auto stmt = db_->cached(
        "INSERT INTO outbox (alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms) "
        "SELECT ?1, ?2, ?3, ?4, 0, ?5, ?5 "
        "WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = ?1 AND webhook = ?2) "
        "ON CONFLICT (alert_id, webhook) DO NOTHING");
    for (const auto& e : alerts) {
      stmt->bind_all(e.alert_id, e.webhook, e.watchlist, e.payload, now_ms);
      added += stmt->run();
    }
  }
  tx.commit();
  return added;
}

std::vector<PendingDelivery> StateStore::due(const std::string& webhook, TimePoint now, std::size_t limit) {
  std::vector<PendingDelivery> out;
  auto stmt = db_->cached(
      "SELECT id, alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms, last_error "
      "FROM outbox WHERE webhook = ?1 AND next_attempt_ms <= ?2 ORDER BY next_attempt_ms, id LIMIT ?3");
  stmt->bind_all(webhook, to_unix_millis(now), static_cast<std::int64_t>(limit));
  while (stmt->step()) {
    PendingDelivery d;
    d.id = stmt->column_int64(0);
    d.alert_id = stmt->column_text(1);
    d.webhook = stmt->column_text(2);
    d.watchlist = stmt->column_text(3);
    d.payload = stmt->column_text(4);
    d.attempts = stmt->column_int(5);
    d.next_attempt = from_unix_millis(stmt->column_int64(6));
    d.created = from_unix_millis(stmt->column_int64(7));
    d.last_error = stmt->column_text(8);
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<TimePoint> StateStore::next_due(const std::string& webhook) {
  // MIN over the (webhook, next_attempt_ms) index is a single seek.
  auto stmt = db_->cached("SELECT MIN(next_attempt_ms) FROM outbox WHERE webhook = ?1");
  stmt->bind(1, webhook);
  if (!stmt->step()) return std::nullopt;
  return from_millis(stmt->column_optional_int64(0));
}

void StateStore::mark_delivered(std::int64_t id, TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  {
    auto stmt = db_->cached(
        "INSERT INTO deliveries (alert_id, webhook, state, at_ms) "
        "SELECT alert_id, webhook, 'delivered', ?2 FROM outbox WHERE id = ?1 "
        "ON CONFLICT (alert_id, webhook) DO UPDATE SET state = excluded.state, at_ms = excluded.at_ms");
    stmt->bind_all(id, to_unix_millis(now));
    stmt->run();
  }
  {
    auto stmt = db_->cached("DELETE FROM outbox WHERE id = ?1");
    stmt->bind(1, id);
    stmt->run();
  }
  tx.commit();
}

void StateStore::mark_retry(std::int64_t id, TimePoint next_attempt, const std::string& error) {
  auto stmt = db_->cached(
      "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2, last_error = ?3 WHERE id = ?1");
  stmt->bind_all(id, to_unix_millis(next_attempt), error);
  stmt->run();
}

void StateStore::mark_dead(std::int64_t id, const std::string& error, TimePoint now) {
  const auto now_ms = to_unix_millis(now);
  Transaction tx(*db_, Transaction::Kind::Immediate);
  {
    // attempts + 1: the attempt that just failed is not yet counted in the outbox row.
    auto stmt = db_->cached(
        "INSERT INTO dead_letters (id, alert_id, webhook, watchlist, payload, attempts, created_ms, "
        "failed_ms, last_error) "
        "SELECT id, alert_id, webhook, watchlist, payload, attempts + 1, created_ms, ?2, ?3 "
        "FROM outbox WHERE id = ?1");
    stmt->bind_all(id, now_ms, error);
    stmt->run();
  }
  {
    auto stmt = db_->cached(
        "INSERT INTO deliveries (alert_id, webhook, state, at_ms) "
        "SELECT alert_id, webhook, 'dead', ?2 FROM outbox WHERE id = ?1 "
        "ON CONFLICT (alert_id, webhook) DO UPDATE SET state = excluded.state, at_ms = excluded.at_ms");
    stmt->bind_all(id, now_ms);
    stmt->run();
  }
  {
    auto stmt = db_->cached("DELETE FROM outbox WHERE id = ?1");
    stmt->bind(1, id);
    stmt->run();
  }
  tx.commit();
}

std::size_t StateStore::make_pending_due(TimePoint now) {
  auto stmt = db_->cached("UPDATE outbox SET next_attempt_ms = ?1 WHERE next_attempt_ms > ?1");
  stmt->bind(1, to_unix_millis(now));
  return static_cast<std::size_t>(stmt->run());
}

std::size_t StateStore::make_pending_due(TimePoint now, const std::string& webhook) {
  auto stmt = db_->cached("UPDATE outbox SET next_attempt_ms = ?1 WHERE next_attempt_ms > ?1 AND webhook = ?2");
  stmt->bind(1, to_unix_millis(now));
  stmt->bind(2, webhook);
  return static_cast<std::size_t>(stmt->run());
}

std::size_t StateStore::pending_count() {
  auto stmt = db_->cached("SELECT COUNT(*) FROM outbox");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::size_t StateStore::pending_for(const std::string& webhook) {
  auto stmt = db_->cached("SELECT COUNT(*) FROM outbox WHERE webhook = ?1");
  stmt->bind(1, webhook);
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

bool StateStore::probe_writable(std::string& error) {
  try {
    db_->exec("BEGIN IMMEDIATE");
    db_->exec("ROLLBACK");
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

std::size_t StateStore::delivered_count() {
  auto stmt = db_->cached("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::vector<DeadLetter> StateStore::dead_letters() {
  std::vector<DeadLetter> out;
  auto stmt = db_->cached(
      "SELECT id, alert_id, webhook, watchlist, payload, attempts, created_ms, failed_ms, last_error "
      "FROM dead_letters ORDER BY failed_ms, id");
  while (stmt->step()) {
    DeadLetter d;
    d.id = stmt->column_int64(0);
    d.alert_id = stmt->column_text(1);
    d.webhook = stmt->column_text(2);
    d.watchlist = stmt->column_text(3);
    d.payload = stmt->column_text(4);
    d.attempts = stmt->column_int(5);
    d.created = from_unix_millis(stmt->column_int64(6));
    d.failed = from_unix_millis(stmt->column_int64(7));
    d.last_error = stmt->column_text(8);
    out.push_back(std::move(d));
  }
  return out;
}

std::size_t StateStore::seen_count() {
  auto stmt = db_->cached("SELECT COUNT(*) FROM articles");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::string StateStore::integrity_check() {
  Statement stmt(*db_, "PRAGMA integrity_check");
  std::string result;
  while (stmt.step()) {
    if (!result.empty()) result += '\n';
    result += stmt.column_text(0);
  }
  return result;
}

}  // namespace newsalert::store
