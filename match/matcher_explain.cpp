// What `match --explain` and the API's try route show: the verdict, and every name passed over with the reason.
#include "match/matcher_compiled.hpp"

#include <algorithm>
#include <sstream>

namespace newsalert::match {

using namespace detail;

namespace {

constexpr std::string_view kLowerCaseReason = "an acronym written in lower case, read as an ordinary word";

std::string format_score(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

namespace detail {

void give_verdict(Explanation& ex, const CompiledWatchlist& wl, const WatchlistHits& found, const RuleOutcome& rule, bool fires) {
  ex.fired = fires;
  ex.score = found.score;
  if (!found.vetoed_by.empty())
    ex.verdict = "not sent: the article mentions '" + std::string(found.vetoed_by) + "', which the watchlist excludes";
  else if (!rule.held) ex.verdict = "not sent: the rule '" + std::string(rule.text) + "' did not hold";
  else if (!fires) ex.verdict = "not sent: score " + format_score(found.score) + " is below min_score " + format_score(wl.min_score);
  else ex.verdict = "sent: the rule '" + std::string(rule.text) + "' held with score " + format_score(found.score);
}

}  // namespace detail

// A place name passed over, for every watchlist that one of its readings would have reached.
void Matcher::Compiled::note_ignored(ExplanationSink& explain, const ArticleText& text, const PlaceName& name, const Hit& hit,
                                     const std::string& reason) const {
  std::vector<std::uint32_t> candidates = name.entries;
  if (name.ambiguity >= 0)
    for (const Sense& sense : gazetteer.ambiguities()[static_cast<std::size_t>(name.ambiguity)].senses)
      if (sense.entry != Sense::kNoPlace) candidates.push_back(sense.entry);
  const std::string surface(text.raw(hit));
  for (std::uint32_t e : candidates)
    for (std::uint32_t a : gazetteer.ancestors(e))
      if (const auto it = listeners.find(a); it != listeners.end())
        for (const Listener& l : it->second) {
          auto& list = explain.ignored[l.watchlist];
          if (std::none_of(list.begin(), list.end(), [&](const auto& x) { return x.surface == surface && x.reason == reason; }))
            list.push_back(Explanation::Ignored{surface, reason});
        }
}

// A short acronym met in lower case ("us", "is"): the explanation says why it did not count.
void Matcher::Compiled::note_lower_case_acronym(ExplanationSink& explain, const ArticleText& text, const Hit& hit) const {
  if (hit.role == Role::place) {
    note_ignored(explain, text, gazetteer.names()[hit.id], hit, std::string(kLowerCaseReason));
    return;
  }
  if (hit.role != Role::actor && hit.role != Role::region) return;
  auto& list = explain.ignored[hit.owner];
  const std::string surface = collapse_space(text.raw(hit));
  if (std::none_of(list.begin(), list.end(), [&](const auto& x) { return x.surface == surface && x.reason == kLowerCaseReason; }))
    list.push_back(Explanation::Ignored{surface, std::string(kLowerCaseReason)});
}

// An alias tagged for other languages than the article's: the explanation says why it did not count.
void Matcher::Compiled::note_other_language(ExplanationSink& explain, const ArticleText& text, const Hit& hit,
                                            const AliasLanguages& alias) const {
  auto& list = explain.ignored[hit.owner];
  const std::string surface = collapse_space(text.raw(hit));
  std::string reason = "alias '" + alias.alias + "' is for " + list_languages(alias.languages) + "; article is " +
                       std::string(text.lang);
  if (std::none_of(list.begin(), list.end(), [&](const auto& x) { return x.surface == surface && x.reason == reason; }))
    list.push_back(Explanation::Ignored{surface, std::move(reason)});
}

// For a hit found through the gazetteer: "gazetteer: Tehran", and with the ancestor the watchlist
// listens to, "gazetteer: Tehran -> Iran". Empty for others.
std::string Matcher::Compiled::via(const Hit& hit, bool with_ancestor) const {
  std::string out;
  if (hit.place == UINT32_MAX) return out;
  out = "gazetteer: " + std::string(gazetteer.entries()[hit.place].name);
  if (with_ancestor && hit.ancestor != hit.place) out += " -> " + std::string(gazetteer.entries()[hit.ancestor].name);
  return out;
}

}  // namespace newsalert::match
