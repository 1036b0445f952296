// Story dedupe, throttle, quiet hours and digests.
#include "alerts/story_gate.hpp"

#include "alerts/payload.hpp"
#include "alerts/simhash.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

namespace newsalert::alerts {

bool in_quiet_hours(std::pair<int, int> range, int minute) {
  const auto [from, to] = range;
  if (from < to) return minute >= from && minute < to;
  return minute >= from || minute < to;
}

int local_minute_of_day(TimePoint t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  return local.tm_hour * 60 + local.tm_min;
}

StoryGate::StoryGate(store::StateStore& store, const std::vector<config::WatchlistConfig>& watchlists,
                     std::map<std::string, std::vector<std::string>> webhooks_of, std::function<void()> queued)
    : store_(store), webhooks_of_(std::move(webhooks_of)), queued_(std::move(queued)) {
  for (const auto& watchlist : watchlists) watchlists_.emplace(watchlist.name, watchlist);
}

namespace {

// The record of a story first alerted (or held) now, without its payload.
store::Story story_of(const std::string& watchlist, const std::string& id, const Article& article, TimePoint now) {
  store::Story story;
  story.watchlist = watchlist;
  story.alert_id = id;
  story.feed_url = article.feed_url;
  story.article_id = article.id;
  story.title = article.title;
  story.link = article.link;
  story.first_seen = now;
  return story;
}

}  // namespace

bool StoryGate::quiet(const config::WatchlistConfig& watchlist, TimePoint now) const {
  return watchlist.throttle.quiet_hours && in_quiet_hours(*watchlist.throttle.quiet_hours, minute_of_day(now));
}

std::vector<store::OutboxEntry> StoryGate::entries(const std::string& watchlist, const std::string& id,
                                                   const std::string& payload) const {
  std::vector<store::OutboxEntry> out;
  const auto it = webhooks_of_.find(watchlist);
  if (it == webhooks_of_.end()) return out;
  for (const auto& webhook : it->second) out.push_back({id, webhook, watchlist, payload});
  return out;
}

std::vector<store::OutboxEntry> StoryGate::admit(const match::Match& match, const Article& article, TimePoint now) {
  const auto config = watchlists_.find(match.watchlist);
  if (config == watchlists_.end()) return {};
  const config::WatchlistConfig& watchlist = config->second;
  const std::string id = alert_id(match.watchlist, article);

  // The same link: either this very entry again (a poll replayed after a crash, so its alert must
  // still be committed) or the story syndicated under one URL in another feed.
  if (const auto known = store_.stories().story(id)) {
    const bool same_entry = known->feed_url == article.feed_url && known->article_id == article.id;
    if (!same_entry) {
      record_copy(watchlist, *known, article, now);
      return {};
    }
    if (known->state != store::StoryState::alerted) return {};
    return entries(match.watchlist, id, known->payload);
  }

  const auto fingerprint = simhash64(story_text(article));
  if (fingerprint && watchlist.stories.window.count() > 0) {
    for (const auto& [simhash, story_id] : store_.stories().fingerprints_since(match.watchlist, now - watchlist.stories.window)) {
      if (hamming_distance(simhash, *fingerprint) > watchlist.stories.distance) continue;
      if (const auto story = store_.stories().story(story_id)) record_copy(watchlist, *story, article, now);
      return {};
    }
  }

  store::Story story = story_of(match.watchlist, id, article, now);
  story.simhash = fingerprint.value_or(0);
  story.has_simhash = fingerprint.has_value();
  story.payload = alert_payload(match, article, id, now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  apply_throttle(watchlist, story, now);
  store_.stories().add_story(story);
  if (story.state != store::StoryState::alerted) return {};
  return entries(match.watchlist, id, story.payload);
}

void StoryGate::apply_throttle(const config::WatchlistConfig& watchlist, store::Story& story, TimePoint now) const {
  const auto& throttle = watchlist.throttle;
  if (quiet(watchlist, now)) {
    story.state = store::StoryState::held;
    spdlog::info("watchlist '{}': quiet hours; \"{}\" held for the digest", watchlist.name, story.title);
  } else if (throttle.max > 0 && store_.stories().alerted_since(watchlist.name, now - throttle.per) >=
                                      static_cast<std::size_t>(throttle.max)) {
    story.state = store::StoryState::held;
    spdlog::info("watchlist '{}': {} alerts in {} already; \"{}\" held for the digest", watchlist.name,
                 throttle.max, format_duration(throttle.per), story.title);
  }
}

std::vector<store::OutboxEntry> StoryGate::admit_update(const match::Match& match, const Article& article,
                                                        const UpdateChanges& changes, const std::string& fingerprint,
                                                        TimePoint now) {
  const auto config = watchlists_.find(match.watchlist);
  if (config == watchlists_.end()) return {};
  const std::string id = update_alert_id(match.watchlist, article, fingerprint);
  // This very update again (a poll replayed after a crash): its alert must still be committed.
  if (const auto known = store_.stories().story(id)) {
    if (known->state != store::StoryState::alerted) return {};
    return entries(match.watchlist, id, known->payload);
  }
  // No SimHash on an update's record: later copies of the story belong to its first alert.
  store::Story story = story_of(match.watchlist, id, article, now);
  story.payload = update_payload(match, article, id, changes, now)
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  apply_throttle(config->second, story, now);
  store_.stories().add_story(story);
  spdlog::info("watchlist '{}': \"{}\" ({}) changed and matches more; update alert {}", match.watchlist, article.title,
               article.link, id);
  if (story.state != store::StoryState::alerted) return {};
  return entries(match.watchlist, id, story.payload);
}

void StoryGate::record_copy(const config::WatchlistConfig& watchlist, const store::Story& story,
                            const Article& article, TimePoint now) {
  const store::StoryCopy copy{article.feed_url, article.id, article.link, article.title, now};
  if (!store_.stories().add_story_copy(story.alert_id, copy)) return;
  spdlog::info("watchlist '{}': \"{}\" ({}) is a copy of story {}; not alerted again", watchlist.name, article.title,
               article.feed_url, story.alert_id);
  const int follow_up = watchlist.stories.follow_up;
  if (follow_up <= 0 || story.follow_up_sent || story.copies + 1 < follow_up) return;
  std::vector<StoryCopyView> copies;
  for (const auto& c : store_.stories().story_copies(story.alert_id))
    copies.push_back({c.feed_url, c.title, c.link, c.seen});
  const std::string id = follow_up_id(story.alert_id);
  const std::string payload = follow_up_payload(watchlist.name, id, story.alert_id, story.title, story.link, copies, now)
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  store_.commit_follow_up(story.alert_id, entries(watchlist.name, id, payload), now);
  if (queued_) queued_();
}

std::size_t StoryGate::flush(TimePoint now) {
  std::size_t added = 0;
  std::map<std::string, std::vector<store::Story>> held;
  for (auto& story : store_.stories().held_stories()) held[story.watchlist].push_back(std::move(story));
  for (const auto& [name, stories] : held) {
    const auto config = watchlists_.find(name);
    if (config == watchlists_.end()) continue;   // the watchlist left the config: its held stories stay
    const config::WatchlistConfig& watchlist = config->second;
    if (quiet(watchlist, now)) continue;
    // Throttled stories wait out one period from the first held; quiet-hours ones go when they end.
    if (watchlist.throttle.max > 0 && now < stories.front().first_seen + watchlist.throttle.per) continue;
    std::vector<nlohmann::json> alerts;
    std::vector<std::int64_t> ids;
    for (const auto& story : stories) {
      ids.push_back(story.id);
      alerts.push_back(nlohmann::json::parse(story.payload, nullptr, false));
    }
    const std::string id = digest_id(name, stories.front().alert_id);
    const std::string payload = digest_payload(name, id, alerts, now).dump(-1, ' ', false,
                                                                           nlohmann::json::error_handler_t::replace);
    const auto batch = entries(name, id, payload);
    store_.commit_digest(ids, batch, now);
    added += batch.size();
    spdlog::info("watchlist '{}': digest {} of {} held alert(s) queued", name, id, stories.size());
  }
  if (added > 0 && queued_) queued_();
  return added;
}

}  // namespace newsalert::alerts
