// The state store on real SQLite files: schema, restart, dedup, the outbox life cycle, crashes.
#include "store/state_store.hpp"

#include "store/database.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <tuple>

using namespace newsalert;
using namespace newsalert::store;
using namespace std::chrono_literals;
using newsalert::store::test::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::IsEmpty;

namespace {

const TimePoint kT0 = TimePoint(1722513600s);
const std::string kFeed = "https://example.org/rss.xml";

SeenArticle article(const std::string& id, const std::string& feed = kFeed) {
  return SeenArticle{feed, id, "https://example.org/" + id, "Title " + id, kT0 - 1h};
}

OutboxEntry alert(const std::string& id, const std::string& webhook = "ops") {
  return OutboxEntry{id, webhook, "iran-israel", R"({"id":")" + id + R"("})"};
}

FeedState ok_state(const std::string& etag) {
  FeedState s;
  s.etag = etag;
  s.last_modified = "Thu, 01 Aug 2024 12:00:00 GMT";
  s.last_poll = kT0;
  s.last_success = kT0;
  return s;
}

std::vector<std::string> alert_ids(const std::vector<PendingDelivery>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.alert_id);
  return out;
}

}  // namespace

// Back to the version 1 schema: what a database from the first release looks like.
static void downgrade_to_version_five(Database& db) {
  db.exec("DROP INDEX stories_watchlist_seen_fingerprints");   // migration 7
  db.exec("CREATE INDEX stories_watchlist_seen ON stories (watchlist, first_seen_ms)");
  db.exec("DROP TABLE entry_terms");   // migration 6
  db.exec("ALTER TABLE articles DROP COLUMN fingerprint");
  db.exec("ALTER TABLE article_texts DROP COLUMN lang");
  db.exec("PRAGMA user_version = 5");
}

static void downgrade_to_version_one(Database& db) {
  downgrade_to_version_five(db);
  db.exec("DROP TABLE article_texts");   // migration 5
  db.exec("DROP TABLE websub; DROP INDEX articles_seen; DROP INDEX deliveries_at; DROP INDEX story_copies_seen");
  db.exec("ALTER TABLE feeds DROP COLUMN last_full_ms");   // migration 4
  db.exec("DROP TABLE endpoints; DROP TABLE stories; DROP TABLE story_copies");   // migration 3
  db.exec("DROP INDEX articles_feed_published");                                 // migration 2
  for (const char* column : {"current_url", "ttl_ms", "not_before_ms"})
    db.exec(std::string("ALTER TABLE feeds DROP COLUMN ") + column);
  db.exec("PRAGMA user_version = 1");
}

TEST(StateStore, DefaultFileLivesInTheStateDir) {
  EXPECT_EQ(StateStore::default_file("/var/lib/newsalert"), "/var/lib/newsalert/newsalert.db");
}

TEST(StateStore, CreatesTheSchemaInWalModeWithFullSync) {
  TempDir dir;
  const auto file = StateStore::default_file(dir.path());
  { StateStore store(file); }
  Database db(file);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 7);
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");   // persistent in the file
  for (const char* table : {"feeds", "articles", "outbox", "deliveries", "dead_letters", "endpoints", "stories",
                            "story_copies", "websub"})
    EXPECT_EQ(db.query_int64(std::string("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
                             table + "'"),
              1)
        << table;
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'outbox_webhook_due'"), 1);
}

TEST(StateStore, MigratesAVersionOneDatabaseKeepingItsFeeds) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    store.feeds().save_feed_state(kFeed, ok_state("\"v1\""));
  }
  {
    Database db(file);
    downgrade_to_version_one(db);
  }
  StateStore store(file);
  const FeedState s = store.feeds().feed_state(kFeed);
  EXPECT_EQ(s.etag, "\"v1\"");
  EXPECT_EQ(s.current_url, "");
  EXPECT_EQ(s.ttl, std::nullopt);
  EXPECT_EQ(s.not_before, std::nullopt);
  EXPECT_EQ(Database(file).query_int64("PRAGMA user_version"), 7);
}

TEST(StateStore, MigratesAVersionFiveDatabaseItsEntriesWithoutFingerprints) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    SeenArticle seen{kFeed, "a", "https://news.example/a", "Old title", std::nullopt};
    store.commit_poll(kFeed, ok_state("\"v5\""), {seen}, {}, kT0);
  }
  {
    Database db(file);
    downgrade_to_version_five(db);
  }
  StateStore store(file);
  EXPECT_EQ(Database(file).query_int64("PRAGMA user_version"), 7);
  const auto texts = store.articles().seen_texts(kFeed, {"a", "missing"});
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts.at("a").fingerprint, "");   // its next text is recorded, and alerts nothing
  EXPECT_EQ(texts.at("a").title, "Old title");
  {
    const auto tx = store.begin();
    store.articles().record_text_change(kFeed, "a", "f1", "New title");
    store.articles().record_terms(kFeed, "a", "w", {{"Hamas", "IRGC"}, {"Iran"}});
    tx->commit();
  }
  EXPECT_EQ(store.articles().seen_texts(kFeed, {"a"}).at("a").fingerprint, "f1");
  const auto terms = store.articles().matched_terms(kFeed, "a", "w");
  ASSERT_TRUE(terms);
  EXPECT_EQ(terms->actors, (std::vector<std::string>{"Hamas", "IRGC"}));
  EXPECT_EQ(terms->regions, std::vector<std::string>{"Iran"});
  EXPECT_FALSE(store.articles().matched_terms(kFeed, "a", "other"));
}

TEST(StateStore, KeepsRedirectsAndServerFloorsOfAFeed) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    FeedState s = ok_state("\"e\"");
    s.current_url = "https://example.org/moved.xml";
    s.ttl = 45min;
    s.not_before = kT0 + 1h;
    store.feeds().save_feed_state(kFeed, s);
  }
  StateStore store(file);
  const FeedState s = store.feeds().feed_state(kFeed);
  EXPECT_EQ(s.current_url, "https://example.org/moved.xml");
  EXPECT_EQ(s.ttl, 45min);
  EXPECT_EQ(s.not_before, kT0 + 1h);
}

TEST(StateStore, PublishedTimesAreTheFeedsNewestDatedArticles) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  std::vector<SeenArticle> seen;
  for (int i = 0; i < 5; ++i) {
    SeenArticle a = article("a" + std::to_string(i));
    a.published = kT0 - std::chrono::hours(i * 10);
    seen.push_back(a);
  }
  SeenArticle undated = article("undated");
  undated.published.reset();
  seen.push_back(undated);
  seen.push_back(article("elsewhere", "https://other.example/feed"));
  store.commit_poll(kFeed, ok_state("\"e\""), seen, {}, kT0);
  EXPECT_THAT(store.feeds().published_times(kFeed, 3), ElementsAre(kT0, kT0 - 10h, kT0 - 20h));
  EXPECT_EQ(store.feeds().published_times(kFeed, 100).size(), 5u);
  EXPECT_THAT(store.feeds().published_times("https://nowhere.example/feed", 10), IsEmpty());
}

TEST(StateStore, RefusesADatabaseFromANewerRelease) {
  TempDir dir;
  const auto file = dir.file("state.db");
  { StateStore store(file); }
  { Database(file).exec("PRAGMA user_version = 99"); }
  try {
    StateStore store(file);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
    EXPECT_THAT(e.what(), HasSubstr("schema version 99"));
  }
}

TEST(StateStore, UnwritableLocationNamesTheFile) {
  TempDir dir;
  const auto file = dir.file("no/such/dir/state.db");
  try {
    StateStore store(file);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
  }
}

// The state holds webhook URLs and WebSub secrets: owner-only whatever the umask, -wal and -shm too.
TEST(StateStore, CreatesItsFilesForTheOwnerOnly) {
  TempDir dir;
  const auto file = dir.file("state.db");
  const mode_t old_mask = ::umask(022);
  {
    StateStore store(file);
    store.feeds().save_feed_state(kFeed, FeedState{});
    for (const auto& path : {file.string(), file.string() + "-wal", file.string() + "-shm"}) {
      const auto perms = std::filesystem::status(path).permissions();
      EXPECT_EQ(perms, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write) << path;
    }
  }
  ::umask(old_mask);
}

TEST(StateStore, RefusesAnExistingEmptyFileUnlessToldToInitialiseIt) {
  TempDir dir;
  const auto file = dir.file("state.db");
  { std::ofstream touch(file); }
  try {
    StateStore store(file);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string() + " exists but is empty (0 bytes)"));
    EXPECT_THAT(e.what(), HasSubstr("--init-state"));
  }
  EXPECT_EQ(std::filesystem::file_size(file), 0u) << "the file stays as it was";
  { StateStore store(file, StateStore::EmptyFile::initialise); }
  EXPECT_GT(std::filesystem::file_size(file), 0u);
  StateStore again(file);   // no longer empty: opens as usual
}

// A first start killed while it creates the file must not leave an empty file in its place, which the
// next start would refuse as a lost state: the schema is written beside it and renamed into place,
// and what such a start left beside it is cleared by the next one.
TEST(StateStore, ANewStateIsBuiltBesideItsPlaceAndRenamedIntoItWhole) {
  TempDir dir;
  const auto file = dir.file("state.db");
  { std::ofstream leftover(file.string() + ".new"); }
  { std::ofstream leftover(file.string() + ".new-journal"); leftover << "half a journal"; }
  {
    StateStore store(file);
    FeedState state;
    state.etag = "\"v1\"";
    store.feeds().save_feed_state("https://a.example/feed", state);
  }
  EXPECT_GT(std::filesystem::file_size(file), 0u);
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".new"));
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".new-journal"));
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".new-wal"));
  StateStore again(file);
  EXPECT_EQ(again.feeds().feed_state("https://a.example/feed").etag, "\"v1\"");
}

// Processes that start on one new state at once (a daemon and `newsalertd check`, two units sharing a
// state_dir by mistake) must each open the one file the first of them built, not build it over each
// other: every process's write is in the file afterwards.
TEST(StateStore, ProcessesCreatingOneNewStateAtOnceAllOpenTheSameFile) {
  constexpr int kProcesses = 4;
  for (int round = 0; round < 10; ++round) {
    TempDir dir;
    const auto file = dir.file("state.db");
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
      const pid_t child = ::fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        try {
          StateStore store(file);
          FeedState state;
          state.etag = std::to_string(p);
          store.feeds().save_feed_state(kFeed + "?" + std::to_string(p), state);
        } catch (...) {
          ::_exit(1);
        }
        ::_exit(0);
      }
      children.push_back(child);
    }
    for (const pid_t child : children) {
      int status = 0;
      ASSERT_EQ(::waitpid(child, &status, 0), child);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round << ", status " << status;
    }
    StateStore store(file);
    for (int p = 0; p < kProcesses; ++p)
      EXPECT_EQ(store.feeds().feed_state(kFeed + "?" + std::to_string(p)).etag, std::to_string(p)) << "round " << round;
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".new"));
  }
}

TEST(StateStore, UnknownFeedHasEmptyState) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  const FeedState s = store.feeds().feed_state("https://nowhere.example/feed");
  EXPECT_EQ(s.etag, "");
  EXPECT_EQ(s.last_modified, "");
  EXPECT_EQ(s.last_poll, std::nullopt);
  EXPECT_EQ(s.last_success, std::nullopt);
  EXPECT_EQ(s.error_streak, 0);
  EXPECT_EQ(s.last_error, "");
}

TEST(StateStore, FeedStateRoundTripsAndOverwrites) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  FeedState failing;
  failing.etag = "\"abc\"";
  failing.last_poll = kT0 + 1500ms;
  failing.error_streak = 3;
  failing.last_error = "connection refused";
  store.feeds().save_feed_state(kFeed, failing);
  FeedState got = store.feeds().feed_state(kFeed);
  EXPECT_EQ(got.etag, "\"abc\"");
  EXPECT_EQ(got.last_poll, kT0 + 1500ms);
  EXPECT_EQ(got.last_success, std::nullopt);
  EXPECT_EQ(got.error_streak, 3);
  EXPECT_EQ(got.last_error, "connection refused");

  store.feeds().save_feed_state(kFeed, ok_state("\"def\""));
  got = store.feeds().feed_state(kFeed);
  EXPECT_EQ(got.etag, "\"def\"");
  EXPECT_EQ(got.last_modified, "Thu, 01 Aug 2024 12:00:00 GMT");
  EXPECT_EQ(got.last_success, kT0);
  EXPECT_EQ(got.error_streak, 0);
  EXPECT_EQ(got.last_error, "");
}

TEST(StateStore, StatePersistsAcrossRestart) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    EXPECT_EQ(store.commit_poll(kFeed, ok_state("e1"), {article("a"), article("b")},
                                {alert("w:a"), alert("w:b")}, kT0),
              2u);
    const auto due = store.outbox().due("ops", kT0, 10);
    ASSERT_EQ(due.size(), 2u);
    store.outbox().mark_delivered(due[0].id, kT0);
  }
  StateStore store(file);
  EXPECT_EQ(store.feeds().feed_state(kFeed).etag, "e1");
  EXPECT_EQ(store.articles().seen_count(), 2u);
  EXPECT_THAT(store.articles().unseen(kFeed, {"a", "b", "c"}), ElementsAre("c"));
  EXPECT_EQ(store.outbox().pending_count(), 1u);
  EXPECT_EQ(store.outbox().delivered_count(), 1u);
  EXPECT_THAT(alert_ids(store.outbox().due("ops", kT0, 10)), ElementsAre("w:b"));
  // Neither the delivered nor the pending alert comes back after the restart.
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e2"), {}, {alert("w:a"), alert("w:b")}, kT0 + 1min), 0u);
}

TEST(StateStore, UnseenKeepsInputOrderAndIsPerFeed) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {article("2"), article("4")}, {}, kT0);
  EXPECT_THAT(store.articles().unseen(kFeed, {"5", "4", "3", "2", "1"}), ElementsAre("5", "3", "1"));
  EXPECT_THAT(store.articles().unseen("https://other.example/feed", {"2", "4"}), ElementsAre("2", "4"));
  EXPECT_THAT(store.articles().unseen(kFeed, {}), IsEmpty());
}

TEST(StateStore, UnseenHandlesABatchOfAHundredIds) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  std::vector<SeenArticle> seen;
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ids.push_back("id-" + std::to_string(i));
    if (i % 3 == 0) seen.push_back(article(ids.back()));
  }
  store.commit_poll(kFeed, ok_state("e"), seen, {}, kT0);
  const auto fresh = store.articles().unseen(kFeed, ids);
  EXPECT_EQ(fresh.size(), 66u);
  for (const auto& id : fresh) EXPECT_NE(std::stoi(id.substr(3)) % 3, 0) << id;
}

TEST(StateStore, CommitPollRecordsArticlesOnceAndCountsAddedAlerts) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e"), {article("a"), article("a")},
                              {alert("w:a", "ops"), alert("w:a", "slack"), alert("w:a", "ops")}, kT0),
            2u);
  EXPECT_EQ(store.articles().seen_count(), 1u);
  EXPECT_EQ(store.outbox().pending_count(), 2u);
}

TEST(StateStore, SameAlertFromTwoFeedsIsStoredOnce) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  const std::string other = "https://mirror.example/feed.xml";
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e"), {article("story")}, {alert("w:story")}, kT0), 1u);
  EXPECT_EQ(store.commit_poll(other, ok_state("e"), {article("story", other)}, {alert("w:story")}, kT0), 0u);
  EXPECT_EQ(store.articles().seen_count(), 2u);   // seen in each feed
  EXPECT_EQ(store.outbox().pending_count(), 1u);
  EXPECT_THAT(store.articles().unseen(other, {"story"}), IsEmpty());
}

TEST(StateStore, DeliveredAlertIsNeverEnqueuedAgain) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("w:a")}, kT0);
  const auto due = store.outbox().due("ops", kT0, 10);
  ASSERT_EQ(due.size(), 1u);
  store.outbox().mark_delivered(due[0].id, kT0 + 1s);
  EXPECT_EQ(store.outbox().pending_count(), 0u);
  EXPECT_EQ(store.outbox().delivered_count(), 1u);
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e2"), {}, {alert("w:a")}, kT0 + 1h), 0u);
  EXPECT_EQ(store.outbox().pending_count(), 0u);
  // The same alert for another webhook is a different delivery.
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e3"), {}, {alert("w:a", "slack")}, kT0 + 1h), 1u);
}

TEST(StateStore, CommitPollIsAllOrNothing) {
  TempDir dir;
  const auto file = dir.file("state.db");
  StateStore store(file);
  store.commit_poll(kFeed, ok_state("old"), {article("a")}, {alert("w:a")}, kT0);
  // Sabotage the last statement of commit_poll from a second connection.
  Database(file).exec(
      "CREATE TRIGGER poison BEFORE INSERT ON outbox WHEN NEW.alert_id = 'poison' "
      "BEGIN SELECT RAISE(ABORT, 'poisoned alert'); END");
  EXPECT_THROW(store.commit_poll(kFeed, ok_state("new"), {article("b"), article("c")},
                                 {alert("w:b"), alert("poison")}, kT0 + 1min),
               std::runtime_error);
  EXPECT_EQ(store.feeds().feed_state(kFeed).etag, "old");
  EXPECT_THAT(store.articles().unseen(kFeed, {"a", "b", "c"}), ElementsAre("b", "c"));
  EXPECT_EQ(store.outbox().pending_count(), 1u);
  // The store stays usable after the failure.
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("new"), {article("b")}, {alert("w:b")}, kT0 + 2min), 1u);
}

TEST(StateStore, RetryThenDeadLetter) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("w:a")}, kT0);
  auto due = store.outbox().due("ops", kT0, 10);
  ASSERT_EQ(due.size(), 1u);
  const auto id = due[0].id;
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].created, kT0);
  EXPECT_EQ(due[0].next_attempt, kT0);
  EXPECT_EQ(due[0].payload, R"({"id":"w:a"})");
  EXPECT_EQ(due[0].watchlist, "iran-israel");

  store.outbox().mark_retry(id, kT0 + 5s, "HTTP 503");
  EXPECT_THAT(store.outbox().due("ops", kT0 + 4s, 10), IsEmpty());
  EXPECT_EQ(store.outbox().next_due("ops"), kT0 + 5s);
  due = store.outbox().due("ops", kT0 + 5s, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].last_error, "HTTP 503");

  store.outbox().mark_retry(id, kT0 + 5min, "timeout");
  EXPECT_EQ(store.outbox().due("ops", kT0 + 5min, 10).at(0).attempts, 2);
  store.outbox().mark_dead(id, "HTTP 410", kT0 + 6min);

  EXPECT_EQ(store.outbox().pending_count(), 0u);
  EXPECT_EQ(store.outbox().delivered_count(), 0u);
  EXPECT_EQ(store.outbox().next_due("ops"), std::nullopt);
  const auto dead = store.outbox().dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, id);
  EXPECT_EQ(dead[0].alert_id, "w:a");
  EXPECT_EQ(dead[0].webhook, "ops");
  EXPECT_EQ(dead[0].watchlist, "iran-israel");
  EXPECT_EQ(dead[0].payload, R"({"id":"w:a"})");
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].created, kT0);
  EXPECT_EQ(dead[0].failed, kT0 + 6min);
  EXPECT_EQ(dead[0].last_error, "HTTP 410");
  // A dead alert is final too.
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("e2"), {}, {alert("w:a")}, kT0 + 1h), 0u);
}

TEST(StateStore, MarkingAnUnknownIdChangesNothing) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {}, {alert("w:a")}, kT0);
  store.outbox().mark_delivered(999, kT0);
  store.outbox().mark_dead(999, "x", kT0);
  store.outbox().mark_retry(999, kT0 + 1h, "x");
  EXPECT_EQ(store.outbox().pending_count(), 1u);
  EXPECT_EQ(store.outbox().delivered_count(), 0u);
  EXPECT_THAT(store.outbox().dead_letters(), IsEmpty());
  EXPECT_EQ(store.outbox().due("ops", kT0, 10).at(0).attempts, 0);
}

TEST(StateStore, MakePendingDueBringsEveryRetryForwardOnce) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {}, {alert("1"), alert("2")}, kT0);
  for (const auto& item : store.outbox().due("ops", kT0, 10)) store.outbox().mark_retry(item.id, kT0 + 1h, "HTTP 503");
  EXPECT_THAT(store.outbox().due("ops", kT0 + 1s, 10), IsEmpty());
  EXPECT_EQ(store.outbox().make_pending_due(kT0 + 1s), 2u);
  const auto due = store.outbox().due("ops", kT0 + 1s, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].attempts, 1);   // the attempt count, and so the rest of the schedule, is kept
  EXPECT_EQ(store.outbox().make_pending_due(kT0 + 1s), 0u);
}

TEST(StateStore, DueIsPerWebhookOrderedAndLimited) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {}, {alert("1"), alert("2"), alert("x", "slack")}, kT0);
  store.commit_poll(kFeed, ok_state("e"), {}, {alert("3")}, kT0 + 1s);
  store.commit_poll(kFeed, ok_state("e"), {}, {alert("4")}, kT0 + 2s);
  EXPECT_EQ(store.outbox().next_due("ops"), kT0);
  EXPECT_EQ(store.outbox().next_due("slack"), kT0);
  EXPECT_EQ(store.outbox().next_due("nobody"), std::nullopt);

  EXPECT_THAT(alert_ids(store.outbox().due("ops", kT0 + 10s, 10)), ElementsAre("1", "2", "3", "4"));
  EXPECT_THAT(alert_ids(store.outbox().due("ops", kT0 + 1s, 10)), ElementsAre("1", "2", "3"));
  EXPECT_THAT(alert_ids(store.outbox().due("ops", kT0 + 10s, 2)), ElementsAre("1", "2"));
  EXPECT_THAT(alert_ids(store.outbox().due("slack", kT0 + 10s, 10)), ElementsAre("x"));

  // A retried entry moves behind those that became due before it.
  const auto first = store.outbox().due("ops", kT0, 1).at(0);
  store.outbox().mark_retry(first.id, kT0 + 1500ms, "HTTP 500");
  EXPECT_THAT(alert_ids(store.outbox().due("ops", kT0 + 10s, 10)), ElementsAre("2", "3", "1", "4"));
  EXPECT_EQ(store.outbox().next_due("ops"), kT0);
  EXPECT_EQ(store.outbox().pending_count(), 5u);
}

TEST(StateStore, SecondConnectionSeesCommittedData) {
  TempDir dir;
  const auto file = dir.file("state.db");
  StateStore daemon(file);
  StateStore status(file);   // e.g. an admin command reading while the daemon runs
  EXPECT_EQ(status.outbox().pending_count(), 0u);
  daemon.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("w:a")}, kT0);
  EXPECT_EQ(status.outbox().pending_count(), 1u);
  EXPECT_EQ(status.feeds().feed_state(kFeed).etag, "e");
  EXPECT_THAT(status.articles().unseen(kFeed, {"a", "b"}), ElementsAre("b"));

  // A reader is not blocked by an open write transaction and does not see its rows.
  Database raw(file);
  {
    Transaction tx(raw);
    raw.exec("DELETE FROM outbox");
    EXPECT_EQ(status.outbox().pending_count(), 1u);
  }
  EXPECT_EQ(status.outbox().pending_count(), 1u);
}

// A child process commits polls in a loop and is killed with SIGKILL mid-way. Every commit is
// either wholly there or wholly absent: each recorded article has its alert, and vice versa.
TEST(StateStore, SurvivesAKillDuringCommits) {
  TempDir dir;
  const auto file = dir.file("state.db");
  constexpr int kPerPoll = 5;
  { StateStore store(file); }   // create the schema before the race starts

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);   // it commits forever: it must not outlive the test process
    try {
      StateStore store(file);
      for (int poll = 0;; ++poll) {
        std::vector<SeenArticle> articles;
        std::vector<OutboxEntry> alerts;
        for (int i = 0; i < kPerPoll; ++i) {
          const auto id = std::to_string(poll) + "-" + std::to_string(i);
          articles.push_back(article(id));
          alerts.push_back(alert("w:" + id));
          alerts.push_back(alert("w:" + id, "slack"));
        }
        store.commit_poll(kFeed, ok_state(std::to_string(poll)), articles, alerts, kT0 + Millis(poll));
      }
    } catch (...) {
      ::_exit(1);
    }
  }

  // Killed however the test ends (an assertion that fails below returns early).
  struct KillOnExit {
    pid_t pid;
    ~KillOnExit() {
      if (pid <= 0) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } guard{child};

  // Let it get well into the loop, then kill it wherever it is.
  {
    StateStore watcher(file);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (watcher.articles().seen_count() < 20 * kPerPoll && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(7ms);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  guard.pid = 0;
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped on its own, status " << status;
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  StateStore store(file);
  EXPECT_EQ(store.integrity_check(), "ok");
  const auto seen = store.articles().seen_count();
  ASSERT_GE(seen, 20u * kPerPoll);
  EXPECT_EQ(seen % kPerPoll, 0u) << "a poll was half recorded";
  EXPECT_EQ(store.outbox().pending_count(), 2 * seen);
  // The feed state is that of the last complete poll.
  const auto polls = static_cast<int>(seen / kPerPoll);
  EXPECT_EQ(store.feeds().feed_state(kFeed).etag, std::to_string(polls - 1));

  Database db(file, Database::OpenMode::ReadOnly);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
                           "(SELECT 1 FROM outbox o WHERE o.alert_id = 'w:' || a.article_id)"),
            0);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS "
                           "(SELECT 1 FROM articles a WHERE o.alert_id = 'w:' || a.article_id)"),
            0);
  // And the store carries on where the killed process stopped.
  EXPECT_THAT(store.articles().unseen(kFeed, {std::to_string(polls - 1) + "-0", std::to_string(polls) + "-0"}),
              ElementsAre(std::to_string(polls) + "-0"));
}

TEST(StateStore, MigratesAVersionOneDatabaseKeepingItsOutbox) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    store.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("na_a")}, kT0);
  }
  {
    Database db(file);
    downgrade_to_version_one(db);
  }
  StateStore store(file);
  EXPECT_EQ(store.outbox().pending_count(), 1u);
  EXPECT_FALSE(store.outbox().disabled_endpoint("ops"));
  EXPECT_TRUE(store.stories().held_stories().empty());
}

TEST(StateStore, RetryingADeadLetterRequeuesItFromScratchAndEnablesItsWebhook) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("na_a"), alert("na_b")}, kT0);
  for (const auto& d : store.outbox().due("ops", kT0, 10)) {
    store.outbox().mark_retry(d.id, kT0, "HTTP 500");
    store.outbox().mark_dead(d.id, "HTTP 500", kT0 + 1h);
  }
  store.outbox().disable_endpoint("ops", "http://x/", "HTTP 410 Gone", kT0);
  const auto letters = store.outbox().dead_letters();
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].attempts, 2);

  EXPECT_TRUE(store.outbox().retry_dead_letter(letters[0].id, kT0 + 2h));
  EXPECT_FALSE(store.outbox().retry_dead_letter(letters[0].id, kT0 + 2h));   // gone from dead letters
  EXPECT_FALSE(store.outbox().disabled_endpoint("ops"));
  EXPECT_EQ(store.outbox().dead_letters().size(), 1u);
  const auto due = store.outbox().due("ops", kT0 + 2h, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].alert_id, letters[0].alert_id);
  EXPECT_EQ(due[0].attempts, 0);
  // Delivered now, it is remembered as delivered and never enqueued again.
  store.outbox().mark_delivered(due[0].id, kT0 + 2h);
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("f"), {}, {alert(letters[0].alert_id)}, kT0 + 3h), 0u);
  EXPECT_EQ(store.outbox().delivered_count(), 1u);
}

TEST(StateStore, RetryAllAndPurge) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("e"), {article("a")}, {alert("na_a"), alert("na_b"), alert("na_c")}, kT0);
  for (const auto& d : store.outbox().due("ops", kT0, 10)) store.outbox().mark_dead(d.id, "HTTP 400", kT0);
  ASSERT_EQ(store.outbox().dead_letters().size(), 3u);
  EXPECT_EQ(store.outbox().retry_all_dead_letters(kT0 + 1h), 3u);
  EXPECT_EQ(store.outbox().pending_count(), 3u);
  EXPECT_TRUE(store.outbox().dead_letters().empty());
  for (const auto& d : store.outbox().due("ops", kT0 + 1h, 10)) store.outbox().mark_dead(d.id, "HTTP 400", kT0 + 1h);
  EXPECT_EQ(store.outbox().purge_dead_letters(), 3u);
  EXPECT_TRUE(store.outbox().dead_letters().empty());
  // A purged alert stays finished: the same story polled again is not re-sent.
  EXPECT_EQ(store.commit_poll(kFeed, ok_state("g"), {}, {alert("na_a")}, kT0 + 2h), 0u);
}

TEST(StateStore, DisabledEndpointsRoundTrip) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.outbox().disable_endpoint("ops", "https://hooks.example/x", "HTTP 410 Gone", kT0);
  const auto disabled = store.outbox().disabled_endpoint("ops");
  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->url, "https://hooks.example/x");
  EXPECT_EQ(disabled->reason, "HTTP 410 Gone");
  EXPECT_EQ(disabled->since, kT0);
  EXPECT_EQ(store.outbox().disabled_endpoints().size(), 1u);
  EXPECT_TRUE(store.outbox().enable_endpoint("ops"));
  EXPECT_FALSE(store.outbox().enable_endpoint("ops"));
  EXPECT_TRUE(store.outbox().disabled_endpoints().empty());
}

TEST(StateStore, StoriesRecordCopiesOnceAndDigestsTakeHeldStories) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  Story s;
  s.watchlist = "w";
  s.alert_id = "na_s1";
  s.simhash = 0xF0F0F0F0F0F0F0F0ull;
  s.has_simhash = true;
  s.first_seen = kT0;
  s.state = StoryState::held;
  s.payload = R"({"id":"na_s1"})";
  EXPECT_TRUE(store.stories().add_story(s));
  EXPECT_FALSE(store.stories().add_story(s));
  const auto read = store.stories().story("na_s1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->simhash, 0xF0F0F0F0F0F0F0F0ull);   // the full 64 bits survive the signed column
  EXPECT_EQ(store.stories().stories_since("w", kT0).size(), 1u);
  EXPECT_TRUE(store.stories().stories_since("w", kT0 + 1s).empty());

  const StoryCopy copy{"http://b/rss", "7", "https://b/7", "Copy", kT0 + 1min};
  EXPECT_TRUE(store.stories().add_story_copy("na_s1", copy));
  EXPECT_FALSE(store.stories().add_story_copy("na_s1", copy));
  EXPECT_EQ(store.stories().story("na_s1")->copies, 1);

  ASSERT_EQ(store.stories().held_stories("w").size(), 1u);
  EXPECT_EQ(store.stories().alerted_since("w", kT0 - 1h), 0u);
  store.commit_digest({read->id}, {OutboxEntry{"na_digest", "ops", "w", "{}"}}, kT0 + 1h);
  EXPECT_TRUE(store.stories().held_stories().empty());
  EXPECT_EQ(store.stories().story("na_s1")->state, StoryState::digested);
  EXPECT_EQ(store.outbox().pending_count("ops"), 1u);
}

TEST(StateStore, TheStoryGatesFingerprintScanReadsTheIndexAloneOldestFirst) {
  TempDir dir;
  const auto file = dir.file("state.db");
  StateStore store(file);
  Story s;
  s.watchlist = "w";
  s.has_simhash = true;
  s.payload = std::string(4000, 'x');   // a whole alert, which the scan must not read
  for (const auto& [id, seen, simhash] : {std::tuple{"b", kT0 + 1s, 2ull}, {"a", kT0 + 1s, 1ull}, {"c", kT0, 3ull},
                                           {"old", kT0 - 1h, 4ull}}) {
    s.alert_id = id;
    s.first_seen = seen;
    s.simhash = simhash;
    ASSERT_TRUE(store.stories().add_story(s));
  }
  s.alert_id = "no-fingerprint";
  s.has_simhash = false;
  ASSERT_TRUE(store.stories().add_story(s));
  s.watchlist = "other";
  s.alert_id = "other";
  s.has_simhash = true;
  ASSERT_TRUE(store.stories().add_story(s));

  using Print = std::pair<std::uint64_t, std::string>;
  EXPECT_EQ(store.stories().fingerprints_since("w", kT0),
            (std::vector<Print>{{3, "c"}, {2, "b"}, {1, "a"}}));   // by first seen, then as added

  Database db(file);
  Statement plan(db, "EXPLAIN QUERY PLAN " + std::string(StoryStore::kFingerprintsQuery));
  std::string steps;
  while (plan.step()) steps += plan.column_text(3) + "\n";
  EXPECT_THAT(steps, HasSubstr("COVERING INDEX stories_watchlist_seen_fingerprints"));
  EXPECT_THAT(steps, Not(HasSubstr("TEMP B-TREE")));   // read in index order, not sorted afterwards
}

TEST(StateStore, RetentionPrunesOldArticlesDeliveriesAndStoriesButKeepsPendingOnes) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  // Two old articles seen 40 days ago, one recent.
  const TimePoint old_time = kT0 - 40 * 24h;
  store.commit_poll(kFeed, ok_state("\"a\""), {article("old-1"), article("old-2")}, {alert("old-alert"), alert("old-pending")},
                    old_time);
  store.commit_poll(kFeed, ok_state("\"b\""), {article("new-1")}, {alert("new-alert")}, kT0);
  // One old alert reached its end (a delivery record from 40 days ago); one is still pending.
  for (const auto& d : store.outbox().due("ops", kT0, 10))
    if (d.alert_id == "old-alert") store.outbox().mark_delivered(d.id, old_time);
  Story old_story;
  old_story.watchlist = "w";
  old_story.alert_id = "old-alert";
  old_story.first_seen = old_time;
  ASSERT_TRUE(store.stories().add_story(old_story));
  Story held = old_story;
  held.alert_id = "held-story";
  held.state = StoryState::held;
  ASSERT_TRUE(store.stories().add_story(held));
  Story pending_story = old_story;
  pending_story.alert_id = "old-pending";
  ASSERT_TRUE(store.stories().add_story(pending_story));
  ASSERT_TRUE(store.stories().add_story_copy("old-alert", {kFeed, "copy", "l", "t", old_time}));

  const PruneCounts removed = store.prune(kT0 - 30 * 24h, 1000);
  EXPECT_EQ(removed.articles, 2u);
  EXPECT_EQ(removed.deliveries, 1u);
  EXPECT_EQ(removed.stories, 1u);   // not the held one, not the one whose alert is pending
  EXPECT_EQ(removed.story_copies, 1u);
  EXPECT_EQ(store.articles().seen_count(), 1u);
  EXPECT_THAT(store.articles().unseen(kFeed, {"old-1", "old-2", "new-1"}), ElementsAre("old-1", "old-2"));
  EXPECT_EQ(store.outbox().pending_count(), 2u);   // old-pending and new-alert stay in the outbox
  EXPECT_FALSE(store.stories().story("old-alert").has_value());
  EXPECT_TRUE(store.stories().story("held-story").has_value());
  EXPECT_TRUE(store.stories().story("old-pending").has_value());
  // Nothing else is old enough.
  EXPECT_EQ(store.prune(kT0 - 30 * 24h, 1000).total(), 0u);
}

TEST(StateStore, RetentionRemovesALargeBacklogInBatches) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  std::vector<SeenArticle> many;
  for (int i = 0; i < 25; ++i) many.push_back(article("a" + std::to_string(i)));
  store.commit_poll(kFeed, ok_state("\"a\""), many, {}, kT0 - 40 * 24h);
  EXPECT_EQ(store.prune(kT0, 10).articles, 10u);
  EXPECT_EQ(store.prune(kT0, 10).articles, 10u);
  EXPECT_EQ(store.prune(kT0, 10).articles, 5u);
  EXPECT_EQ(store.articles().seen_count(), 0u);
}

TEST(StateStore, AnArticleStillInItsFeedIsRefreshedAndOutlivesTheRetention) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  store.commit_poll(kFeed, ok_state("\"a\""), {article("evergreen"), article("gone")}, {}, kT0 - 20 * 24h);
  // 20 days later the feed still lists "evergreen": its record is older than half the retention.
  std::vector<std::string> stale;
  EXPECT_THAT(store.articles().unseen(kFeed, {"evergreen"}, kT0 - 15 * 24h, &stale), IsEmpty());
  EXPECT_THAT(stale, ElementsAre("evergreen"));
  store.commit_poll(kFeed, ok_state("\"b\""), {}, {}, kT0, stale);
  stale.clear();
  EXPECT_THAT(store.articles().unseen(kFeed, {"evergreen"}, kT0 - 15 * 24h, &stale), IsEmpty());
  EXPECT_THAT(stale, IsEmpty());
  // 30-day retention, 15 days on: "gone" goes, "evergreen" stays recorded, so it is never new again.
  store.prune(kT0 + 15 * 24h - 30 * 24h, 100);
  EXPECT_THAT(store.articles().unseen(kFeed, {"evergreen", "gone"}), ElementsAre("gone"));
}

TEST(StateStore, SavesFeedStatesOfManyPollsInOneBatch) {
  TempDir dir;
  StateStore store(dir.file("state.db"));
  std::vector<std::pair<std::string, FeedState>> batch;
  for (int i = 0; i < 3; ++i) batch.emplace_back("https://example.org/" + std::to_string(i), ok_state(std::to_string(i)));
  store.feeds().save_feed_states(batch);
  EXPECT_EQ(store.feeds().feed_state("https://example.org/2").etag, "2");
  EXPECT_EQ(store.feeds().feed_state("https://example.org/0").last_success, kT0);
}

TEST(StateStore, KeepsWebSubSubscriptions) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    StateStore store(file);
    WebSubSubscription sub;
    sub.feed_url = kFeed;
    sub.hub = "https://hub.example/";
    sub.topic = "https://example.org/rss.xml";
    sub.token = "t0k";
    sub.secret = "s3cret";
    sub.state = WebSubState::active;
    sub.lease = 3600s;
    sub.expires = kT0 + 1h;
    sub.updated = kT0;
    store.websub().save(sub);
    sub.feed_url = "https://other.example/feed";
    sub.token = "t1";
    sub.state = WebSubState::failed;
    sub.lease.reset();
    sub.expires.reset();
    sub.last_error = "HTTP 500";
    store.websub().save(sub);
  }
  StateStore store(file);
  auto subs = store.websub().all();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].feed_url, kFeed);   // in URL order
  EXPECT_EQ(subs[0].state, WebSubState::active);
  EXPECT_EQ(subs[0].secret, "s3cret");
  EXPECT_EQ(subs[0].lease, Millis(3'600'000));
  EXPECT_EQ(subs[0].expires, kT0 + 1h);
  EXPECT_EQ(subs[1].state, WebSubState::failed);
  EXPECT_EQ(subs[1].expires, std::nullopt);
  EXPECT_EQ(subs[1].last_error, "HTTP 500");
  store.websub().remove(kFeed);
  EXPECT_EQ(store.websub().all().size(), 1u);
}

TEST(StateStore, KeepsTheTextOfEntriesThatCarryItNewestFirstUntilPruned) {
  TempDir dir;
  StateStore store(StateStore::default_file(dir.path()));
  Article full;
  full.feed_title = "Wire";
  full.title = "Hezbollah fires rockets";
  full.link = "https://example.org/a";
  full.summary = "From southern Lebanon.";
  full.content = "The whole story.";
  full.categories = {"World", "Middle East"};
  SeenArticle with_text = article("a");
  with_text.text = &full;
  store.commit_poll(kFeed, ok_state("e1"), {with_text, article("b")}, {}, kT0);
  Article later = full;
  later.title = "Later";
  SeenArticle second = article("c");
  second.text = &later;
  store.commit_poll(kFeed, ok_state("e2"), {second}, {}, kT0 + 1h);

  const auto texts = store.articles().recent_texts(kT0 - 1h, 10);
  ASSERT_EQ(texts.size(), 2u);   // "b" came without its text
  EXPECT_EQ(texts[0].title, "Later");
  EXPECT_EQ(texts[1].id, "a");
  EXPECT_EQ(texts[1].feed_url, kFeed);
  EXPECT_EQ(texts[1].summary, "From southern Lebanon.");
  EXPECT_EQ(texts[1].content, "The whole story.");
  EXPECT_EQ(texts[1].categories, (std::vector<std::string>{"World", "Middle East"}));
  EXPECT_EQ(store.articles().recent_texts(kT0 + 30min, 10).size(), 1u);
  EXPECT_EQ(store.articles().recent_texts(kT0 - 1h, 1).size(), 1u);

  EXPECT_EQ(store.prune_texts(kT0 + 30min, 100), 1u);
  EXPECT_EQ(store.articles().recent_texts(kT0 - 1h, 10).size(), 1u);
  EXPECT_EQ(store.articles().seen_count(), 3u);   // the seen records stay for their own retention
}
