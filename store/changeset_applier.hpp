// Applies another replica's changesets with statements prepared once per table and row shape.
//
// sqlite3changeset_apply prepares its statements (and reads each table's columns) again on every
// call; a replica applies a few dozen small changesets a second, and that preparing was the
// largest part of keeping up with a cluster. The checks are the same: an insert must find no row,
// and an update or delete must find the row with the old values the change names.
#pragma once

#include "store/database.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::store {

struct ChangesetResult {
  bool applied = false;
  std::string conflict;   // why not, naming the table
  bool outbox = false;    // the changeset touched the outbox
  std::vector<std::string> tables;   // the tables it touched, each once
};

class ChangesetApplier {
 public:
  explicit ChangesetApplier(Database& db) : db_(db) {}

  // Applies `changeset` inside a savepoint of the caller's transaction: all of it, or (on a
  // conflict) none of it.
  ChangesetResult apply(std::string_view changeset);

 private:
  const std::vector<std::string>& columns(std::string_view table);

  Database& db_;
  std::map<std::string, std::vector<std::string>, std::less<>> columns_;
};

}  // namespace newsalert::store
