// Seen articles in the state database: what a poll has already recorded, so nothing alerts twice.
#pragma once

#include "common/article.hpp"
#include "common/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::store {

class Database;

// An article the poll found new; keyed by (feed_url, article_id).
struct SeenArticle {
  std::string feed_url;
  std::string article_id;
  std::string link;
  std::string title;
  std::optional<TimePoint> published;
  const Article* text = nullptr;   // kept in article_texts when set (state.keep_text)
};

class ArticleStore {
 public:
  explicit ArticleStore(Database& db) noexcept : db_(db) {}

  // Of the given article ids of one feed, those not recorded yet, in input order. With
  // `refresh_before`, the recorded ones last seen before it are added to `stale` (commit_poll
  // refreshes them, so an entry still in its feed is never pruned and alerted again).
  std::vector<std::string> unseen(const std::string& feed_url, const std::vector<std::string>& article_ids,
                                  std::optional<TimePoint> refresh_before = std::nullopt,
                                  std::vector<std::string>* stale = nullptr) const;

  std::size_t seen_count() const;
  // Kept article texts seen at or after `since`, newest first, at most `limit`.
  std::vector<Article> recent_texts(TimePoint since, std::size_t limit) const;

 private:
  // Only inside StateStore::commit_poll's transaction, beside the feed state and the alerts.
  friend class StateStore;
  void record(const std::string& feed_url, const std::vector<SeenArticle>& articles,
              const std::vector<std::string>& refreshed, std::int64_t now_ms);
  void keep_texts(const std::string& feed_url, const std::vector<SeenArticle>& articles, std::int64_t now_ms);

  Database& db_;
};

}  // namespace newsalert::store
