// Changesets captured by SQLite's session extension on one real database file, applied to another.
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "store/changeset_applier.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>

using namespace newsalert::store;
using newsalert::store::test::TempDir;

namespace {

constexpr const char* kSchema =
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY, alert TEXT NOT NULL, attempts INTEGER, note TEXT);"
    "CREATE TABLE feeds (url TEXT PRIMARY KEY, etag TEXT, polled REAL)";

// What `change` does to `db`, as a changeset.
std::string capture(Database& db, const std::function<void()>& change) {
  sqlite3_session* raw = nullptr;
  EXPECT_EQ(sqlite3session_create(db.handle(), "main", &raw), SQLITE_OK);
  const std::unique_ptr<sqlite3_session, void (*)(sqlite3_session*)> session(raw, sqlite3session_delete);
  EXPECT_EQ(sqlite3session_attach(raw, nullptr), SQLITE_OK);
  change();
  int size = 0;
  void* data = nullptr;
  EXPECT_EQ(sqlite3session_changeset(raw, &size, &data), SQLITE_OK);
  std::string out(static_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  return out;
}

std::string dump(Database& db) {
  std::string out;
  Statement rows(db, "SELECT id, alert, attempts, note FROM outbox ORDER BY id");
  while (rows.step())
    out += std::to_string(rows.column_int64(0)) + "|" + rows.column_text(1) + "|" +
           (rows.column_is_null(2) ? "null" : std::to_string(rows.column_int64(2))) + "|" + rows.column_text(3) + ";";
  Statement feeds(db, "SELECT url, etag, polled FROM feeds ORDER BY url");
  while (feeds.step()) out += feeds.column_text(0) + "|" + feeds.column_text(1) + "|" + feeds.column_text(2) + ";";
  return out;
}

struct Pair {
  TempDir dir;
  Database from{dir.file("from.db")};
  Database to{dir.file("to.db")};
  Pair() {
    from.exec(kSchema);
    to.exec(kSchema);
    const char* rows =
        "INSERT INTO outbox VALUES (1, 'a', 0, 'x'), (2, 'b', 1, NULL);"
        "INSERT INTO feeds VALUES ('http://f/1', 'e1', 1.5)";
    from.exec(rows);
    to.exec(rows);
  }
  ChangesetResult apply(const std::string& changeset) {
    ChangesetApplier applier(to);
    Transaction tx(to);
    auto result = applier.apply(changeset);
    tx.commit();
    return result;
  }
};

}  // namespace

TEST(ChangesetApplier, InsertsUpdatesAndDeletesReachTheOtherDatabase) {
  Pair p;
  const auto changeset = capture(p.from, [&] {
    p.from.exec("INSERT INTO outbox VALUES (3, 'c', NULL, 'new')");
    p.from.exec("UPDATE outbox SET attempts = 2, note = NULL WHERE id = 1");
    p.from.exec("DELETE FROM outbox WHERE id = 2");
    p.from.exec("UPDATE feeds SET etag = 'e2', polled = 2.25 WHERE url = 'http://f/1'");
    p.from.exec("INSERT INTO feeds VALUES ('http://f/2', NULL, NULL)");
  });
  const auto result = p.apply(changeset);
  EXPECT_TRUE(result.applied) << result.conflict;
  EXPECT_TRUE(result.outbox);
  EXPECT_EQ(dump(p.to), dump(p.from));
}

TEST(ChangesetApplier, ARowThatDiffersFromWhatTheChangeExpectedAppliesNothingOfIt) {
  Pair p;
  const auto changeset = capture(p.from, [&] {
    p.from.exec("INSERT INTO outbox VALUES (3, 'c', 0, '')");
    p.from.exec("UPDATE feeds SET etag = 'e2' WHERE url = 'http://f/1'");
  });
  p.to.exec("UPDATE feeds SET etag = 'other' WHERE url = 'http://f/1'");
  const std::string before = dump(p.to);
  const auto result = p.apply(changeset);
  EXPECT_FALSE(result.applied);
  EXPECT_NE(result.conflict.find("table feeds"), std::string::npos) << result.conflict;
  EXPECT_EQ(dump(p.to), before) << "the outbox row of the same changeset stays out";
}

TEST(ChangesetApplier, AnInsertOfARowThatExistsOrADeleteOfOneThatDoesNotIsAConflict) {
  Pair p;
  const auto insert = capture(p.from, [&] { p.from.exec("INSERT INTO outbox VALUES (3, 'c', 0, '')"); });
  const auto remove = capture(p.from, [&] { p.from.exec("DELETE FROM outbox WHERE id = 1"); });
  p.to.exec("INSERT INTO outbox VALUES (3, 'mine', 0, '')");
  p.to.exec("DELETE FROM outbox WHERE id = 1");
  const auto inserted = p.apply(insert);
  EXPECT_FALSE(inserted.applied);
  EXPECT_NE(inserted.conflict.find("exists already"), std::string::npos) << inserted.conflict;
  const auto removed = p.apply(remove);
  EXPECT_FALSE(removed.applied);
  EXPECT_NE(removed.conflict.find("missing"), std::string::npos) << removed.conflict;
}

TEST(ChangesetApplier, ARowDeletedAndPutBackAsItWasInCombinedEntriesChangesNothing) {
  Pair p;
  const auto removed = capture(p.from, [&] { p.from.exec("DELETE FROM outbox WHERE id = 1"); });
  const auto restored = capture(p.from, [&] { p.from.exec("INSERT INTO outbox VALUES (1, 'a', 0, 'x')"); });
  sqlite3_changegroup* raw = nullptr;
  ASSERT_EQ(sqlite3changegroup_new(&raw), SQLITE_OK);
  const std::unique_ptr<sqlite3_changegroup, void (*)(sqlite3_changegroup*)> group(raw, sqlite3changegroup_delete);
  for (const auto* part : {&removed, &restored})
    ASSERT_EQ(sqlite3changegroup_add(raw, static_cast<int>(part->size()), const_cast<char*>(part->data())), SQLITE_OK);
  int size = 0;
  void* data = nullptr;
  ASSERT_EQ(sqlite3changegroup_output(raw, &size, &data), SQLITE_OK);
  const std::string combined(static_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  const std::string before = dump(p.to);
  const auto result = p.apply(combined);
  EXPECT_TRUE(result.applied) << result.conflict;
  EXPECT_EQ(dump(p.to), before);
}
