// The feeds table: reading and upserting a feed's poll state.
#include "store/feed_store.hpp"

#include "store/database.hpp"
#include "store/time_columns.hpp"

namespace newsalert::store {

FeedState FeedStore::feed_state(const std::string& feed_url) const {
  auto stmt = db_.cached(
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

void FeedStore::save_feed_state(const std::string& feed_url, const FeedState& state) {
  auto stmt = db_.cached(R"sql(
INSERT INTO feeds (url, etag, last_modified, last_poll_ms, last_success_ms, error_streak, last_error,
                   current_url, ttl_ms, not_before_ms, last_full_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (url) DO UPDATE SET
  etag = excluded.etag, last_modified = excluded.last_modified, last_poll_ms = excluded.last_poll_ms,
  last_success_ms = excluded.last_success_ms, error_streak = excluded.error_streak,
  last_error = excluded.last_error, current_url = excluded.current_url, ttl_ms = excluded.ttl_ms,
  not_before_ms = excluded.not_before_ms, last_full_ms = excluded.last_full_ms)sql");
  stmt->bind_all(feed_url, state.etag, state.last_modified, to_millis(state.last_poll),
                 to_millis(state.last_success), state.error_streak, state.last_error, state.current_url,
                 to_millis(state.ttl), to_millis(state.not_before), to_millis(state.last_full));
  db_.run_write(*stmt);
}

void FeedStore::save_feed_states(const std::vector<std::pair<std::string, FeedState>>& states) {
  if (states.empty()) return;
  // Without its own fsync: losing the last second of poll times and validators to a power cut
  // costs one extra full fetch, never an alert. The next FULL commit (a poll with news, a
  // delivery) syncs these pages with its own, so ordering is kept.
  const Database::UnsyncedCommits unsynced(db_);
  Transaction tx(db_, Transaction::Kind::Immediate);
  for (const auto& [url, state] : states) save_feed_state(url, state);
  tx.commit();
}

std::vector<TimePoint> FeedStore::published_times(const std::string& feed_url, std::size_t limit) const {
  std::vector<TimePoint> out;
  auto stmt = db_.cached(
      "SELECT published_ms FROM articles WHERE feed_url = ?1 AND published_ms IS NOT NULL "
      "ORDER BY published_ms DESC LIMIT ?2");
  stmt->bind_all(feed_url, static_cast<std::int64_t>(limit));
  while (stmt->step()) out.push_back(from_unix_millis(stmt->column_int64(0)));
  return out;
}

}  // namespace newsalert::store
