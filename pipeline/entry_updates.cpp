// Changed entries and the update alerts they raise: fingerprints compared, matched terms remembered.
#include "pipeline/entry_updates.hpp"

#include "pipeline/entry_fingerprint.hpp"

#include <algorithm>

namespace newsalert::pipeline {
namespace {

std::vector<std::string> names_of(const std::vector<match::TermHit>& hits) {
  std::vector<std::string> out;
  out.reserve(hits.size());
  for (const auto& hit : hits) out.push_back(hit.name);
  return out;
}

// The names of `now` missing from `before`, in the order of `now`.
std::vector<std::string> added(const std::vector<std::string>& now, const std::vector<std::string>& before) {
  std::vector<std::string> out;
  for (const auto& name : now)
    if (std::find(before.begin(), before.end(), name) == before.end()) out.push_back(name);
  return out;
}

// Every name matched so far: a term that drops out and comes back is no news.
std::vector<std::string> merged(std::vector<std::string> before, const std::vector<std::string>& more) {
  before.insert(before.end(), more.begin(), more.end());
  return before;
}

store::EntryTerms terms_of(const match::Match& match) { return {names_of(match.actors), names_of(match.regions)}; }

}  // namespace

EntryUpdates::EntryUpdates(const std::vector<config::WatchlistConfig>& watchlists) {
  for (const auto& watchlist : watchlists)
    if (watchlist.on_update) watchlists_.insert(watchlist.name);
}

std::vector<ChangedEntry> EntryUpdates::changed(const store::ArticleStore& store, const std::string& feed_url,
                                                const std::vector<const Article*>& recorded,
                                                std::optional<TimePoint> oldest) const {
  std::vector<ChangedEntry> out;
  if (!active() || recorded.empty()) return out;
  std::vector<std::string> ids;
  ids.reserve(recorded.size());
  for (const Article* article : recorded) ids.push_back(article->id);
  const auto texts = store.seen_texts(feed_url, ids);
  for (const Article* article : recorded) {
    const auto it = texts.find(article->id);
    if (it == texts.end()) continue;
    std::string fingerprint = entry_fingerprint(*article);
    if (fingerprint == it->second.fingerprint) continue;   // the common case: nothing to match again
    const bool young = !oldest || !article->published || *article->published >= *oldest;
    out.push_back({article, std::move(fingerprint), it->second.title, !it->second.fingerprint.empty() && young});
  }
  return out;
}

void EntryUpdates::record_new(store::ArticleStore& store, const std::string& feed_url, const Article& article,
                              const std::vector<match::Match>& matches) const {
  for (const auto& match : matches)
    if (watchlists_.contains(match.watchlist)) store.record_terms(feed_url, article.id, match.watchlist, terms_of(match));
}

std::vector<UpdateAlert> EntryUpdates::record_changed(store::StateStore& store, const std::string& feed_url,
                                                      const ChangedEntry& entry,
                                                      const std::vector<match::Match>& matches) const {
  std::vector<UpdateAlert> out;
  const Article& article = *entry.article;
  store.articles().record_text_change(feed_url, article.id, entry.fingerprint, article.title);
  for (const auto& match : matches) {
    if (!watchlists_.contains(match.watchlist)) continue;
    const store::EntryTerms now = terms_of(match);
    const auto before = store.articles().matched_terms(feed_url, article.id, match.watchlist);
    if (!before) {
      store.articles().record_terms(feed_url, article.id, match.watchlist, now);
      // It alerted before on_update was switched on, so what it matched then is not known: only
      // what it matches from now on is news.
      if (store.stories().story(alerts::alert_id(match.watchlist, article))) continue;
      alerts::UpdateChanges changes{true, now.actors, now.regions, {}};
      if (entry.previous_title != article.title) changes.previous_title = entry.previous_title;
      out.push_back({&match, std::move(changes)});
      continue;
    }
    alerts::UpdateChanges changes{false, added(now.actors, before->actors), added(now.regions, before->regions), {}};
    if (changes.added_actors.empty() && changes.added_regions.empty()) continue;
    store.articles().record_terms(feed_url, article.id, match.watchlist,
                                  {merged(before->actors, changes.added_actors), merged(before->regions, changes.added_regions)});
    if (entry.previous_title != article.title) changes.previous_title = entry.previous_title;
    out.push_back({&match, std::move(changes)});
  }
  return out;
}

}  // namespace newsalert::pipeline
