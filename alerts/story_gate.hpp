// Keeps alerts quiet: one alert per (watchlist, story) however many feeds carry the story, at most
// N alerts per period per watchlist with the rest held for one digest, and quiet hours.
// Every decision is recorded in the store before the alert is committed, and replaying an entry
// after a crash reaches the same decision, so a story is never alerted under two ids.
#pragma once

#include "alerts/payload.hpp"
#include "common/article.hpp"
#include "config/config.hpp"
#include "match/matcher.hpp"
#include "store/state_store.hpp"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace newsalert::alerts {

// Whether `minute` (since local midnight) lies in [from, to), wrapping past midnight when from > to.
bool in_quiet_hours(std::pair<int, int> range, int minute);
// Minutes since midnight of `t` in the local time zone (TZ).
int local_minute_of_day(TimePoint t);

class StoryGate {
 public:
  // `webhooks_of` maps each watchlist to the webhooks it notifies; `queued` is called when the gate
  // itself committed outbox entries (digests, follow-ups), so delivery can look at the outbox.
  StoryGate(store::StateStore& store, const std::vector<config::WatchlistConfig>& watchlists,
            std::map<std::string, std::vector<std::string>> webhooks_of, std::function<void()> queued);

  // The outbox entries a match raises: one per webhook for a new story; none for a copy of a
  // known story (recorded on it instead) or for a story held for a digest.
  std::vector<store::OutboxEntry> admit(const match::Match& match, const Article& article, TimePoint now);

  // The outbox entries an updated entry's match raises (watchlist on_update): an alert of its own
  // (update_alert_id), never taken for a copy of the story it updates, and like any alert subject
  // to the throttle and quiet hours. `fingerprint` is the entry's new text's.
  std::vector<store::OutboxEntry> admit_update(const match::Match& match, const Article& article,
                                               const UpdateChanges& changes, const std::string& fingerprint,
                                               TimePoint now);

  // Sends the digests that are due. Returns how many outbox entries it added.
  std::size_t flush(TimePoint now);

  // Overridable for tests: minutes since local midnight.
  std::function<int(TimePoint)> minute_of_day = local_minute_of_day;

 private:
  bool quiet(const config::WatchlistConfig& watchlist, TimePoint now) const;
  // Held by quiet hours or the throttle: the story's state says so (logged), before it is added.
  void apply_throttle(const config::WatchlistConfig& watchlist, store::Story& story, TimePoint now) const;
  std::vector<store::OutboxEntry> entries(const std::string& watchlist, const std::string& id,
                                          const std::string& payload) const;
  void record_copy(const config::WatchlistConfig& watchlist, const store::Story& story, const Article& article,
                   TimePoint now);

  store::StateStore& store_;
  std::map<std::string, config::WatchlistConfig> watchlists_;
  std::map<std::string, std::vector<std::string>> webhooks_of_;
  std::function<void()> queued_;
};

}  // namespace newsalert::alerts
