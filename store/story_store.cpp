// The stories and story_copies tables: recognizing a story again, throttling, digests.
#include "store/story_store.hpp"

#include "store/database.hpp"

namespace newsalert::store {

// Every story decision (is it a copy, is the watchlist throttled, what is held) rests on the
// stories of all feeds, which any node may add to.
void StoryStore::shared_read() const {
  db_.reads("stories");
  db_.reads("story_copies");
}

namespace {

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

}  // namespace

std::optional<Story> StoryStore::story(const std::string& alert_id) const {
  shared_read();
  auto stmt = db_.cached(std::string("SELECT ") + kStoryColumns + " FROM stories WHERE alert_id = ?1");
  stmt->bind(1, alert_id);
  if (!stmt->step()) return std::nullopt;
  return read_story(*stmt);
}

std::vector<Story> StoryStore::stories_since(const std::string& watchlist, TimePoint since) const {
  shared_read();
  std::vector<Story> out;
  auto stmt = db_.cached(std::string("SELECT ") + kStoryColumns +
                         " FROM stories WHERE watchlist = ?1 AND first_seen_ms >= ?2 AND simhash IS NOT NULL "
                         "ORDER BY first_seen_ms, id");
  stmt->bind_all(watchlist, to_unix_millis(since));
  while (stmt->step()) out.push_back(read_story(*stmt));
  return out;
}

std::vector<Story> StoryStore::recent_stories(const std::string& watchlist, TimePoint since, std::size_t limit) const {
  shared_read();
  std::vector<Story> out;
  auto stmt = db_.cached(std::string("SELECT ") + kStoryColumns +
                         " FROM stories WHERE (?1 = '' OR watchlist = ?1) AND first_seen_ms >= ?2 "
                         "ORDER BY first_seen_ms DESC, id DESC LIMIT ?3");
  stmt->bind_all(watchlist, to_unix_millis(since), static_cast<std::int64_t>(limit));
  while (stmt->step()) out.push_back(read_story(*stmt));
  return out;
}

std::vector<std::pair<std::uint64_t, std::string>> StoryStore::fingerprints_since(const std::string& watchlist,
                                                                                TimePoint since) const {
  shared_read();
  std::vector<std::pair<std::uint64_t, std::string>> out;
  auto stmt = db_.cached(std::string(kFingerprintsQuery));
  stmt->bind_all(watchlist, to_unix_millis(since));
  while (stmt->step()) out.emplace_back(static_cast<std::uint64_t>(stmt->column_int64(0)), stmt->column_text(1));
  return out;
}

bool StoryStore::add_story(const Story& s) {
  shared_read();
  auto stmt = db_.cached(
      "INSERT INTO stories (watchlist, alert_id, simhash, title, link, first_seen_ms, state, payload, feed_url, "
      "article_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (alert_id) DO NOTHING");
  stmt->bind_all(s.watchlist, s.alert_id,
                 s.has_simhash ? std::optional<std::int64_t>(static_cast<std::int64_t>(s.simhash)) : std::nullopt,
                 s.title, s.link, to_unix_millis(s.first_seen), story_state_name(s.state), s.payload, s.feed_url,
                 s.article_id);
  return db_.run_write(*stmt) > 0;
}

bool StoryStore::add_story_copy(const std::string& alert_id, const StoryCopy& copy) {
  shared_read();
  Transaction tx(db_, Transaction::Kind::Immediate);
  std::size_t added = 0;
  {
    auto stmt = db_.cached(
        "INSERT INTO story_copies (alert_id, feed_url, article_id, link, title, seen_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    stmt->bind_all(alert_id, copy.feed_url, copy.article_id, copy.link, copy.title, to_unix_millis(copy.seen));
    added = stmt->run();
  }
  if (added > 0) {
    auto stmt = db_.cached("UPDATE stories SET copies = copies + 1 WHERE alert_id = ?1");
    stmt->bind(1, alert_id);
    stmt->run();
  }
  tx.commit();
  return added > 0;
}

std::vector<StoryCopy> StoryStore::story_copies(const std::string& alert_id) const {
  shared_read();
  std::vector<StoryCopy> out;
  auto stmt = db_.cached(
      "SELECT feed_url, article_id, link, title, seen_ms FROM story_copies WHERE alert_id = ?1 ORDER BY seen_ms");
  stmt->bind(1, alert_id);
  while (stmt->step())
    out.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(2), stmt->column_text(3),
                   from_unix_millis(stmt->column_int64(4))});
  return out;
}

std::size_t StoryStore::alerted_since(const std::string& watchlist, TimePoint since) const {
  shared_read();
  auto stmt = db_.cached(
      "SELECT COUNT(*) FROM stories WHERE watchlist = ?1 AND first_seen_ms >= ?2 AND state = 'alerted'");
  stmt->bind_all(watchlist, to_unix_millis(since));
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::vector<Story> StoryStore::held_stories(const std::string& watchlist) const {
  shared_read();
  std::vector<Story> out;
  auto stmt = db_.cached(std::string("SELECT ") + kStoryColumns +
                         " FROM stories WHERE state = 'held' AND (?1 = '' OR watchlist = ?1) "
                         "ORDER BY first_seen_ms, id");
  stmt->bind(1, watchlist);
  while (stmt->step()) out.push_back(read_story(*stmt));
  return out;
}

void StoryStore::mark_followed_up(const std::string& alert_id) {
  shared_read();
  auto stmt = db_.cached("UPDATE stories SET follow_up_sent = 1 WHERE alert_id = ?1");
  stmt->bind(1, alert_id);
  db_.run_write(*stmt);
}

void StoryStore::mark_digested(const std::vector<std::int64_t>& story_ids) {
  shared_read();
  auto stmt = db_.cached("UPDATE stories SET state = 'digested' WHERE id = ?1 AND state = 'held'");
  Transaction tx(db_);
  for (const auto id : story_ids) {
    stmt->bind(1, id);
    stmt->run();
  }
  tx.commit();
}

}  // namespace newsalert::store
