// Per-feed poll state in the state database: validators, failures, server floors, pace.
#pragma once

#include "common/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace newsalert::store {

class Database;

// What the fetcher needs to poll a feed politely and what status reports show.
struct FeedState {
  std::string etag;
  std::string last_modified;
  std::optional<TimePoint> last_poll;      // last attempt
  std::optional<TimePoint> last_success;   // last 200 or 304
  int error_streak = 0;
  std::string last_error;                  // empty after a success
  std::string current_url;                 // where a 301/308 moved the feed; empty: the configured URL
  std::optional<Millis> ttl;               // the document's RSS <ttl>, kept across 304s
  std::optional<TimePoint> not_before;     // the earliest next poll the server asked for
                                           // (Retry-After, max-age, ttl); honoured after a restart
  std::optional<TimePoint> last_full;      // last 200: when the records of its entries were refreshed
};

class FeedStore {
 public:
  explicit FeedStore(Database& db) noexcept : db_(db) {}

  // An unknown feed has the empty state.
  FeedState feed_state(const std::string& feed_url) const;
  void save_feed_state(const std::string& feed_url, const FeedState& state);

  // Feed states of polls that found nothing new (304s, failures), written in one transaction:
  // one commit for a batch of polls instead of one each.
  void save_feed_states(const std::vector<std::pair<std::string, FeedState>>& states);

  // Publication dates of the feed's `limit` most recently published recorded articles, newest first
  // (articles without a date are left out): what the adaptive schedule measures a feed's pace by.
  std::vector<TimePoint> published_times(const std::string& feed_url, std::size_t limit) const;

 private:
  Database& db_;
};

}  // namespace newsalert::store
