// The sqlite3 wrapper on real database files.
#include "store/database.hpp"

#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

using namespace newsalert::store;
using newsalert::store::test::TempDir;
using ::testing::HasSubstr;

namespace {

std::int64_t count_rows(Database& db, const std::string& table) {
  return db.query_int64("SELECT COUNT(*) FROM " + table);
}

}  // namespace

TEST(Database, CreatesTheFileAndRoundTripsValues) {
  TempDir dir;
  const auto file = dir.file("a.db");
  {
    Database db(file);
    db.exec("CREATE TABLE t (i INTEGER, s TEXT, n INTEGER)");
    auto insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3)");
    insert.bind_all(std::int64_t{1} << 40, std::string("h\0llo", 5), nullptr).run();
    insert.bind_all(-7, "", std::optional<std::int64_t>(3)).run();
    EXPECT_EQ(db.last_insert_rowid(), 2);
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  Database db(file, Database::OpenMode::ReadOnly);
  auto select = db.prepare("SELECT i, s, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int64(0), std::int64_t{1} << 40);
  EXPECT_EQ(select.column_text(1), std::string("h\0llo", 5));
  EXPECT_TRUE(select.column_is_null(2));
  EXPECT_EQ(select.column_optional_int64(2), std::nullopt);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), -7);
  EXPECT_FALSE(select.column_is_null(1));   // "" is bound as text, not NULL
  EXPECT_EQ(select.column_text(1), "");
  EXPECT_EQ(select.column_optional_int64(2), 3);
  EXPECT_FALSE(select.step());
}

TEST(Database, OpeningAMissingFileWithoutCreateNamesTheFile) {
  TempDir dir;
  const auto file = dir.file("missing.db");
  try {
    Database db(file, Database::OpenMode::ReadWrite);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
    EXPECT_THAT(e.what(), HasSubstr("unable to open"));
  }
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(Database, ErrorsCarryThePathAndSqliteMessage) {
  TempDir dir;
  Database db(dir.file("a.db"));
  try {
    db.exec("SELECT * FROM no_such_table");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir.file("a.db").string()));
    EXPECT_THAT(e.what(), HasSubstr("no such table: no_such_table"));
  }
  EXPECT_THROW(db.prepare("SELEC 1"), std::runtime_error);
}

TEST(Database, ForeignKeysAreEnforced) {
  Database db(":memory:");
  EXPECT_EQ(db.query_int64("PRAGMA foreign_keys"), 1);
  db.exec("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id))");
  EXPECT_THROW(db.exec("INSERT INTO c VALUES (42)"), std::runtime_error);
}

TEST(Database, StepReportsConstraintViolationsAndStaysUsable) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  auto insert = db.prepare("INSERT INTO t VALUES (?1)");
  insert.bind(1, "a").run();
  try {
    insert.bind(1, "a").run();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("UNIQUE constraint failed"));
  }
  insert.bind(1, "b").run();   // the statement was reset after the failure
  EXPECT_EQ(count_rows(db, "t"), 2);
}

TEST(Database, CachedStatementsAreReusedAndResetAfterEachUse) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (k INTEGER)");
  const std::string sql = "INSERT INTO t VALUES (?1)";
  const void* first = nullptr;
  for (int i = 0; i < 3; ++i) {
    auto stmt = db.cached(sql);
    if (first == nullptr) first = stmt->handle();
    EXPECT_EQ(stmt->handle(), first);
    stmt->bind(1, i).run();
  }
  {
    // Left mid-way on purpose: the lease must still reset it, or the next use would resume here.
    auto stmt = db.cached("SELECT k FROM t ORDER BY k");
    ASSERT_TRUE(stmt->step());
  }
  auto stmt = db.cached("SELECT k FROM t ORDER BY k");
  ASSERT_TRUE(stmt->step());
  EXPECT_EQ(stmt->column_int(0), 0);
}

TEST(Transaction, RollsBackEverythingWhenAStatementFails) {
  TempDir dir;
  Database db(dir.file("a.db"));
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  db.exec("INSERT INTO t VALUES ('before')");
  EXPECT_THROW(
      {
        Transaction tx(db);
        db.prepare("INSERT INTO t VALUES (?1)").bind(1, "one").run();
        db.prepare("INSERT INTO t VALUES (?1)").bind(1, "two").run();
        db.prepare("INSERT INTO t VALUES (?1)").bind(1, "before").run();   // duplicate: throws
        tx.commit();
      },
      std::runtime_error);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(count_rows(db, "t"), 1);
  // A fresh connection sees the same thing: nothing of the failed transaction reached the file.
  Database other(dir.file("a.db"));
  EXPECT_EQ(count_rows(other, "t"), 1);
}

TEST(Transaction, CommitMakesChangesVisibleToOtherConnections) {
  TempDir dir;
  Database writer(dir.file("a.db"));
  writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER)");
  Database reader(dir.file("a.db"));
  {
    Transaction tx(writer);
    writer.exec("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(writer.in_transaction());
    EXPECT_EQ(count_rows(reader, "t"), 0);   // WAL: the reader is not blocked, and sees no dirty rows
    tx.commit();
  }
  EXPECT_FALSE(writer.in_transaction());
  EXPECT_EQ(count_rows(reader, "t"), 1);
}

TEST(Transaction, DestructionWithoutCommitRollsBack) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (k INTEGER)");
  {
    Transaction tx(db, Transaction::Kind::Deferred);
    db.exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(count_rows(db, "t"), 0);
}

TEST(Transaction, ImmediateTakesTheWriteLockUpFront) {
  TempDir dir;
  Database first(dir.file("a.db"));
  first.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER)");
  Database second(dir.file("a.db"), Database::OpenMode::ReadWrite, /*busy_timeout_ms=*/0);
  Transaction tx(first, Transaction::Kind::Immediate);
  try {
    Transaction blocked(second, Transaction::Kind::Immediate);
    FAIL() << "expected the second writer to be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("locked"));
  }
}

TEST(Database, UnsyncedCommitsRelaxTheSyncOnlyWhileTheyLive) {
  TempDir dir;
  Database db(dir.file("a.db"));
  const auto synchronous = [&] { return db.query_int64("PRAGMA synchronous"); };   // 1 NORMAL, 2 FULL
  db.set_sync(Database::Sync::Full);
  EXPECT_EQ(synchronous(), 2);
  {
    const Database::UnsyncedCommits unsynced(db);
    EXPECT_EQ(synchronous(), 1);
  }
  EXPECT_EQ(synchronous(), 2);
  EXPECT_EQ(db.sync(), Database::Sync::Full);
  // A database that never syncs each commit (a cluster's replica) keeps doing so afterwards.
  db.set_sync(Database::Sync::Normal);
  { const Database::UnsyncedCommits unsynced(db); }
  EXPECT_EQ(synchronous(), 1);
}
