// The articles table: which entries of a feed are recorded, and recording new ones.
#include "store/article_store.hpp"

#include "store/database.hpp"
#include "store/time_columns.hpp"

namespace newsalert::store {

std::vector<std::string> ArticleStore::unseen(const std::string& feed_url,
                                              const std::vector<std::string>& article_ids,
                                              std::optional<TimePoint> refresh_before,
                                              std::vector<std::string>* stale) const {
  std::vector<std::string> out;
  if (article_ids.empty()) return out;
  const std::int64_t refresh_ms = refresh_before ? to_unix_millis(*refresh_before) : 0;
  // One read transaction: one snapshot and one lock for the whole batch, not one per id.
  Transaction tx(db_, Transaction::Kind::Deferred);
  {
    auto stmt = db_.cached("SELECT seen_ms FROM articles WHERE feed_url = ?1 AND article_id = ?2");
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

std::size_t ArticleStore::seen_count() const {
  auto stmt = db_.cached("SELECT COUNT(*) FROM articles");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

void ArticleStore::record(const std::string& feed_url, const std::vector<SeenArticle>& articles,
                          const std::vector<std::string>& refreshed, std::int64_t now_ms) {
  if (!refreshed.empty()) {
    auto stmt = db_.cached("UPDATE articles SET seen_ms = ?3 WHERE feed_url = ?1 AND article_id = ?2");
    for (const auto& id : refreshed) {
      stmt->bind_all(feed_url, id, now_ms);
      stmt->run();
    }
  }
  // DO NOTHING rather than OR IGNORE: only the key conflict is expected; a NOT NULL or CHECK
  // failure is a bug and must abort the transaction, not vanish.
  auto stmt = db_.cached(
      "INSERT INTO articles (feed_url, article_id, link, title, published_ms, seen_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
  for (const auto& a : articles) {
    stmt->bind_all(a.feed_url.empty() ? feed_url : a.feed_url, a.article_id, a.link, a.title,
                   to_millis(a.published), now_ms);
    stmt->run();
  }
}

}  // namespace newsalert::store
