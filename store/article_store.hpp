// Seen articles in the state database: what a poll has already recorded, so nothing alerts twice.
#pragma once

#include "common/article.hpp"
#include "common/time.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
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
  std::string fingerprint{};       // of its normalized text (pipeline/entry_fingerprint.hpp)
};

// A recorded entry as the check for updated entries reads it.
struct SeenText {
  std::string fingerprint;   // empty for entries recorded before fingerprints were
  std::string title;
};

// The actors and regions (names) an on_update watchlist has matched in an entry so far.
struct EntryTerms {
  std::vector<std::string> actors;
  std::vector<std::string> regions;
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

  // The fingerprint and title of each of the given ids that is recorded, by id.
  std::map<std::string, SeenText> seen_texts(const std::string& feed_url, const std::vector<std::string>& article_ids) const;
  // What `watchlist` (one with on_update) matched in the entry so far; nothing when it never matched.
  std::optional<EntryTerms> matched_terms(const std::string& feed_url, const std::string& article_id,
                                          const std::string& watchlist) const;
  // Inside the transaction that commits the poll: the entry's new text, and what a watchlist with
  // on_update has matched in it so far.
  void record_text_change(const std::string& feed_url, const std::string& article_id, const std::string& fingerprint,
                          const std::string& title);
  void record_terms(const std::string& feed_url, const std::string& article_id, const std::string& watchlist,
                    const EntryTerms& terms);

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
