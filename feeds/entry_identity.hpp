// The identity of entries within one feed document: their own id, or a stable fallback when it is
// missing or reused, so that repeats are neither lost nor alerted twice.
#pragma once

#include "common/article.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace newsalert::feeds {

// An article as a reader produced it, before its identity is settled.
struct DraftEntry {
  Article article;         // article.id is the feed's own id (guid, atom:id, JSON id), possibly empty
  std::string date_text;   // the date as written, part of the hash identity
};

// What a reader produced: the entries it built, and how many entry elements past
// ParseLimits::max_entries it skipped without building them.
struct DraftEntries {
  std::vector<DraftEntry> kept;
  std::size_t dropped = 0;
};

// Moves the entries into out, each with a non-empty id unique within the document. An entry that
// repeats an earlier one field for field (id, link, title, date, summary) is a copy and is dropped
// first, so the copy never changes the id of the original. Then:
// - the feed's id when present and used by this entry alone;
// - otherwise (missing, or shared with another entry) the link, when no other such entry has it;
// - otherwise sha256(title \n date as written \n summary).
// An entry identical to an earlier one (same fallback hash) is a repeat and is dropped.
void settle_identities(std::vector<DraftEntry>& entries, std::vector<Article>& out);

}  // namespace newsalert::feeds
