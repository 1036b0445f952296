// Stories in the state database: one per watchlist and news event, with the copies that followed it.
#pragma once

#include "common/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace newsalert::store {

class Database;

enum class StoryState {
  alerted,    // its alert went to the outbox
  held,       // throttled or in quiet hours: waiting for the watchlist's next digest
  digested,   // sent as part of a digest
};

// One story per watchlist: the first article that raised it, and how it is recognized again.
struct Story {
  std::int64_t id = 0;
  std::string watchlist;
  std::string alert_id;      // the alert id every copy of the story is delivered under
  std::uint64_t simhash = 0;
  bool has_simhash = false;  // too little text for a fingerprint: recognized by link only
  std::string feed_url;      // the entry that raised it
  std::string article_id;
  std::string title;
  std::string link;
  TimePoint first_seen;
  StoryState state = StoryState::alerted;
  std::string payload;       // the alert body (kept for digests and follow-ups)
  int copies = 0;            // later entries recorded as copies of this story
  bool follow_up_sent = false;
};

// A later entry recognized as the same story: recorded instead of alerting again.
struct StoryCopy {
  std::string feed_url;
  std::string article_id;
  std::string link;
  std::string title;
  TimePoint seen;
};

class StoryStore {
 public:
  explicit StoryStore(Database& db) noexcept : db_(db) {}

  std::optional<Story> story(const std::string& alert_id) const;
  // Stories of the watchlist first seen at or after `since` that carry a fingerprint.
  std::vector<Story> stories_since(const std::string& watchlist, TimePoint since) const;
  // The same stories' fingerprints and alert ids only, oldest first: what recognizing a copy
  // compares, without reading each story's payload.
  std::vector<std::pair<std::uint64_t, std::string>> fingerprints_since(const std::string& watchlist,
                                                                        TimePoint since) const;
  // Its query (?1 watchlist, ?2 since in Unix ms): read from an index alone, for every new match.
  static constexpr std::string_view kFingerprintsQuery =
      "SELECT simhash, alert_id FROM stories WHERE watchlist = ?1 AND first_seen_ms >= ?2 AND simhash IS NOT NULL "
      "ORDER BY first_seen_ms, id";
  // Ignored when a story with that alert id exists. Returns whether it was added.
  bool add_story(const Story& story);
  // Records a copy once per (story, feed, entry); returns whether it was new.
  bool add_story_copy(const std::string& alert_id, const StoryCopy& copy);
  std::vector<StoryCopy> story_copies(const std::string& alert_id) const;
  // Stories of the watchlist alerted directly (not held) first seen at or after `since`.
  std::size_t alerted_since(const std::string& watchlist, TimePoint since) const;
  // Held stories, oldest first; all watchlists when `watchlist` is empty.
  std::vector<Story> held_stories(const std::string& watchlist = {}) const;
  // Stories first seen at or after `since`, newest first, at most `limit`; all watchlists when
  // `watchlist` is empty.
  std::vector<Story> recent_stories(const std::string& watchlist, TimePoint since, std::size_t limit) const;

 private:
  void shared_read() const;
  // Only inside StateStore's commit_follow_up and commit_digest, beside the alerts they send.
  friend class StateStore;
  void mark_followed_up(const std::string& alert_id);
  void mark_digested(const std::vector<std::int64_t>& story_ids);

  Database& db_;
};

}  // namespace newsalert::store
