// The alert: its stable id and the JSON body sent to webhooks (the payload contract in README).
#pragma once

#include "common/article.hpp"
#include "match/matcher.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace newsalert::alerts {

// The identity of a story for deduplication: its link with the scheme and host lower-cased, the
// fragment and tracking parameters (utm_*, fbclid, gclid) dropped; the feed URL and entry id when
// there is no link. The same story syndicated under one URL in many feeds has one key.
std::string article_key(const Article& article);

// Stable per watchlist and story: "na_" + 32 hex digits. Sent as `id` and as the webhook-id header.
std::string alert_id(const std::string& watchlist, const Article& article);

// The match as printed by `newsalertd match`: watchlist, article, actors, regions, score, snippets.
nlohmann::json match_json(const match::Match& match, const Article& article);

// What an updated entry (watchlist on_update) gained: the watchlist matches it now and did not
// before (newly_matched), and/or actors and regions it did not match before; its title before the
// change when the title changed.
struct UpdateChanges {
  bool newly_matched = false;
  std::vector<std::string> added_actors;
  std::vector<std::string> added_regions;
  std::optional<std::string> previous_title;
};

// Stable per watchlist, story and text version (the entry's text fingerprint), distinct from the
// story's first alert: receivers dedupe retries of one update, never an update against the original.
std::string update_alert_id(const std::string& watchlist, const Article& article, const std::string& fingerprint);

// Bytes of a fetched page's main text (full_text:) an alert carries as article.excerpt.
inline constexpr std::size_t kExcerptBytes = 600;

// The webhook body: match_json plus `id`, article.feed, article.excerpt when the page's text was
// fetched, and `detected_at`.
nlohmann::json alert_payload(const match::Match& match, const Article& article, const std::string& id,
                             TimePoint detected_at);
// An update alert: alert_payload plus `"update": true` and `changes`.
nlohmann::json update_payload(const match::Match& match, const Article& article, const std::string& id,
                              const UpdateChanges& changes, TimePoint detected_at);

// A digest: the alerts a watchlist's throttle or quiet hours held back, in one message.
// {"id", "type": "digest", "watchlist", "alerts": [alert payloads], "detected_at"}
nlohmann::json digest_payload(const std::string& watchlist, const std::string& id,
                              const std::vector<nlohmann::json>& alerts, TimePoint now);
// Stable per watchlist and digest (named after its first held alert).
std::string digest_id(const std::string& watchlist, const std::string& first_alert_id);

// A follow-up on a story seen again in other feeds.
// {"id", "type": "follow_up", "watchlist", "story": {"id", "title", "link"}, "copies": [...], "detected_at"}
struct StoryCopyView {
  std::string feed;
  std::string title;
  std::string link;
  TimePoint seen;
};
nlohmann::json follow_up_payload(const std::string& watchlist, const std::string& id, const std::string& story_id,
                                 const std::string& title, const std::string& link,
                                 const std::vector<StoryCopyView>& copies, TimePoint now);
std::string follow_up_id(const std::string& story_alert_id);

// One entry as printed by `newsalertd parse`.
nlohmann::json article_json(const Article& article);

}  // namespace newsalert::alerts
