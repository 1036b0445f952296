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
constexpr std::array<std::string_view, 4> kMigrations = {
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
    // 3: disabled endpoints; stories and their copies (dedupe, throttle, digests).
    R"sql(
CREATE TABLE endpoints (
  webhook     TEXT PRIMARY KEY NOT NULL,
  url         TEXT NOT NULL,
  disabled_ms INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE stories (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  watchlist      TEXT NOT NULL,
  alert_id       TEXT NOT NULL UNIQUE,
  simhash        INTEGER,
  feed_url       TEXT NOT NULL DEFAULT '',
  article_id     TEXT NOT NULL DEFAULT '',
  title          TEXT NOT NULL DEFAULT '',
  link           TEXT NOT NULL DEFAULT '',
  first_seen_ms  INTEGER NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('alerted', 'held', 'digested')),
  payload        TEXT NOT NULL DEFAULT '',
  copies         INTEGER NOT NULL DEFAULT 0,
  follow_up_sent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_watchlist_seen ON stories (watchlist, first_seen_ms);
CREATE INDEX stories_held ON stories (state) WHERE state = 'held';

CREATE TABLE story_copies (
  alert_id   TEXT NOT NULL,
  feed_url   TEXT NOT NULL,
  article_id TEXT NOT NULL,
  link       TEXT NOT NULL DEFAULT '',
  title      TEXT NOT NULL DEFAULT '',
  seen_ms    INTEGER NOT NULL,
  PRIMARY KEY (alert_id, feed_url, article_id)
) WITHOUT ROWID;
)sql",
    // 4: retention (pruning by age reads these indexes) and WebSub subscriptions.
    R"sql(
ALTER TABLE feeds ADD COLUMN last_full_ms INTEGER;
CREATE INDEX articles_seen ON articles (seen_ms);
CREATE INDEX deliveries_at ON deliveries (at_ms);
CREATE INDEX story_copies_seen ON story_copies (seen_ms);

CREATE TABLE websub (
  feed_url   TEXT PRIMARY KEY NOT NULL,
  hub        TEXT NOT NULL,
  topic      TEXT NOT NULL,
  token      TEXT NOT NULL UNIQUE,
  secret     TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('requested', 'active', 'unsubscribing', 'failed')),
  lease_ms   INTEGER,
  expires_ms INTEGER,
  updated_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
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
                   current_url, ttl_ms, not_before_ms, last_full_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (url) DO UPDATE SET
  etag = excluded.etag, last_modified = excluded.last_modified, last_poll_ms = excluded.last_poll_ms,
  last_success_ms = excluded.last_success_ms, error_streak = excluded.error_streak,
  last_error = excluded.last_error, current_url = excluded.current_url, ttl_ms = excluded.ttl_ms,
  not_before_ms = excluded.not_before_ms, last_full_ms = excluded.last_full_ms)sql";

// Shared by commit_poll, enqueue, digests and follow-ups: skipped when pending (the unique index)
// or finished (deliveries, which covers dead letters).
std::size_t insert_outbox(Database& db, const std::vector<OutboxEntry>& alerts, std::int64_t now_ms) {
  std::size_t added = 0;
  auto stmt = db.cached(
      "INSERT INTO outbox (alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms) "
      "SELECT ?1, ?2, ?3, ?4, 0, ?5, ?5 "
      "WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = ?1 AND webhook = ?2) "
      "ON CONFLICT (alert_id, webhook) DO NOTHING");
  for (const auto& e : alerts) {
    stmt->bind_all(e.alert_id, e.webhook, e.watchlist, e.payload, now_ms);
    added += stmt->run();
  }
  return added;
}

const char* story_state_name(StoryState state) {
  switch (state) {
    case StoryState::alerted: return "alerted";
    case StoryState::held: return "held";
    case StoryState::digested: return "digested";
  }
  return "alerted";
}

StoryState story_state_from(const std::string& name) {
  if (name == "held") return StoryState::held;
  if (name == "digested") return StoryState::digested;
  return StoryState::alerted;
}

constexpr const char* kStoryColumns =
    "id, watchlist, alert_id, simhash, title, link, first_seen_ms, state, payload, copies, follow_up_sent, feed_url, "
    "article_id";

Story read_story(const Statement& stmt) {
  Story s;
  s.id = stmt.column_int64(0);
  s.watchlist = stmt.column_text(1);
  s.alert_id = stmt.column_text(2);
  s.has_simhash = !stmt.column_is_null(3);
  s.simhash = static_cast<std::uint64_t>(stmt.column_int64(3));
  s.title = stmt.column_text(4);
  s.link = stmt.column_text(5);
  s.first_seen = from_unix_millis(stmt.column_int64(6));
  s.state = story_state_from(stmt.column_text(7));
  s.payload = stmt.column_text(8);
  s.copies = stmt.column_int(9);
  s.follow_up_sent = stmt.column_int(10) != 0;
  s.feed_url = stmt.column_text(11);
  s.article_id = stmt.column_text(12);
  return s;
}

void upsert_feed(Database& db, const std::string& feed_url, const FeedState& state) {
  auto stmt = db.cached(kUpsertFeed);
  const std::optional<std::int64_t> ttl_ms =
      state.ttl ? std::optional<std::int64_t>(state.ttl->count()) : std::nullopt;
  stmt->bind_all(feed_url, state.etag, state.last_modified, to_millis(state.last_poll),
                 to_millis(state.last_success), state.error_streak, state.last_error, state.current_url, ttl_ms,
                 to_millis(state.not_before), to_millis(state.last_full));
  stmt->run();
}

}  // namespace

namespace {

// Opens, switches to WAL and migrates; what fails here stops start-up.
std::unique_ptr<Database> open_state(const std::filesystem::path& db_file) {
  auto db = std::make_unique<Database>(db_file, Database::OpenMode::ReadWriteCreate, 5000);
  // WAL: readers (status, a second process) never block the writer, and a commit is one append.
  const auto mode = db->query_text("PRAGMA journal_mode = WAL");
  if (mode != "wal" && db_file != ":memory:")
    throw std::runtime_error(db_file.string() + ": cannot switch to WAL journal mode (got " + mode + ")");
  // FULL, not NORMAL: with WAL, NORMAL survives a process crash but a power loss may drop the last
  // commits. A dropped commit_poll can lose alerts for good (the entries may have left the feed by
  // the next poll) and a dropped mark_delivered sends an alert twice. One fsync per commit is cheap
  // next to a poll round trip.
  db->exec("PRAGMA synchronous = FULL");
  migrate(*db);
  return db;
}

}  // namespace

StateStore::StateStore(const std::filesystem::path& db_file) {
  try {
    db_ = open_state(db_file);
  } catch (const DatabaseError& e) {
    if (!e.damaged()) throw;
    // Nothing was written: the file stays as it is, for inspection or recovery.
    throw std::runtime_error(
        std::string(e.what()) + "\nThe state database " + db_file.string() +
        " is damaged and was left untouched. To keep its pending alerts and history, try "
        "`sqlite3 " + db_file.string() + " .recover | sqlite3 recovered.db` and put recovered.db in its place; "
        "to start over, move it (and any -wal and -shm files beside it) aside: a new state takes every "
        "entry the feeds still list as new (poll.max_age keeps old ones from alerting) and forgets the "
        "alerts that were pending.");
  }
}

StateStore::~StateStore() = default;

std::filesystem::path StateStore::default_file(const std::filesystem::path& state_dir) {
  return state_dir / "newsalert.db";
}

FeedState StateStore::feed_state(const std::string& feed_url) {
  auto stmt = db_->cached(
      "SELECT etag, last_modified, last_poll_ms, last_success_ms, error_streak, last_error, current_url, ttl_ms, "
      "not_before_ms, last_full_ms FROM feeds WHERE url = ?1");
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
  state.last_full = from_millis(stmt->column_optional_int64(9));
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

std::unique_ptr<Transaction> StateStore::begin() {
  return std::make_unique<Transaction>(*db_, Transaction::Kind::Immediate);
}

void StateStore::save_feed_state(const std::string& feed_url, const FeedState& state) {
  upsert_feed(*db_, feed_url, state);
}

std::vector<std::string> StateStore::unseen(const std::string& feed_url,
                                            const std::vector<std::string>& article_ids,
                                            std::optional<TimePoint> refresh_before, std::vector<std::string>* stale) {
  std::vector<std::string> out;
  if (article_ids.empty()) return out;
  const std::int64_t refresh_ms = refresh_before ? to_unix_millis(*refresh_before) : 0;
  // One read transaction: one snapshot and one lock for the whole batch, not one per id.
  Transaction tx(*db_, Transaction::Kind::Deferred);
  {
    auto stmt = db_->cached("SELECT seen_ms FROM articles WHERE feed_url = ?1 AND article_id = ?2");
    stmt->bind(1, feed_url);
    for (const auto& id : article_ids) {
      stmt->bind(2, id);
      if (!stmt->step()) out.push_back(id);
      else if (stale != nullptr && stmt->column_int64(0) < refresh_ms) stale->push_back(id);
      stmt->rewind();
    }
  }
  tx.commit();
  return out;
}

std::size_t StateStore::commit_poll(const std::string& feed_url, const FeedState& state,
                                    const std::vector<SeenArticle>& articles,
                                    const std::vector<OutboxEntry>& alerts, TimePoint now,
                                    const std::vector<std::string>& refreshed) {
  const auto now_ms = to_unix_millis(now);
  Transaction tx(*db_, Transaction::Kind::Immediate);
  upsert_feed(*db_, feed_url, state);
  if (!refreshed.empty()) {
    auto stmt = db_->cached("UPDATE articles SET seen_ms = ?3 WHERE feed_url = ?1 AND article_id = ?2");
    for (const auto& id : refreshed) {
      stmt->bind_all(feed_url, id, now_ms);
      stmt->run();
    }
  }
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
  const std::size_t added = insert_outbox(*db_, alerts, now_ms);
  tx.commit();
  return added;
}

void StateStore::save_feed_states(const std::vector<std::pair<std::string, FeedState>>& states) {
  if (states.empty()) return;
  // Without its own fsync: losing the last second of poll times and validators to a power cut
  // costs one extra full fetch, never an alert. The next FULL commit (a poll with news, a
  // delivery) syncs these pages with its own, so ordering is kept.
  db_->exec("PRAGMA synchronous = NORMAL");
  try {
    Transaction tx(*db_, Transaction::Kind::Immediate);
    for (const auto& [url, state] : states) upsert_feed(*db_, url, state);
    tx.commit();
  } catch (...) {
    db_->exec("PRAGMA synchronous = FULL");
    throw;
  }
  db_->exec("PRAGMA synchronous = FULL");
}

PruneCounts StateStore::prune(TimePoint cutoff, std::size_t limit) {
  const auto cutoff_ms = to_unix_millis(cutoff);
  const auto n = static_cast<std::int64_t>(limit);
  PruneCounts counts;
  Transaction tx(*db_, Transaction::Kind::Immediate);
  const auto remove = [&](const char* sql) {
    auto stmt = db_->cached(sql);
    stmt->bind_all(cutoff_ms, n);
    return stmt->run();
  };
  counts.articles = remove(
      "DELETE FROM articles WHERE (feed_url, article_id) IN "
      "(SELECT feed_url, article_id FROM articles WHERE seen_ms < ?1 LIMIT ?2)");
  counts.deliveries = remove(
      "DELETE FROM deliveries WHERE (alert_id, webhook) IN "
      "(SELECT alert_id, webhook FROM deliveries WHERE at_ms < ?1 LIMIT ?2)");
  // A held story still waits for its digest; an alert still in the outbox may need its story.
  counts.stories = remove(
      "DELETE FROM stories WHERE id IN (SELECT id FROM stories WHERE first_seen_ms < ?1 AND state != 'held' "
      "AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.alert_id = stories.alert_id) LIMIT ?2)");
  counts.story_copies = remove(
      "DELETE FROM story_copies WHERE (alert_id, feed_url, article_id) IN "
      "(SELECT alert_id, feed_url, article_id FROM story_copies WHERE seen_ms < ?1 LIMIT ?2)");
  tx.commit();
  return counts;
}

namespace {

const char* websub_state_name(WebSubState state) {
  switch (state) {
    case WebSubState::requested: return "requested";
    case WebSubState::active: return "active";
    case WebSubState::unsubscribing: return "unsubscribing";
    case WebSubState::failed: return "failed";
  }
  return "failed";
}

WebSubState websub_state_from(const std::string& name) {
  if (name == "requested") return WebSubState::requested;
  if (name == "active") return WebSubState::active;
  if (name == "unsubscribing") return WebSubState::unsubscribing;
  return WebSubState::failed;
}

}  // namespace

std::vector<WebSubSubscription> StateStore::websub_subscriptions() {
  std::vector<WebSubSubscription> out;
  auto stmt = db_->cached(
      "SELECT feed_url, hub, topic, token, secret, state, lease_ms, expires_ms, updated_ms, last_error FROM websub "
      "ORDER BY feed_url");
  while (stmt->step()) {
    WebSubSubscription s;
    s.feed_url = stmt->column_text(0);
    s.hub = stmt->column_text(1);
    s.topic = stmt->column_text(2);
    s.token = stmt->column_text(3);
    s.secret = stmt->column_text(4);
    s.state = websub_state_from(stmt->column_text(5));
    if (const auto lease = stmt->column_optional_int64(6)) s.lease = Millis(*lease);
    s.expires = from_millis(stmt->column_optional_int64(7));
    s.updated = from_unix_millis(stmt->column_int64(8));
    s.last_error = stmt->column_text(9);
    out.push_back(std::move(s));
  }
  return out;
}

void StateStore::save_websub(const WebSubSubscription& s) {
  auto stmt = db_->cached(
      "INSERT INTO websub (feed_url, hub, topic, token, secret, state, lease_ms, expires_ms, updated_ms, last_error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (feed_url) DO UPDATE SET "
      "hub = excluded.hub, topic = excluded.topic, token = excluded.token, secret = excluded.secret, "
      "state = excluded.state, lease_ms = excluded.lease_ms, expires_ms = excluded.expires_ms, "
      "updated_ms = excluded.updated_ms, last_error = excluded.last_error");
  const std::optional<std::int64_t> lease_ms = s.lease ? std::optional<std::int64_t>(s.lease->count()) : std::nullopt;
  stmt->bind_all(s.feed_url, s.hub, s.topic, s.token, s.secret, std::string(websub_state_name(s.state)), lease_ms,
                 to_millis(s.expires), to_unix_millis(s.updated), s.last_error);
  stmt->run();
}

void StateStore::delete_websub(const std::string& feed_url) {
  auto stmt = db_->cached("DELETE FROM websub WHERE feed_url = ?1");
  stmt->bind(1, feed_url);
  stmt->run();
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

std::size_t StateStore::enqueue(const std::vector<OutboxEntry>& alerts, TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  const std::size_t added = insert_outbox(*db_, alerts, to_unix_millis(now));
  tx.commit();
  return added;
}

void StateStore::disable_endpoint(const std::string& webhook, const std::string& url, const std::string& reason,
                                  TimePoint now) {
  auto stmt = db_->cached(
      "INSERT INTO endpoints (webhook, url, disabled_ms, reason) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (webhook) DO UPDATE SET url = excluded.url, disabled_ms = excluded.disabled_ms, "
      "reason = excluded.reason");
  stmt->bind_all(webhook, url, to_unix_millis(now), reason);
  stmt->run();
}

std::optional<DisabledEndpoint> StateStore::disabled_endpoint(const std::string& webhook) {
  auto stmt = db_->cached("SELECT webhook, url, disabled_ms, reason FROM endpoints WHERE webhook = ?1");
  stmt->bind(1, webhook);
  if (!stmt->step()) return std::nullopt;
  return DisabledEndpoint{stmt->column_text(0), stmt->column_text(1), stmt->column_text(3),
                          from_unix_millis(stmt->column_int64(2))};
}

bool StateStore::enable_endpoint(const std::string& webhook) {
  auto stmt = db_->cached("DELETE FROM endpoints WHERE webhook = ?1");
  stmt->bind(1, webhook);
  return stmt->run() > 0;
}

std::vector<DisabledEndpoint> StateStore::disabled_endpoints() {
  std::vector<DisabledEndpoint> out;
  auto stmt = db_->cached("SELECT webhook, url, disabled_ms, reason FROM endpoints ORDER BY webhook");
  while (stmt->step())
    out.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(3),
                   from_unix_millis(stmt->column_int64(2))});
  return out;
}

namespace {

// Moves the selected dead letters back into the outbox, due now with a fresh attempt count, and
// forgets their 'dead' outcome so nothing else skips them; their webhooks are re-enabled.
std::size_t requeue_dead(Database& db, const std::string& where, std::optional<std::int64_t> id, TimePoint now) {
  Transaction tx(db, Transaction::Kind::Immediate);
  const auto bind_id = [&](Statement& stmt, int index) {
    if (id) stmt.bind(index, *id);
  };
  {
    auto stmt = db.prepare("DELETE FROM endpoints WHERE webhook IN (SELECT webhook FROM dead_letters " + where + ")");
    bind_id(stmt, 1);
    stmt.run();
  }
  {
    auto stmt = db.prepare(
        "DELETE FROM deliveries WHERE state = 'dead' AND (alert_id, webhook) IN "
        "(SELECT alert_id, webhook FROM dead_letters " + where + ")");
    bind_id(stmt, 1);
    stmt.run();
  }
  std::size_t moved = 0;
  {
    auto stmt = db.prepare(
        "INSERT INTO outbox (alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms) "
        "SELECT alert_id, webhook, watchlist, payload, 0, ?" + std::string(id ? "2" : "1") + ", created_ms "
        "FROM dead_letters " + where + " ORDER BY id ON CONFLICT (alert_id, webhook) DO NOTHING");
    bind_id(stmt, 1);
    stmt.bind(id ? 2 : 1, to_unix_millis(now));
    moved = stmt.run();
  }
  {
    auto stmt = db.prepare("DELETE FROM dead_letters " + where);
    bind_id(stmt, 1);
    stmt.run();
  }
  tx.commit();
  return moved;
}

}  // namespace

bool StateStore::retry_dead_letter(std::int64_t id, TimePoint now) {
  return requeue_dead(*db_, "WHERE id = ?1", id, now) > 0;
}

std::size_t StateStore::retry_all_dead_letters(TimePoint now) { return requeue_dead(*db_, "", std::nullopt, now); }

std::size_t StateStore::purge_dead_letters() {
  // Their 'dead' outcome stays in deliveries, so a purged alert is never enqueued again.
  auto stmt = db_->cached("DELETE FROM dead_letters");
  return stmt->run();
}

std::size_t StateStore::pending_count(const std::string& webhook) {
  auto stmt = db_->cached("SELECT COUNT(*) FROM outbox WHERE webhook = ?1");
  stmt->bind(1, webhook);
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::optional<Story> StateStore::story(const std::string& alert_id) {
  auto stmt = db_->cached(std::string("SELECT ") + kStoryColumns + " FROM stories WHERE alert_id = ?1");
  stmt->bind(1, alert_id);
  if (!stmt->step()) return std::nullopt;
  return read_story(*stmt);
}

std::vector<Story> StateStore::stories_since(const std::string& watchlist, TimePoint since) {
  std::vector<Story> out;
  auto stmt = db_->cached(std::string("SELECT ") + kStoryColumns +
                          " FROM stories WHERE watchlist = ?1 AND first_seen_ms >= ?2 AND simhash IS NOT NULL "
                          "ORDER BY first_seen_ms, id");
  stmt->bind_all(watchlist, to_unix_millis(since));
  while (stmt->step()) out.push_back(read_story(*stmt));
  return out;
}

bool StateStore::add_story(const Story& s) {
  auto stmt = db_->cached(
      "INSERT INTO stories (watchlist, alert_id, simhash, title, link, first_seen_ms, state, payload, feed_url, "
      "article_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (alert_id) DO NOTHING");
  stmt->bind_all(s.watchlist, s.alert_id,
                 s.has_simhash ? std::optional<std::int64_t>(static_cast<std::int64_t>(s.simhash)) : std::nullopt,
                 s.title, s.link, to_unix_millis(s.first_seen), story_state_name(s.state), s.payload, s.feed_url,
                 s.article_id);
  return stmt->run() > 0;
}

bool StateStore::add_story_copy(const std::string& alert_id, const StoryCopy& copy) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  std::size_t added = 0;
  {
    auto stmt = db_->cached(
        "INSERT INTO story_copies (alert_id, feed_url, article_id, link, title, seen_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    stmt->bind_all(alert_id, copy.feed_url, copy.article_id, copy.link, copy.title, to_unix_millis(copy.seen));
    added = stmt->run();
  }
  if (added > 0) {
    auto stmt = db_->cached("UPDATE stories SET copies = copies + 1 WHERE alert_id = ?1");
    stmt->bind(1, alert_id);
    stmt->run();
  }
  tx.commit();
  return added > 0;
}

std::vector<StoryCopy> StateStore::story_copies(const std::string& alert_id) {
  std::vector<StoryCopy> out;
  auto stmt = db_->cached(
      "SELECT feed_url, article_id, link, title, seen_ms FROM story_copies WHERE alert_id = ?1 ORDER BY seen_ms");
  stmt->bind(1, alert_id);
  while (stmt->step())
    out.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(2), stmt->column_text(3),
                   from_unix_millis(stmt->column_int64(4))});
  return out;
}

void StateStore::commit_follow_up(const std::string& alert_id, const std::vector<OutboxEntry>& alerts, TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  insert_outbox(*db_, alerts, to_unix_millis(now));
  {
    auto stmt = db_->cached("UPDATE stories SET follow_up_sent = 1 WHERE alert_id = ?1");
    stmt->bind(1, alert_id);
    stmt->run();
  }
  tx.commit();
}

std::size_t StateStore::alerted_since(const std::string& watchlist, TimePoint since) {
  auto stmt = db_->cached(
      "SELECT COUNT(*) FROM stories WHERE watchlist = ?1 AND first_seen_ms >= ?2 AND state = 'alerted'");
  stmt->bind_all(watchlist, to_unix_millis(since));
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::vector<Story> StateStore::held_stories(const std::string& watchlist) {
  std::vector<Story> out;
  auto stmt = db_->cached(std::string("SELECT ") + kStoryColumns +
                          " FROM stories WHERE state = 'held' AND (?1 = '' OR watchlist = ?1) "
                          "ORDER BY first_seen_ms, id");
  stmt->bind(1, watchlist);
  while (stmt->step()) out.push_back(read_story(*stmt));
  return out;
}

void StateStore::commit_digest(const std::vector<std::int64_t>& story_ids, const std::vector<OutboxEntry>& alerts,
                               TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  insert_outbox(*db_, alerts, to_unix_millis(now));
  {
    auto stmt = db_->cached("UPDATE stories SET state = 'digested' WHERE id = ?1 AND state = 'held'");
    for (const auto id : story_ids) {
      stmt->bind(1, id);
      stmt->run();
    }
  }
  tx.commit();
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
  // Without waiting for a lock: a readiness probe must answer at once, and must not hold up the
  // thread that runs the daemon for a whole busy timeout each time it is asked.
  const int timeout = db_->busy_timeout();
  db_->set_busy_timeout(0);
  bool writable = true;
  try {
    db_->exec("BEGIN IMMEDIATE");
    db_->exec("ROLLBACK");
  } catch (const std::exception& e) {
    error = e.what();
    writable = false;
  }
  db_->set_busy_timeout(timeout);
  return writable;
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
