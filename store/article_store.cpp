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

std::map<std::string, SeenText> ArticleStore::seen_texts(const std::string& feed_url,
                                                         const std::vector<std::string>& article_ids) const {
  std::map<std::string, SeenText> out;
  if (article_ids.empty()) return out;
  Transaction tx(db_, Transaction::Kind::Deferred);
  {
    auto stmt = db_.cached("SELECT fingerprint, title FROM articles WHERE feed_url = ?1 AND article_id = ?2");
    stmt->bind(1, feed_url);
    for (const auto& id : article_ids) {
      stmt->bind(2, id);
      if (stmt->step()) out[id] = SeenText{stmt->column_text(0), stmt->column_text(1)};
      stmt->rewind();
    }
  }
  tx.commit();
  return out;
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find('\n', at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : "\n") + name;
  return out;
}

}  // namespace

std::optional<EntryTerms> ArticleStore::matched_terms(const std::string& feed_url, const std::string& article_id,
                                                      const std::string& watchlist) const {
  // In a cluster, an update alert rests on what this row said: another node's change to it conflicts.
  db_.reads("entry_terms", feed_url + '\x1f' + article_id + '\x1f' + watchlist);
  auto stmt = db_.cached(
      "SELECT actors, regions FROM entry_terms WHERE feed_url = ?1 AND article_id = ?2 AND watchlist = ?3");
  stmt->bind_all(feed_url, article_id, watchlist);
  std::optional<EntryTerms> out;
  if (stmt->step()) out = EntryTerms{lines_of(stmt->column_text(0)), lines_of(stmt->column_text(1))};
  stmt->rewind();
  return out;
}

void ArticleStore::record_text_change(const std::string& feed_url, const std::string& article_id,
                                      const std::string& fingerprint, const std::string& title) {
  auto stmt = db_.cached("UPDATE articles SET fingerprint = ?3, title = ?4 WHERE feed_url = ?1 AND article_id = ?2");
  stmt->bind_all(feed_url, article_id, fingerprint, title);
  stmt->run();
}

void ArticleStore::record_terms(const std::string& feed_url, const std::string& article_id,
                                const std::string& watchlist, const EntryTerms& terms) {
  auto stmt = db_.cached(
      "INSERT INTO entry_terms (feed_url, article_id, watchlist, actors, regions) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (feed_url, article_id, watchlist) DO UPDATE SET actors = excluded.actors, regions = excluded.regions");
  stmt->bind_all(feed_url, article_id, watchlist, joined(terms.actors), joined(terms.regions));
  stmt->run();
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
      "INSERT INTO articles (feed_url, article_id, link, title, published_ms, seen_ms, fingerprint) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
  for (const auto& a : articles) {
    stmt->bind_all(a.feed_url.empty() ? feed_url : a.feed_url, a.article_id, a.link, a.title,
                   to_millis(a.published), now_ms, a.fingerprint);
    stmt->run();
  }
  keep_texts(feed_url, articles, now_ms);
}

void ArticleStore::keep_texts(const std::string& feed_url, const std::vector<SeenArticle>& articles,
                              std::int64_t now_ms) {
  auto stmt = db_.cached(
      "INSERT INTO article_texts (feed_url, article_id, seen_ms, feed_title, title, link, published_ms, summary, "
      "content, categories, lang) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING");
  for (const auto& a : articles) {
    if (!a.text) continue;
    std::string categories;
    for (const auto& category : a.text->categories) categories += (categories.empty() ? "" : "\n") + category;
    // A fetched page's text is what the entry was matched on, so a try matches on it too.
    const std::string& content = a.text->full_text.empty() ? a.text->content : a.text->full_text;
    stmt->bind_all(a.feed_url.empty() ? feed_url : a.feed_url, a.article_id, now_ms, a.text->feed_title,
                   a.text->title, a.text->link, to_millis(a.text->published), a.text->summary, content, categories,
                   a.text->lang);
    stmt->run();
  }
}

std::vector<Article> ArticleStore::recent_texts(TimePoint since, std::size_t limit) const {
  auto stmt = db_.cached(
      "SELECT feed_url, article_id, feed_title, title, link, published_ms, summary, content, categories, lang "
      "FROM article_texts WHERE seen_ms >= ?1 ORDER BY seen_ms DESC LIMIT ?2");
  stmt->bind_all(to_unix_millis(since), static_cast<std::int64_t>(limit));
  std::vector<Article> out;
  while (stmt->step()) {
    Article article;
    article.feed_url = stmt->column_text(0);
    article.id = stmt->column_text(1);
    article.feed_title = stmt->column_text(2);
    article.title = stmt->column_text(3);
    article.link = stmt->column_text(4);
    if (!stmt->column_is_null(5)) article.published = from_unix_millis(stmt->column_int64(5));
    article.summary = stmt->column_text(6);
    article.content = stmt->column_text(7);
    const std::string categories = stmt->column_text(8);
    for (std::string_view rest = categories; !rest.empty();) {
      const auto newline = rest.find('\n');
      article.categories.emplace_back(rest.substr(0, newline));
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    article.lang = stmt->column_text(9);
    out.push_back(std::move(article));
  }
  return out;
}

}  // namespace newsalert::store
