// The state store: schema, migrations, opening the file, and the transactions that span tables.
#include "store/state_store.hpp"

#include "common/files.hpp"
#include "store/database.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

namespace newsalert::store {

namespace {

// Migration N (1-based) takes the schema from user_version N-1 to N. Append only: a shipped
// migration is never edited, since databases in the field have already run it.
constexpr std::array<std::string_view, 7> kMigrations = {
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
    // 5: the text of recent entries (state.keep_text), for trying a draft watchlist on them. Each
    // node keeps those of the feeds it polls: not replicated (store/replication.cpp).
    R"sql(
CREATE TABLE article_texts (
  feed_url     TEXT NOT NULL,
  article_id   TEXT NOT NULL,
  seen_ms      INTEGER NOT NULL,
  feed_title   TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  link         TEXT NOT NULL DEFAULT '',
  published_ms INTEGER,
  summary      TEXT NOT NULL DEFAULT '',
  content      TEXT NOT NULL DEFAULT '',
  categories   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (feed_url, article_id)
) WITHOUT ROWID;
CREATE INDEX article_texts_seen ON article_texts (seen_ms);
)sql",
    // 6: updated entries (watchlist on_update). Each seen entry's text fingerprint ('' for entries
    // recorded before: their next change is only recorded), and for watchlists with on_update,
    // the actors and regions (names, one per line) an entry has matched so far. And the detected
    // language of kept texts, for trying watchlists with `languages:`.
    R"sql(
ALTER TABLE articles ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE article_texts ADD COLUMN lang TEXT NOT NULL DEFAULT '';
CREATE TABLE entry_terms (
  feed_url   TEXT NOT NULL,
  article_id TEXT NOT NULL,
  watchlist  TEXT NOT NULL,
  actors     TEXT NOT NULL DEFAULT '',
  regions    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (feed_url, article_id, watchlist)
) WITHOUT ROWID;
)sql",
    // 7: the story gate reads a watchlist's recent fingerprints for every new match; with the alert
    // id and SimHash in the index, in the order it reads them, that scan no longer visits each
    // story's row (whose payload is the whole alert). Same prefix, so it serves the old one's queries.
    R"sql(
DROP INDEX stories_watchlist_seen;
CREATE INDEX stories_watchlist_seen_fingerprints ON stories (watchlist, first_seen_ms, id, simhash, alert_id);
)sql",
};

// A schema this release cannot read: refused before anything is written.
void check_version(const Database& db, std::int64_t version) {
  const auto latest = static_cast<std::int64_t>(kMigrations.size());
  if (version > latest)
    throw std::runtime_error(db.path().string() + ": schema version " + std::to_string(version) +
                             " is newer than this newsalertd understands (" + std::to_string(latest) +
                             "); use a newer release or another state_dir");
}

void migrate(Database& db) {
  const auto latest = static_cast<std::int64_t>(kMigrations.size());
  // A current schema is read, not locked: a process opening the state beside a busy daemon (the
  // CLI, `status`) would otherwise queue for the write lock behind every commit of the daemon's.
  const auto current = db.query_int64("PRAGMA user_version");
  check_version(db, current);
  if (current == latest) return;
  Transaction tx(db, Transaction::Kind::Immediate);
  const auto version = db.query_int64("PRAGMA user_version");   // another process may have migrated meanwhile
  check_version(db, version);
  for (auto v = version; v < latest; ++v) db.exec(kMigrations[static_cast<std::size_t>(v)]);
  if (version != latest) db.exec("PRAGMA user_version = " + std::to_string(latest));
  tx.commit();
}

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
  db->set_sync(Database::Sync::Full);
  migrate(*db);
  return db;
}

// A damaged file stops start-up with advice; anything else SQLite refused passes through.
std::unique_ptr<Database> open_or_explain(const std::filesystem::path& db_file) {
  try {
    return open_state(db_file);
  } catch (const DatabaseError& e) {
    if (!e.damaged()) throw;
    // Nothing was written: the file stays as it is, for inspection or recovery.
    throw std::runtime_error(
        std::string(e.what()) + ". The state database " + db_file.string() +
        " is damaged and was left untouched. To keep its pending alerts and history, try "
        "`sqlite3 " + db_file.string() + " .recover | sqlite3 recovered.db` and put recovered.db in its place; "
        "to start over, move it (and any -wal and -shm files beside it) aside: a new state takes every "
        "entry the feeds still list as new (poll.max_age keeps old ones from alerting) and forgets the "
        "alerts that were pending.");
  }
}

bool empty_file(const std::filesystem::path& db_file) {
  std::error_code ec;
  if (std::filesystem::file_size(db_file, ec) != 0 || ec) return false;
  const auto wal = std::filesystem::path(db_file.string() + "-wal");
  return std::filesystem::file_size(wal, ec) == 0 || ec;
}

// A new state database is built beside its place and renamed into it once its schema is written:
// a start killed while creating it leaves no file, or a whole one, never the empty file that the
// next start would refuse as a lost state.
void create_state(const std::filesystem::path& db_file) {
  const auto dir = db_file.has_parent_path() ? db_file.parent_path() : std::filesystem::path(".");
  const DirectoryLock lock(dir, "cannot create the state database " + db_file.string());
  std::error_code ec;
  if (std::filesystem::exists(db_file, ec) || ec) return;   // another process created it while this one waited
  const std::filesystem::path building = db_file.string() + ".new";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})   // left by a start killed here before
    std::filesystem::remove(building.string() + suffix, ec);
  open_or_explain(building).reset();   // closing the last connection checkpoints and removes the WAL
  if (std::filesystem::exists(building.string() + "-wal", ec))
    throw std::runtime_error("the new state database " + building.string() + " kept its write-ahead log after closing");
  std::filesystem::rename(building, db_file);
  sync_directory(dir);
}

std::unique_ptr<Database> open_checked(const std::filesystem::path& db_file, StateStore::EmptyFile empty) {
  if (empty == StateStore::EmptyFile::refuse && empty_file(db_file))
    throw std::runtime_error(
        "the state database " + db_file.string() +
        " exists but is empty (0 bytes). Taken as a new state, it would send every pending alert again "
        "and alert on entries already seen. Restore it from a backup, or, if this is meant to be a new "
        "state, start once with `newsalertd run --init-state`.");
  std::error_code ec;
  const bool existed = db_file == ":memory:" || std::filesystem::exists(db_file, ec);
  try {
    if (!existed && !ec) create_state(db_file);
    return open_or_explain(db_file);
  } catch (...) {
    // A file this start created and could not fill (a full disk) must not make the next start
    // refuse it as an empty state.
    if (!existed && empty_file(db_file)) std::filesystem::remove(db_file, ec);
    throw;
  }
}

}  // namespace

StateStore::StateStore(const std::filesystem::path& db_file, EmptyFile empty)
    : db_(open_checked(db_file, empty)), feeds_(*db_), websub_(*db_), articles_(*db_), stories_(*db_), outbox_(*db_) {}

StateStore::~StateStore() = default;

std::optional<std::string> StateStore::problem_opening(const std::filesystem::path& db_file) {
  std::error_code ec;
  if (!std::filesystem::exists(db_file, ec) && !ec) return std::nullopt;   // created at start
  if (empty_file(db_file))
    return db_file.string() + " exists but is empty (0 bytes); the daemon refuses it unless started with --init-state";
  try {
    // Read-only and without migrating: `check` runs beside the daemon and before it, and writes nothing.
    Database db(db_file, Database::OpenMode::ReadOnly, 1000);
    check_version(db, db.query_int64("PRAGMA user_version"));
    db.query_int64("SELECT count(*) FROM sqlite_schema");   // reads page 1: a file that is not a database fails here
  } catch (const DatabaseError& e) {
    return std::string(e.what()) + (e.damaged() ? " (the file is damaged: `newsalertd run` explains how to recover it)" : "");
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

std::filesystem::path StateStore::default_file(const std::filesystem::path& state_dir) {
  return state_dir / "newsalert.db";
}

std::unique_ptr<Transaction> StateStore::begin() {
  return std::make_unique<Transaction>(*db_, Transaction::Kind::Immediate);
}

std::size_t StateStore::commit_poll(const std::string& feed_url, const std::optional<FeedState>& state,
                                    const std::vector<SeenArticle>& articles,
                                    const std::vector<OutboxEntry>& alerts, TimePoint now,
                                    const std::vector<std::string>& refreshed) {
  const auto now_ms = to_unix_millis(now);
  Transaction tx(*db_, Transaction::Kind::Immediate);
  if (state) feeds_.save_feed_state(feed_url, *state);
  articles_.record(feed_url, articles, refreshed, now_ms);
  const std::size_t added = outbox_.insert(alerts, now_ms);
  tx.commit();
  return added;
}

void StateStore::commit_follow_up(const std::string& alert_id, const std::vector<OutboxEntry>& alerts, TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  outbox_.insert(alerts, to_unix_millis(now));
  stories_.mark_followed_up(alert_id);
  tx.commit();
}

void StateStore::commit_digest(const std::vector<std::int64_t>& story_ids, const std::vector<OutboxEntry>& alerts,
                               TimePoint now) {
  Transaction tx(*db_, Transaction::Kind::Immediate);
  outbox_.insert(alerts, to_unix_millis(now));
  stories_.mark_digested(story_ids);
  tx.commit();
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
  // What an on_update watchlist matched goes with its entry (?1 is unused: the entry is gone).
  counts.articles += remove(
      "DELETE FROM entry_terms WHERE ?1 IS NOT NULL AND (feed_url, article_id, watchlist) IN "
      "(SELECT feed_url, article_id, watchlist FROM entry_terms t WHERE NOT EXISTS "
      "(SELECT 1 FROM articles a WHERE a.feed_url = t.feed_url AND a.article_id = t.article_id) LIMIT ?2)");
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

std::size_t StateStore::prune_texts(TimePoint cutoff, std::size_t limit) {
  auto stmt = db_->cached(
      "DELETE FROM article_texts WHERE (feed_url, article_id) IN "
      "(SELECT feed_url, article_id FROM article_texts WHERE seen_ms < ?1 LIMIT ?2)");
  stmt->bind_all(to_unix_millis(cutoff), static_cast<std::int64_t>(limit));
  return db_->run_write(*stmt);
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

void StateStore::replicate(ChangeLog& log, const std::string& log_id) {
  replication_.reset();
  // A replica is a copy of the shared log, which holds every commit on a quorum of NATS servers
  // before the commit ends. The replica's position commits with each change, so a replica that
  // lost its last commits to a power cut reads them from the log again: a sync per commit (one
  // for every entry any node appends) would buy nothing.
  db_->set_sync(Database::Sync::Normal);
  replication_ = std::make_unique<Replication>(*db_, log, log_id);
}

namespace {

// Each table a single node's state is made of, and how its rows join another store: keyed
// tables by their key; the outbox, stories and dead letters by their own identity, with new ids.
struct ImportedTable {
  const char* name;
  const char* order;     // a stable order of the source rows, for batches
  const char* columns;   // copied columns ("*" for all)
};

constexpr ImportedTable kImported[] = {
    {"feeds", "url", "*"},
    {"articles", "feed_url, article_id", "*"},
    {"deliveries", "alert_id, webhook", "*"},
    {"endpoints", "webhook", "*"},
    {"stories", "id",
     "watchlist, alert_id, simhash, feed_url, article_id, title, link, first_seen_ms, state, payload, copies, "
     "follow_up_sent"},
    {"story_copies", "alert_id, feed_url, article_id", "*"},
    {"outbox", "id", "alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms, last_error"},
    {"dead_letters", "id",
     "alert_id, webhook, watchlist, payload, attempts, created_ms, failed_ms, last_error"},
    {"websub", "feed_url", "*"},
    {"entry_terms", "feed_url, article_id, watchlist", "*"},
};

std::string import_sql(const ImportedTable& table) {
  const std::string columns = table.columns;
  const std::string list = columns == "*" ? "" : " (" + columns + ")";
  std::string sql = "INSERT OR IGNORE INTO main." + std::string(table.name) + list + " SELECT " + columns +
                    " FROM imported." + table.name;
  // A pending alert already delivered or dead here stays finished; a dead letter already known is not doubled.
  if (std::string_view(table.name) == "outbox")
    sql += " AS o WHERE NOT EXISTS (SELECT 1 FROM main.deliveries d WHERE d.alert_id = o.alert_id AND d.webhook = o.webhook)";
  if (std::string_view(table.name) == "dead_letters")
    sql += " AS o WHERE NOT EXISTS (SELECT 1 FROM main.dead_letters d WHERE d.alert_id = o.alert_id AND d.webhook = o.webhook)";
  return sql + " ORDER BY " + table.order + " LIMIT ?1 OFFSET ?2";
}

}  // namespace

std::vector<ImportCount> StateStore::import_state(const std::filesystem::path& other, std::size_t batch) {
  { StateStore migrated(other); }   // the other file in this release's schema
  Statement attach(*db_, "ATTACH DATABASE ?1 AS imported");
  attach.bind(1, other.string());
  attach.run();
  std::vector<ImportCount> counts;
  try {
    for (const auto& table : kImported) {
      ImportCount count{table.name, 0, 0};
      count.read = static_cast<std::size_t>(
          db_->query_int64(std::string("SELECT COUNT(*) FROM imported.") + table.name));
      Statement insert(*db_, import_sql(table));
      for (std::size_t offset = 0; offset < count.read; offset += batch) {
        count.added += retry_on_conflict([&] {
          Transaction tx(*db_);
          insert.bind_all(static_cast<std::int64_t>(batch), static_cast<std::int64_t>(offset));
          const std::size_t added = insert.run();
          tx.commit();
          return added;
        });
      }
      counts.push_back(count);
    }
  } catch (...) {
    db_->exec("DETACH DATABASE imported");
    throw;
  }
  db_->exec("DETACH DATABASE imported");
  return counts;
}

std::uint64_t StateStore::snapshot(const std::filesystem::path& db_file, const std::filesystem::path& out) {
  {
    Database source(db_file, Database::OpenMode::ReadOnly);
    Statement vacuum(source, "VACUUM INTO ?1");   // one read transaction: one consistent state
    vacuum.bind(1, out.string());
    vacuum.run();
  }
  {
    // The texts are this node's own (not in the log), and a week of them would dwarf the rest.
    Database copy(out);
    if (copy.query_int64("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'article_texts'") > 0)
      copy.exec("DELETE FROM article_texts");
  }
  Database copy(out, Database::OpenMode::ReadOnly);
  if (copy.query_int64("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'replica'") == 0) return 0;
  Statement position(copy, "SELECT sequence FROM replica WHERE id = 1");
  return position.step() ? static_cast<std::uint64_t>(position.column_int64(0)) : 0;
}

void StateStore::restore(const std::filesystem::path& snapshot) {
  const bool replicated = replication_ != nullptr;
  if (replicated) db_->set_write_hook(nullptr);   // the copy is the log's state, not a new entry
  db_->restore_from(snapshot);
  if (replicated) {
    db_->set_write_hook(replication_.get());
    replication_->reread_position();
  }
}

void StateStore::forget_replica() {
  replication_.reset();
  Transaction tx(*db_);
  std::vector<std::string> tables;
  {
    Statement list(*db_, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (list.step()) tables.push_back(list.column_text(0));
  }
  for (const auto& table : tables) db_->exec("DELETE FROM \"" + table + "\"");
  db_->exec("DELETE FROM sqlite_sequence");
  tx.commit();
}

std::string StateStore::integrity_check() const {
  Statement stmt(*db_, "PRAGMA integrity_check");
  std::string result;
  while (stmt.step()) {
    if (!result.empty()) result += '\n';
    result += stmt.column_text(0);
  }
  return result;
}

}  // namespace newsalert::store
