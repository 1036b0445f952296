// Changesets applied row by row through the connection's statement cache.
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "store/changeset_applier.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <memory>

namespace newsalert::store {

namespace {

std::string identifier(std::string_view name) { return "\"" + std::string(name) + "\""; }

using Value = sqlite3_value*;

// One row of a changeset: its table's columns and, per column, the old and new values the
// change carries (nullptr where it carries none).
struct Row {
  std::string_view table;
  int op = 0;
  std::vector<Value> old_values;
  std::vector<Value> new_values;
};

// The statement for a row's shape, e.g. UPDATE "feeds" SET "etag" = ?1 WHERE "url" IS ?2 AND "etag" IS ?3.
// Binds, in order, the values the placeholders stand for.
std::string statement_for(const Row& row, const std::vector<std::string>& columns, std::vector<Value>& binds) {
  std::string sql;
  const auto where = [&](const std::vector<Value>& values) {
    std::string clause;
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (values[c] == nullptr) continue;
      clause += clause.empty() ? " WHERE " : " AND ";
      clause += identifier(columns[c]) + " IS ?" + std::to_string(binds.size() + 1);
      binds.push_back(values[c]);
    }
    return clause;
  };
  if (row.op == SQLITE_INSERT) {
    std::string names, marks;
    for (std::size_t c = 0; c < row.new_values.size(); ++c) {
      names += (c > 0 ? ", " : "") + identifier(columns[c]);
      marks += (c > 0 ? ", ?" : "?") + std::to_string(c + 1);
      binds.push_back(row.new_values[c]);
    }
    sql = "INSERT INTO " + identifier(row.table) + " (" + names + ") VALUES (" + marks + ")";
  } else if (row.op == SQLITE_DELETE) {
    sql = "DELETE FROM " + identifier(row.table);
    sql += where(row.old_values);
  } else {
    std::string set;
    for (std::size_t c = 0; c < row.new_values.size(); ++c) {
      if (row.new_values[c] == nullptr) continue;
      set += (set.empty() ? "" : ", ") + identifier(columns[c]) + " = ?" + std::to_string(binds.size() + 1);
      binds.push_back(row.new_values[c]);
    }
    sql = "UPDATE " + identifier(row.table) + " SET " + set;
    sql += where(row.old_values);
  }
  return sql;
}

const char* missing_row(int op) {
  return op == SQLITE_INSERT ? "a row the change inserts exists already" : "a row the change expected is missing or differs";
}

}  // namespace

const std::vector<std::string>& ChangesetApplier::columns(std::string_view table) {
  if (const auto it = columns_.find(table); it != columns_.end()) return it->second;
  std::vector<std::string> names;
  Statement info(db_, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  info.bind(1, table);
  while (info.step()) names.push_back(info.column_text(0));
  return columns_.emplace(std::string(table), std::move(names)).first->second;
}

ChangesetResult ChangesetApplier::apply(std::string_view changeset) {
  ChangesetResult result;
  sqlite3_changeset_iter* raw = nullptr;
  if (sqlite3changeset_start(&raw, static_cast<int>(changeset.size()), const_cast<char*>(changeset.data())) !=
      SQLITE_OK)
    db_.fail("cannot read a cluster log entry");
  const std::unique_ptr<sqlite3_changeset_iter, int (*)(sqlite3_changeset_iter*)> iter(raw, sqlite3changeset_finalize);
  db_.exec("SAVEPOINT changeset_apply");
  Row row;
  std::vector<Value> binds;
  int next = SQLITE_DONE;
  while (result.conflict.empty() && (next = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    const char* table = nullptr;
    int count = 0, indirect = 0;
    sqlite3changeset_op(iter.get(), &table, &count, &row.op, &indirect);
    row.table = table != nullptr ? table : "";
    const auto& names = columns(row.table);
    if (static_cast<std::size_t>(count) > names.size() || count <= 0) {
      result.conflict = "the change has " + std::to_string(count) + " columns for table " + std::string(row.table) +
                        ", which has " + std::to_string(names.size());
      break;
    }
    row.old_values.assign(static_cast<std::size_t>(count), nullptr);
    row.new_values.assign(static_cast<std::size_t>(count), nullptr);
    for (int c = 0; c < count; ++c) {
      if (row.op != SQLITE_INSERT) sqlite3changeset_old(iter.get(), c, &row.old_values[static_cast<std::size_t>(c)]);
      if (row.op != SQLITE_DELETE) sqlite3changeset_new(iter.get(), c, &row.new_values[static_cast<std::size_t>(c)]);
    }
    // An update that sets no column (a row deleted and put back as it was, combined) changes nothing.
    if (row.op == SQLITE_UPDATE && std::all_of(row.new_values.begin(), row.new_values.end(),
                                               [](Value v) { return v == nullptr; }))
      continue;
    if (row.table == "outbox") result.outbox = true;
    if (std::find(result.tables.begin(), result.tables.end(), row.table) == result.tables.end())
      result.tables.emplace_back(row.table);
    binds.clear();
    const auto stmt = db_.cached(statement_for(row, names, binds));
    for (std::size_t b = 0; b < binds.size(); ++b)
      if (sqlite3_bind_value(stmt->handle(), static_cast<int>(b + 1), binds[b]) != SQLITE_OK)
        db_.fail("cannot apply a cluster log entry to table " + std::string(row.table));
    const int rc = sqlite3_step(stmt->handle());
    if ((rc & 0xff) == SQLITE_CONSTRAINT || (rc == SQLITE_DONE && sqlite3_changes(db_.handle()) != 1)) {
      result.conflict = std::string(missing_row(row.op)) + " in table " + std::string(row.table);
    } else if (rc != SQLITE_DONE) {
      db_.fail("cannot apply a cluster log entry to table " + std::string(row.table));
    }
  }
  if (result.conflict.empty() && next != SQLITE_DONE && next != SQLITE_ROW)
    db_.fail("cannot read a cluster log entry");
  if (!result.conflict.empty()) db_.exec("ROLLBACK TO changeset_apply");
  db_.exec("RELEASE changeset_apply");
  result.applied = result.conflict.empty();
  return result;
}

}  // namespace newsalert::store
