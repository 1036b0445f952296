// The compiled matcher's parts shared by its files: the tables, the hits of a match, and the steps.
// Private to match/: only the matcher's own files (matcher*.cpp) include it.
#pragma once

#include "config/config.hpp"
#include "config/language_codes.hpp"
#include "match/gazetteer.hpp"
#include "match/matcher.hpp"
#include "match/normalizer.hpp"
#include "match/token_trie.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace newsalert::match {

class Inflections;

// Named rather than anonymous: the matcher's files share one definition of each.
namespace detail {

using config::RequireNode;

// actor_context and actor_avoid are the words of an actor's `context:` and `not_near:`.
enum class Role : std::uint8_t { actor, region, phrase, exclude, place, context, actor_context, actor_avoid };

// Who a phrase belongs to: a term of a watchlist, a rule phrase, a gazetteer name or a context word.
struct Target {
  std::uint32_t owner = 0;  // watchlist (actor, region, phrase, exclude); 0 otherwise
  std::uint32_t id = 0;     // term, phrase, exclude, place name or context word index
  Role role = Role::actor;
  bool case_sensitive = false;
  bool canonical = false;   // an actor's own `name`, which no context rule holds back
  std::uint32_t languages = 0;   // an alias tagged with languages: 1 + its index in Compiled::alias_languages
};

// An alias meant for some languages only (`{alias: Ha, languages: [en]}`).
struct AliasLanguages {
  std::string alias;
  std::vector<std::string> languages;
};

// Whether an article in `lang` may count something meant for `languages`. An article whose
// language is unknown (empty) may: short texts often cannot be told, and a missed alert costs more
// than one in a language the reader did not ask for.
inline bool language_fits(std::string_view lang, const std::vector<std::string>& languages) {
  if (lang.empty() || languages.empty()) return true;
  const std::string_view base = config::base_language(lang);
  return std::find(languages.begin(), languages.end(), base) != languages.end();
}

inline std::string list_languages(const std::vector<std::string>& languages) {
  std::string out = "[";
  for (const std::string& code : languages) out += (out.size() > 1 ? ", " : "") + code;
  return out + "]";
}

// Words around an actor's alias that decide whether it means the actor (docs/matching.md).
struct ActorRules {
  bool has_context = false;                // `context:` given: some word of it must be in the article
  bool has_not_near = false;               // `not_near:` given
  bool several_words = false;              // the name has a given name: a one-word alias may be a relative's
  std::vector<std::string> own_words;      // skeletons of the words of the name and aliases ("rcp", "typ")
};

// A folded word without its vowels and doubled letters: "Hasan" and "Hassan" are one given name.
inline std::string skeleton(std::string_view word) {
  std::string out;
  for (char c : word) {
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y') continue;
    if (out.empty() || out.back() != c) out += c;
  }
  return out;
}

// A gazetteer entry (or an ancestor of it) that a watchlist listens to.
struct Listener {
  std::uint32_t watchlist = 0;
  std::uint32_t id = 0;  // region term (Role::region) or rule phrase (Role::phrase)
  Role role = Role::region;
};

struct CompiledTerm {
  std::string name;
  double weight = 1;
};

// What a term of the rule stands for.
struct Atom {
  Role role = Role::phrase;  // actor / region term, or a phrase (plain words or a gazetteer place)
  std::uint32_t id = 0;
};

struct CompiledWatchlist {
  std::string name;
  config::Require require = config::Require::actor_and_region;
  config::RequireExpression expression;
  std::vector<Atom> atoms;  // by preorder index of the rule's nodes
  double min_score = 0;
  std::vector<CompiledTerm> actors;
  std::vector<ActorRules> actor_rules;  // by actor
  std::vector<CompiledTerm> regions;
  std::vector<std::string> phrases;   // rule phrases, as written
  std::vector<std::string> excludes;
  std::vector<std::string> languages;  // `languages:`; empty: any
};

// Text slots of an article, in reading order; categories follow from slot 3 on.
inline constexpr std::uint32_t kTitle = 0;
inline constexpr std::uint32_t kSummary = 1;
inline constexpr std::uint32_t kContent = 2;

// Hit::flags
inline constexpr std::uint8_t kShouted = 1;    // an acronym found in a text written in capitals
inline constexpr std::uint8_t kCanonical = 2;  // an actor's own name
inline constexpr std::uint8_t kDropped = 4;    // read as something else; counts for nothing

struct Hit {
  std::uint32_t owner;
  std::uint32_t slot;
  std::uint32_t begin;  // token range [begin, end)
  std::uint32_t end;
  Role role;
  std::uint8_t flags;
  std::uint32_t id;
  std::uint32_t place = UINT32_MAX;     // regions found through the gazetteer: the entry named
  std::uint32_t ancestor = UINT32_MAX;  // ... and the entry the watchlist listens to
};

// An article's texts by slot, and the looked-up words of each.
struct ArticleText {
  std::span<const std::string_view> texts;
  std::span<LookedUpWords> tokens;
  std::string_view lang;   // the article's detected language, or empty

  // The words of a hit as written, from the first byte of its first word to the last of its last.
  std::string_view raw(const Hit& hit) const {
    const LookedUpWords& toks = tokens[hit.slot];
    const std::size_t from = toks[hit.begin].begin;
    return texts[hit.slot].substr(from, toks[hit.end - 1].end - from);
  }
};

// Where the steps of a match write why each watchlist fired or not. Matcher::explain passes one;
// Matcher::match passes none, and then no step builds a string or a list for it.
struct ExplanationSink {
  std::unordered_map<std::uint32_t, std::vector<Explanation::Ignored>> ignored;  // by watchlist
  std::vector<Explanation> explanations;                                          // in config order
};

// One watchlist's hits once overlaps are resolved. The lists are scratch reused from watchlist to
// watchlist, so that matching allocates nothing per watchlist.
struct WatchlistHits {
  std::vector<const Hit*>& kept;     // counted, one per span (snippets)
  std::vector<const Hit*>& counted;  // every actor/region hit that survived overlap
  std::vector<const Hit*>& phrases;  // hits of the rule's phrases
  double score = 0;
  bool any_actor = false;
  bool any_region = false;
  std::string_view vetoed_by;        // the first exclude found, if any
};

struct RuleOutcome {
  bool held = false;
  std::string_view text;  // the rule as written, or the require setting it stands for
};

// A place name read in one of its senses, before it becomes hits of the watchlists listening.
struct Reading {
  Hit hit;                  // hit.id: the place name
  std::uint32_t first = 0;  // its entries, in a list beside: [first, first + count)
  std::uint32_t count = 0;
  bool dropped = false;     // read as another place, a person, or an unsupported acronym
};

// The places an article names, each read once. A watchlist gets its hits of them (one for every
// entry it listens to) only when its rule is evaluated: ten watchlists listening to the same
// countries would otherwise sort and walk ten copies of every place.
struct PlacesRead {
  std::vector<Reading> readings;       // in reading order, not overlapping
  std::vector<std::uint32_t> entries;  // the readings' gazetteer entries
};

// A watchlist that counts nothing without one of its actors (`require: actor` or `actor and
// region`): in an article naming none of them it cannot fire, and its places need no counting.
inline bool needs_actor(const CompiledWatchlist& wl) {
  return wl.expression.empty() && (wl.require == config::Require::actor || wl.require == config::Require::actor_and_region);
}

inline constexpr std::string_view kShoutedReason = "an acronym in a text written in capitals, not named elsewhere in the article";

std::string collapse_space(std::string_view s);
RuleOutcome evaluate_rule(const CompiledWatchlist& wl, const WatchlistHits& found,
                          std::vector<Explanation::Clause>* clauses);
void give_verdict(Explanation& ex, const CompiledWatchlist& wl, const WatchlistHits& found, const RuleOutcome& rule,
                  bool fires);

}  // namespace detail

struct Matcher::Compiled {
  TokenTrie trie;
  std::vector<std::pair<std::uint32_t, detail::Target>> pending;  // (trie node, target) as added, while compiling
  // What each trie node stands for: node n's targets are flat_targets[target_begin[n], target_begin[n + 1]).
  std::vector<std::uint32_t> target_begin;
  std::vector<detail::Target> flat_targets;
  std::vector<detail::AliasLanguages> alias_languages;   // Target::languages - 1 indexes it
  std::vector<detail::CompiledWatchlist> watchlists;
  std::unordered_map<std::uint32_t, std::vector<detail::Listener>> listeners;  // gazetteer entry -> listeners
  // By gazetteer entry: every listener it reaches, through itself or a place containing it, with
  // that place, in the order of its ancestors; grouped (stably) by watchlist.
  std::vector<std::vector<std::pair<std::uint32_t, detail::Listener>>> reached;
  bool place_only_rules = false;  // some watchlist can fire on places alone
  std::vector<std::vector<std::vector<std::uint32_t>>> sense_context;   // ambiguity -> sense -> context ids
  std::vector<std::string> context_words;
  const Gazetteer& gazetteer = Gazetteer::builtin();
  std::vector<char> place_listened;  // by gazetteer name: some reading of it reaches a listener
  std::vector<char> given_name_place;  // by gazetteer name: one word that is also a given name ("Jordan")
  std::size_t phrases = 0;

  Inflections* inflections = nullptr;  // while compiling

  // The constructor's steps, which fill the tables above.
  void add(std::string_view phrase, detail::Target target);
  void add_aliases(const config::Term& term, detail::Target target, bool with_variants);
  void add_variants(std::string_view alias, detail::Target target);
  detail::ActorRules compile_actor_rules(const config::Term& term, std::uint32_t w, std::uint32_t k);
  void finish_targets();
  void listen(const GazetteerEntry& entry, detail::Listener listener);
  void compile_atoms(const config::RequireNode& node, const config::WatchlistConfig& wl, detail::CompiledWatchlist& cw,
                     std::uint32_t w, std::size_t& pre);

  // A match in steps, in the order run() takes them. `explain` is null unless Matcher::explain
  // asked for the reasons.
  std::vector<Match> run(const Article& article, detail::ExplanationSink* explain) const;
  bool collect_hits(const detail::ArticleText& text, std::vector<detail::Hit>& hits, std::vector<detail::Hit>& places,
                    std::vector<detail::Hit>& context, detail::ExplanationSink* explain) const;
  void split_apostrophes(std::string_view text, LookedUpWords& toks) const;
  std::string_view word_after(const detail::ArticleText& text, const detail::Hit& hit) const;
  std::string_view word_before(const detail::ArticleText& text, std::uint32_t slot, std::uint32_t index) const;
  std::string person_reading(const detail::ArticleText& text, const detail::Hit& hit, std::span<const detail::Hit> places,
                             std::span<const detail::Hit> terms) const;
  void candidates(std::uint32_t name_id, std::vector<std::uint32_t>& out) const;
  void qualify_cities(const detail::ArticleText& text, std::vector<detail::Reading>& readings,
                      std::vector<std::uint32_t>& entries, detail::ExplanationSink* explain) const;
  void support_shouted(const detail::ArticleText& text, std::vector<detail::Reading>& readings,
                       const std::vector<std::uint32_t>& entries, detail::ExplanationSink* explain) const;
  std::string_view gap(const detail::ArticleText& text, const detail::Hit& a, const detail::Hit& b) const;
  std::uint32_t unheard_qualifier(const detail::ArticleText& text, const detail::Hit& hit) const;
  void note_lower_case_acronym(detail::ExplanationSink& explain, const detail::ArticleText& text,
                               const detail::Hit& hit) const;
  void note_other_language(detail::ExplanationSink& explain, const detail::ArticleText& text, const detail::Hit& hit,
                           const detail::AliasLanguages& alias) const;
  void apply_actor_rules(const detail::CompiledWatchlist& wl, std::span<detail::Hit> hits, const detail::ArticleText& text,
                         Explanation* explain) const;
  void resolve_places(const detail::ArticleText& text, std::vector<detail::Hit>& places,
                      std::span<const detail::Hit> context, std::span<const detail::Hit> terms, detail::PlacesRead& read,
                      detail::ExplanationSink* explain) const;
  std::uint32_t read_ambiguous(const detail::ArticleText& text, const PlaceName& name, const detail::Hit& hit,
                               std::span<const detail::Hit> context, std::span<const std::uint8_t> present,
                               detail::ExplanationSink* explain) const;
  std::span<detail::Hit> with_places(std::uint32_t watchlist, std::span<const detail::Hit> own,
                                     const detail::PlacesRead& read) const;
  const std::vector<std::uint32_t>& listeners_reached(const detail::PlacesRead& read) const;
  void note_ignored(detail::ExplanationSink& explain, const detail::ArticleText& text, const PlaceName& name,
                    const detail::Hit& hit, const std::string& reason) const;
  void resolve_overlaps(const detail::CompiledWatchlist& wl, std::span<const detail::Hit> hits,
                        const detail::ArticleText& text, detail::WatchlistHits& found, Explanation* explain) const;
  std::string via(const detail::Hit& hit, bool with_ancestor) const;
};

}  // namespace newsalert::match
