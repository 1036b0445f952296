// Updated entries (watchlist on_update): which entries seen before changed materially, and which
// of their matches alert again, with what changed.
#pragma once

#include "alerts/payload.hpp"
#include "common/article.hpp"
#include "config/config.hpp"
#include "match/matcher.hpp"
#include "store/state_store.hpp"

#include <set>
#include <string>
#include <vector>

namespace newsalert::pipeline {

// A listed entry recorded before whose text is not what was recorded.
struct ChangedEntry {
  const Article* article = nullptr;
  std::string fingerprint;      // of its text now
  std::string previous_title;
  bool matched = false;         // false: only its new fingerprint is recorded (the first one, or too old to alert)
};

// A match of a changed entry that alerts again.
struct UpdateAlert {
  const match::Match* match = nullptr;
  alerts::UpdateChanges changes;
};

class EntryUpdates {
 public:
  explicit EntryUpdates(const std::vector<config::WatchlistConfig>& watchlists);

  // Whether any watchlist has on_update; without one nothing below is asked.
  bool active() const { return !watchlists_.empty(); }

  // Of `recorded` (entries of the batch recorded before, at most once each), those whose text
  // changed. Entries recorded before fingerprints were get theirs recorded, nothing more; so do
  // those published before `oldest` (max_age).
  std::vector<ChangedEntry> changed(const store::ArticleStore& store, const std::string& feed_url,
                                    const std::vector<const Article*>& recorded, std::optional<TimePoint> oldest) const;

  // Inside the poll's transaction: what the on_update watchlists matched in a new entry.
  void record_new(store::ArticleStore& store, const std::string& feed_url, const Article& article,
                  const std::vector<match::Match>& matches) const;

  // Inside the poll's transaction: records the changed entry's text and what its on_update
  // watchlists have matched so far; returns the matches that match more than before.
  std::vector<UpdateAlert> record_changed(store::StateStore& store, const std::string& feed_url, const ChangedEntry& entry,
                                          const std::vector<match::Match>& matches) const;

 private:
  std::set<std::string> watchlists_;   // those with on_update
};

}  // namespace newsalert::pipeline
