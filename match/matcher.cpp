// Compiles all watchlists and the gazetteer into one token trie and matches articles in one pass.
#include "match/matcher.hpp"

#include "config/language_codes.hpp"
#include "match/gazetteer.hpp"
#include "match/inflections.hpp"
#include "match/neighbour_words.hpp"
#include "match/normalizer.hpp"
#include "match/person_names.hpp"
#include "match/spelling_variants.hpp"
#include "match/swar.hpp"
#include "match/token_trie.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <span>
#include <sstream>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace newsalert::match {
namespace {

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
bool language_fits(std::string_view lang, const std::vector<std::string>& languages) {
  if (lang.empty() || languages.empty()) return true;
  const std::string_view base = config::base_language(lang);
  return std::find(languages.begin(), languages.end(), base) != languages.end();
}

std::string list_languages(const std::vector<std::string>& languages) {
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
std::string skeleton(std::string_view word) {
  std::string out;
  for (char c : word) {
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y') continue;
    if (out.empty() || out.back() != c) out += c;
  }
  return out;
}

// An actor's alias does not count within this many words of one of its `not_near:` words.
constexpr std::uint32_t kNotNearWords = 8;

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
constexpr std::uint32_t kTitle = 0;
constexpr std::uint32_t kSummary = 1;
constexpr std::uint32_t kContent = 2;

// Score weights per hit: the title names what the story is about, the body and categories only
// mention it. A Match's score is the sum of these over every (non-overlapping) occurrence of its
// watched terms, so a story naming Khamenei in the title and twice in the body scores 2 + 1 + 1.
double weight(std::uint32_t slot) { return slot == kTitle ? 2.0 : 1.0; }

// Snippets come from the body first; the title is already part of every alert.
int snippet_preference(std::uint32_t slot) {
  switch (slot) {
    case kSummary: return 0;
    case kContent: return 1;
    case kTitle: return 2;
    default: return 3;
  }
}

// ' ' and \t \n \v \f \r (9 to 13).
bool is_space(char ch) { return ch == ' ' || static_cast<unsigned char>(ch - '\t') <= '\r' - '\t'; }
bool is_continuation(char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; }

// True when collapse_space has nothing to do: no tab or line break, and no space at either end or
// after another space. Eight bytes at a time: each chunk is compared with itself one byte on.
bool plainly_spaced(std::string_view s) {
  if (s.empty()) return true;
  if (is_space(s.front()) || is_space(s.back())) return false;  // the last byte needs no other check
  const std::size_t n = s.size();
#if defined(__SSE2__)
  // Sixteen bytes at a time, each beside the next one; the last block overlaps the one before so
  // that no byte is left for a loop. A byte in [9, 13] is one whose value + (128 - 9), read as
  // signed, is below 5 - 128.
  if (n >= 17) {
    __m128i bad = _mm_setzero_si128();
    const __m128i space = _mm_set1_epi8(' ');
    auto check = [&](std::size_t i) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + 1));
      const __m128i control = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - 9))),
                                             _mm_set1_epi8(static_cast<char>(5 - 128)));
      bad = _mm_or_si128(bad, _mm_or_si128(control, _mm_and_si128(_mm_cmpeq_epi8(x, space), _mm_cmpeq_epi8(next, space))));
    };
    for (std::size_t i = 0; i + 17 <= n; i += 16) check(i);
    check(n - 17);
    return _mm_movemask_epi8(bad) == 0;
  }
#endif
  // Eight bytes at a time in the same way.
  if (n >= 9) {
    std::uint64_t irregular = 0;
    auto check = [&](std::size_t i) {
      const std::uint64_t x = swar::load8(s.data() + i);
      const std::uint64_t next = swar::load8(s.data() + i + 1);
      irregular |= swar::ascii_between(x, '\t', '\r') | (swar::ascii_between(x, ' ', ' ') & swar::ascii_between(next, ' ', ' '));
    };
    for (std::size_t i = 0; i + 9 <= n; i += 8) check(i);
    check(n - 9);
    return irregular == 0;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (s[i] != ' ' && is_space(s[i])) return false;
    if (s[i] == ' ' && s[i + 1] == ' ') return false;
  }
  return true;
}

// Runs of whitespace (line breaks in wrapped text) become one space; leading and trailing ones go.
// Appended to `out`.
void append_collapsed(std::string& out, std::string_view s) {
  if (plainly_spaced(s)) {
    out.append(s);
    return;
  }
  const std::size_t start = out.size();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j == i) break;
    if (out.size() > start) out += ' ';
    out.append(s.data() + i, j - i);
    i = j;
  }
}

std::string collapse_space(std::string_view s) {
  std::string out;
  append_collapsed(out, s);
  return out;
}

constexpr std::size_t kSnippetBytes = 160;
constexpr std::size_t kMaxSnippets = 3;

struct Window {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// About kSnippetBytes around [hb, he), widened to whole words and cut only at UTF-8 boundaries.
Window snippet_window(std::string_view text, std::size_t hb, std::size_t he) {
  Window w{hb, he};
  if (he - hb < kSnippetBytes) {
    const std::size_t pad = (kSnippetBytes - (he - hb)) / 2;
    w.begin = hb > pad ? hb - pad : 0;
    w.end = std::min(text.size(), w.begin + kSnippetBytes);
    if (w.end == text.size()) w.begin = w.end > kSnippetBytes ? w.end - kSnippetBytes : 0;
  }
  if (w.begin > 0 && !is_space(text[w.begin - 1])) {
    std::size_t p = w.begin;
    while (p < hb && !is_space(text[p])) ++p;
    if (p < hb) {
      w.begin = p + 1;
    } else {
      while (w.begin < hb && is_continuation(text[w.begin])) ++w.begin;
    }
  }
  if (w.end < text.size() && !is_space(text[w.end])) {
    std::size_t p = w.end;
    while (p > he && !is_space(text[p - 1])) --p;
    if (p > he) {
      w.end = p - 1;
    } else {
      while (w.end > he && is_continuation(text[w.end])) --w.end;
    }
  }
  return w;
}

std::string render_snippet(std::string_view text, Window w) {
  constexpr std::string_view kEllipsis = "…";
  std::string out;
  out.reserve(w.end - w.begin + 2 * kEllipsis.size());
  if (w.begin > 0) out += kEllipsis;
  append_collapsed(out, text.substr(w.begin, w.end - w.begin));
  if (w.end < text.size()) out += kEllipsis;
  return out;
}


std::string_view slot_name(std::uint32_t slot) {
  switch (slot) {
    case kTitle: return "title";
    case kSummary: return "summary";
    case kContent: return "content";
    default: return "categories";
  }
}

std::uint32_t field_mask(config::Field field) {
  switch (field) {
    case config::Field::title: return 1;
    case config::Field::summary: return 2;
    case config::Field::content: return 4;
    case config::Field::body: return 6;
    case config::Field::categories: return 8;
    case config::Field::any: return 15;
  }
  return 15;
}

std::uint32_t slot_bit(std::uint32_t slot) { return slot >= 3 ? 8u : 1u << slot; }


// Hit::flags
constexpr std::uint8_t kShouted = 1;    // an acronym found in a text written in capitals
constexpr std::uint8_t kCanonical = 2;  // an actor's own name
constexpr std::uint8_t kDropped = 4;    // read as something else; counts for nothing

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

struct Span {
  std::uint32_t slot;
  std::uint32_t begin;
  std::uint32_t end;
  auto operator<=>(const Span&) const = default;
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

// The gazetteer names that can change a match: those listened to (`listened`, by name), and those
// linked to them by chains of names that share a word.
std::vector<char> names_needed(const Gazetteer& gazetteer, const std::vector<char>& listened) {
  const std::size_t count = gazetteer.names().size();
  // The words of every name as numbers, and the names using each word: once per process (the
  // built-in gazetteer never changes).
  struct NameWords {
    std::vector<std::vector<std::uint32_t>> words;       // by name
    std::vector<std::vector<std::uint32_t>> names_with;  // by word
  };
  static const NameWords built = [&] {
    NameWords n;
    std::unordered_map<std::string, std::uint32_t> ids;
    n.words.resize(count);
    for (std::uint32_t i = 0; i < count; ++i)
      for (const Token& t : Normalizer::tokenize(gazetteer.names()[i].text)) {
        const auto [it, added] = ids.emplace(t.text, static_cast<std::uint32_t>(n.names_with.size()));
        if (added) n.names_with.emplace_back();
        n.words[i].push_back(it->second);
        auto& list = n.names_with[it->second];
        if (list.empty() || list.back() != i) list.push_back(i);
      }
    return n;
  }();
  std::vector<char> needed(listened);
  std::vector<char> word_done(built.names_with.size(), 0);  // its names were all reached already
  std::vector<std::uint32_t> todo;
  for (std::uint32_t i = 0; i < count; ++i)
    if (needed[i] != 0) todo.push_back(i);
  while (!todo.empty()) {
    const std::uint32_t i = todo.back();
    todo.pop_back();
    for (const std::uint32_t w : built.words[i]) {
      if (word_done[w] != 0) continue;
      word_done[w] = 1;
      for (const std::uint32_t j : built.names_with[w])
        if (needed[j] == 0) {
          needed[j] = 1;
          todo.push_back(j);
        }
    }
  }
  return needed;
}

// Orders hits by watchlist, then as hit_before does: text slot, first word, longest first, role and
// term. The hits of many watchlists are spread by watchlist first (counting, one pass), and each
// watchlist's few are then sorted on two packed 64-bit keys, unless a field does not fit its bits.
// Places are not among them: with_places gives each watchlist its own, already in order.
void sort_hits(std::vector<Hit>& hits, std::size_t watchlists) {
  auto before = [](const Hit& x, const Hit& y) {
    return std::tie(x.owner, x.slot, x.begin, y.end, x.role, x.id) < std::tie(y.owner, y.slot, y.begin, x.end, y.role, y.id);
  };
  if (hits.size() < 32) {
    std::sort(hits.begin(), hits.end(), before);
    return;
  }
  struct Key {
    std::uint64_t a;  // slot (32 bits), begin (32)
    std::uint64_t b;  // end, inverted (32), role (8), id (24)
    std::uint32_t index;
    bool operator<(const Key& o) const { return a != o.a ? a < o.a : b < o.b; }
  };
  thread_local std::vector<std::uint32_t> start;  // by watchlist: where its hits go; zero between calls
  thread_local std::vector<std::uint32_t> owners;
  thread_local std::vector<Key> keys;
  thread_local std::vector<Hit> sorted;
  if (start.size() < watchlists + 1) start.assign(watchlists + 1, 0);
  owners.clear();
  std::uint32_t wide = 0;
  for (const Hit& h : hits) {
    if (start[h.owner]++ == 0) owners.push_back(h.owner);
    wide |= h.id >> 24;
  }
  if (wide != 0) {
    for (const std::uint32_t o : owners) start[o] = 0;
    std::sort(hits.begin(), hits.end(), before);
    return;
  }
  std::sort(owners.begin(), owners.end());
  std::uint32_t at = 0;
  for (const std::uint32_t o : owners) {
    const std::uint32_t n = start[o];
    start[o] = at;
    at += n;
  }
  keys.resize(hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    keys[start[h.owner]++] = Key{(std::uint64_t{h.slot} << 32) | h.begin,
                                 (std::uint64_t{~h.end} << 32) | (std::uint64_t{static_cast<std::uint8_t>(h.role)} << 24) | h.id,
                                 static_cast<std::uint32_t>(i)};
  }
  // start[o] is now the end of watchlist o's keys, which begin where the previous one's end.
  std::uint32_t from = 0;
  for (const std::uint32_t o : owners) {
    std::sort(keys.begin() + from, keys.begin() + start[o]);
    from = start[o];
    start[o] = 0;
  }
  sorted.resize(hits.size());
  for (std::size_t i = 0; i < keys.size(); ++i) sorted[i] = hits[keys[i].index];
  hits.swap(sorted);
}

// The word that starts at byte `at`, up to a space or punctuation ("Liban" in "(Liban)").
std::string_view first_word(std::string_view t, std::size_t at) {
  std::size_t end = at;
  while (end < t.size() && t[end] != ' ' && t[end] != ')' && t[end] != ',' && t[end] != '.' && t[end] != ':') ++end;
  return t.substr(at, end - at);
}

// Latin script, with or without accents (UTF-8 lead bytes below 0xD0): the given names and titles
// PersonNames knows. Cyrillic, Greek, Hebrew and Arabic words need no lookup there.
bool latin(std::string_view word) {
  return std::none_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xD0; });
}

// Words before an apostrophe that French and Italian elide ("l'Iran", "d'Israël", "all'Egitto").
constexpr std::string_view kElisions = "|l|d|j|n|s|c|m|t|qu|jusqu|lorsqu|puisqu|dell|all|nell|sull|dall|";

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A Turkish case or derivational suffix after an apostrophe ("da", "deki", "ın", "ya"): a few
// letters, none of them upper case.
bool is_suffix(std::string_view tail) {
  if (tail.empty() || tail.size() > 10) return false;
  return std::none_of(tail.begin(), tail.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == ' ' || (c >= '0' && c <= '9'); });
}

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

// The order of one watchlist's hits: text slot, first word, longest first, role and term.
bool hit_before(const Hit& x, const Hit& y) {
  return std::tie(x.slot, x.begin, y.end, x.role, x.id) < std::tie(y.slot, y.begin, x.end, y.role, y.id);
}

// A watchlist that counts nothing without one of its actors (`require: actor` or `actor and
// region`): in an article naming none of them it cannot fire, and its places need no counting.
bool needs_actor(const CompiledWatchlist& wl) {
  return wl.expression.empty() && (wl.require == config::Require::actor || wl.require == config::Require::actor_and_region);
}

// A place's name read as a person's (or a club's): the name as written, the word after it, and
// where that word ends with the words a hyphen joins to it ("Saint" of "Paris Saint-Germain").
struct NameRead {
  std::uint32_t name = 0;
  std::string_view written;
  std::string_view after;
  const char* after_end = nullptr;
};

// Where `word` of `t` ends with the words hyphens join to it: "Saint" -> the end of "Saint-Germain".
const char* hyphenated_end(std::string_view t, std::string_view word) {
  if (word.empty()) return nullptr;
  std::size_t e = static_cast<std::size_t>(word.data() - t.data()) + word.size();
  auto letter = [&](std::size_t i) {
    return i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || static_cast<unsigned char>(t[i]) >= 0x80);
  };
  while (e + 1 < t.size() && t[e] == '-' && letter(e + 1)) {
    ++e;
    while (letter(e)) ++e;
  }
  return t.data() + e;
}

// Words that set one team against another ("Paris Saint-Germain beat Bayern", "Lyon vs Marseille").
constexpr std::array<std::string_view, 14> kMatchWords = {
    "beat", "beats", "vs", "v", "versus", "defeat", "defeats", "defeated", "edge", "edges", "edged", "thrash", "thrashes", "thrashed"};

// A one-word place on one side of a match word whose other side is a name read as a person's or a
// club's: a team meets a team, so the place is a club too ("Paris Saint-Germain beat Bayern",
// "Bayern vs Paris Saint-Germain"). Two places stay places ("Israel beat Iran").
bool faces_named_team(std::string_view t, std::size_t begin, std::size_t end, std::span<const NameRead> people) {
  auto match_word = [](std::string_view w) {
    if (w.empty() || w.size() > 9 || w.front() < 'b' || w.front() > 'v') return false;
    return std::find(kMatchWords.begin(), kMatchWords.end(), w) != kMatchWords.end();
  };
  auto ends_name = [&](std::string_view w) {  // the last word of a name read before the match word
    const char* e = w.data() + w.size();
    return !w.empty() && std::any_of(people.begin(), people.end(), [&](const NameRead& p) {
      return e == p.written.data() + p.written.size() || (p.after_end != nullptr && e == p.after_end);
    });
  };
  auto starts_name = [&](std::string_view w) {  // the first word of a name read after it
    return !w.empty() && std::any_of(people.begin(), people.end(), [&](const NameRead& p) { return w.data() == p.written.data(); });
  };
  if (const std::string_view w = NeighbourWords::before(t, begin); match_word(w))
    if (ends_name(NeighbourWords::before(t, static_cast<std::size_t>(w.data() - t.data())))) return true;
  if (const std::string_view w = NeighbourWords::after(t, end); match_word(w))
    if (starts_name(NeighbourWords::after(t, static_cast<std::size_t>(w.data() - t.data()) + w.size()))) return true;
  return false;
}

// Between two places of a list: "Moscow, Tehran and Beirut".
bool is_list_gap(std::string_view g) {
  return g == "," || g == "and" || g == "or" || g == "&" || g == "et" || g == "und" || g == "y" || g == "ve" || g == "и";
}

void set_entry(Reading& r, std::uint32_t entry, std::vector<std::uint32_t>& entries) {
  r.first = static_cast<std::uint32_t>(entries.size());
  r.count = 1;
  entries.push_back(entry);
}

constexpr std::string_view kShoutedReason = "an acronym in a text written in capitals, not named elsewhere in the article";
constexpr std::string_view kLowerCaseReason = "an acronym written in lower case, read as an ordinary word";

std::size_t count_nodes(const RequireNode& n) {
  std::size_t total = 1;
  for (const RequireNode& c : n.children) total += count_nodes(c);
  return total;
}

}  // namespace

struct Matcher::Compiled {
  TokenTrie trie;
  std::vector<std::pair<std::uint32_t, Target>> pending;  // (trie node, target) as added, while compiling
  // What each trie node stands for: node n's targets are flat_targets[target_begin[n], target_begin[n + 1]).
  std::vector<std::uint32_t> target_begin;
  std::vector<Target> flat_targets;
  std::vector<AliasLanguages> alias_languages;   // Target::languages - 1 indexes it
  std::vector<CompiledWatchlist> watchlists;
  std::unordered_map<std::uint32_t, std::vector<Listener>> listeners;  // gazetteer entry -> listeners
  // By gazetteer entry: every listener it reaches, through itself or a place containing it, with
  // that place, in the order of its ancestors; grouped (stably) by watchlist.
  std::vector<std::vector<std::pair<std::uint32_t, Listener>>> reached;
  bool place_only_rules = false;  // some watchlist can fire on places alone
  std::vector<std::vector<std::vector<std::uint32_t>>> sense_context;   // ambiguity -> sense -> context ids
  std::vector<std::string> context_words;
  const Gazetteer& gazetteer = Gazetteer::builtin();
  std::vector<char> place_listened;  // by gazetteer name: some reading of it reaches a listener
  std::vector<char> given_name_place;  // by gazetteer name: one word that is also a given name ("Jordan")
  std::size_t phrases = 0;

  Inflections* inflections = nullptr;  // while compiling

  // A phrase and, for names of places and actors, its other grammatical forms (match/inflections.hpp).
  void add(std::string_view phrase, Target target) {
    const std::vector<Token> tokens = Normalizer::tokenize(phrase);
    if (tokens.empty()) return;
    target.case_sensitive = target.role != Role::context && Normalizer::is_short_acronym(phrase);
    std::uint32_t n = TokenTrie::kRoot;
    for (const Token& t : tokens) n = trie.extend(n, trie.intern(t.text));
    pending.emplace_back(n, target);
    const bool named = target.role == Role::actor || target.role == Role::region || target.role == Role::place;
    if (!named || inflections == nullptr) return;
    target.canonical = false;
    for (const std::string& form : inflections->forms(phrase)) {
      n = TokenTrie::kRoot;
      for (const Token& t : Normalizer::tokenize(form)) n = trie.extend(n, trie.intern(t.text));
      pending.emplace_back(n, target);
    }
  }

  // A term's aliases, each tagged with the languages it is for when the config says so.
  void add_aliases(const config::Term& term, Target target, bool with_variants) {
    for (std::size_t a = 0; a < term.aliases.size(); ++a) {
      Target t = target;
      if (a < term.alias_languages.size() && !term.alias_languages[a].empty()) {
        alias_languages.push_back(AliasLanguages{term.aliases[a], term.alias_languages[a]});
        t.languages = static_cast<std::uint32_t>(alias_languages.size());
      }
      add(term.aliases[a], t);
      if (with_variants) add_variants(term.aliases[a], t);
    }
  }

  // `variants: auto`: the spelling variants of an alias, as aliases of the same actor.
  void add_variants(std::string_view alias, Target target) {
    for (const std::string& v : SpellingVariants::of(alias)) {
      std::uint32_t n = TokenTrie::kRoot;
      for (const Token& t : Normalizer::tokenize(v)) n = trie.extend(n, trie.intern(t.text));
      pending.emplace_back(n, target);
    }
  }

  // An actor's words of `context:` and `not_near:`, its own words, and whether it has a given name.
  ActorRules compile_actor_rules(const config::Term& term, std::uint32_t w, std::uint32_t k) {
    ActorRules rules;
    rules.has_context = !term.context.empty();
    rules.has_not_near = !term.not_near.empty();
    for (const std::string& word : term.context) add(word, Target{w, k, Role::actor_context, false, false});
    for (const std::string& word : term.not_near) add(word, Target{w, k, Role::actor_avoid, false, false});
    rules.several_words = Normalizer::tokenize(term.name).size() >= 2;
    auto own = [&](std::string_view text) {
      for (const Token& t : Normalizer::tokenize(text)) rules.own_words.push_back(skeleton(t.text));
    };
    own(term.name);
    for (const std::string& alias : term.aliases) own(alias);
    return rules;
  }

  // Groups the targets by node, in the order they were added, into one flat table.
  void finish_targets() {
    std::stable_sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    target_begin.assign(trie.node_count() + 1, 0);
    flat_targets.reserve(pending.size());
    std::size_t p = 0;
    for (std::uint32_t node = 0; node < trie.node_count(); ++node) {
      target_begin[node] = static_cast<std::uint32_t>(flat_targets.size());
      const std::size_t first = flat_targets.size();
      for (; p < pending.size() && pending[p].first == node; ++p) {
        const Target& target = pending[p].second;
        const auto same = std::find_if(flat_targets.begin() + static_cast<std::ptrdiff_t>(first), flat_targets.end(),
                                       [&](const Target& t) {
                                         return t.owner == target.owner && t.id == target.id && t.role == target.role;
                                       });
        // The same term reached twice ("US" from the gazetteer, "us" from config): the looser wins.
        if (same != flat_targets.end()) {
          same->case_sensitive = same->case_sensitive && target.case_sensitive;
          // An untagged spelling of the same term counts in every language.
          if (target.languages == 0) same->languages = 0;
        } else {
          flat_targets.push_back(target);
        }
      }
      if (flat_targets.size() > first) ++phrases;
    }
    target_begin[trie.node_count()] = static_cast<std::uint32_t>(flat_targets.size());
    pending = {};
  }

  void listen(const GazetteerEntry& entry, Listener listener) {
    auto& list = listeners[gazetteer.index_of(entry)];
    for (const Listener& l : list)
      if (l.watchlist == listener.watchlist && l.id == listener.id && l.role == listener.role) return;
    list.push_back(listener);
  }

  // A term of the rule: an actor or region of the watchlist when it names one, else a place of the
  // gazetteer, else plain words.
  void compile_atoms(const RequireNode& node, const config::WatchlistConfig& wl, CompiledWatchlist& cw,
                     std::uint32_t w, std::size_t& pre) {
    const std::size_t index = pre++;
    if (node.kind == RequireNode::Kind::term) {
      const std::string key = Normalizer::key(node.text);
      auto names = [&](const config::Term& t) {
        if (Normalizer::key(t.name) == key) return true;
        for (const auto& a : t.aliases)
          if (Normalizer::key(a) == key) return true;
        return false;
      };
      Atom atom;
      bool found = false;
      for (std::size_t k = 0; !found && k < wl.actors.size(); ++k)
        if (names(wl.actors[k])) atom = Atom{Role::actor, static_cast<std::uint32_t>(k)}, found = true;
      for (std::size_t k = 0; !found && k < wl.regions.size(); ++k)
        if (names(wl.regions[k])) atom = Atom{Role::region, static_cast<std::uint32_t>(k)}, found = true;
      if (!found) {
        const auto p = static_cast<std::uint32_t>(cw.phrases.size());
        cw.phrases.push_back(node.text);
        atom = Atom{Role::phrase, p};
        if (const GazetteerEntry* entry = gazetteer.find(node.text)) listen(*entry, Listener{w, p, Role::phrase});
        else add(node.text, Target{w, p, Role::phrase, false});
      }
      cw.atoms[index] = atom;
    }
    for (const RequireNode& c : node.children) compile_atoms(c, wl, cw, w, pre);
  }

  // A match in steps, in the order run() takes them. `explain` is null unless Matcher::explain
  // asked for the reasons.
  std::vector<Match> run(const Article& article, ExplanationSink* explain) const;
  bool collect_hits(const ArticleText& text, std::vector<Hit>& hits, std::vector<Hit>& places, std::vector<Hit>& context,
                    ExplanationSink* explain) const;
  void split_apostrophes(std::string_view text, LookedUpWords& toks) const;
  std::string_view word_after(const ArticleText& text, const Hit& hit) const;
  std::string_view word_before(const ArticleText& text, std::uint32_t slot, std::uint32_t index) const;
  std::string person_reading(const ArticleText& text, const Hit& hit, std::span<const Hit> places, std::span<const Hit> terms) const;
  void candidates(std::uint32_t name_id, std::vector<std::uint32_t>& out) const;
  void qualify_cities(const ArticleText& text, std::vector<Reading>& readings, std::vector<std::uint32_t>& entries,
                      ExplanationSink* explain) const;
  void support_shouted(const ArticleText& text, std::vector<Reading>& readings, const std::vector<std::uint32_t>& entries,
                       ExplanationSink* explain) const;
  std::string_view gap(const ArticleText& text, const Hit& a, const Hit& b) const;
  std::uint32_t unheard_qualifier(const ArticleText& text, const Hit& hit) const;
  void note_lower_case_acronym(ExplanationSink& explain, const ArticleText& text, const Hit& hit) const;
  void note_other_language(ExplanationSink& explain, const ArticleText& text, const Hit& hit,
                           const AliasLanguages& alias) const;
  void apply_actor_rules(const CompiledWatchlist& wl, std::span<Hit> hits, const ArticleText& text, Explanation* explain) const;
  void resolve_places(const ArticleText& text, std::vector<Hit>& places, std::span<const Hit> context, std::span<const Hit> terms,
                      PlacesRead& read, ExplanationSink* explain) const;
  std::uint32_t read_ambiguous(const ArticleText& text, const PlaceName& name, const Hit& hit, std::span<const Hit> context,
                               std::span<const std::uint8_t> present, ExplanationSink* explain) const;
  std::span<Hit> with_places(std::uint32_t watchlist, std::span<const Hit> own, const PlacesRead& read) const;
  const std::vector<std::uint32_t>& listeners_reached(const PlacesRead& read) const;
  void note_ignored(ExplanationSink& explain, const ArticleText& text, const PlaceName& name, const Hit& hit,
                    const std::string& reason) const;
  void resolve_overlaps(const CompiledWatchlist& wl, std::span<const Hit> hits, const ArticleText& text, WatchlistHits& found,
                        Explanation* explain) const;
  std::string via(const Hit& hit, bool with_ancestor) const;
};

Matcher::Matcher(const std::vector<config::WatchlistConfig>& watchlists) : compiled_(std::make_unique<Compiled>()) {
  Compiled& c = *compiled_;
  Inflections inflections;
  c.inflections = &inflections;
  const Gazetteer& gazetteer = c.gazetteer;

  c.watchlists.reserve(watchlists.size());
  for (std::size_t wi = 0; wi < watchlists.size(); ++wi) {
    const config::WatchlistConfig& wl = watchlists[wi];
    const auto w = static_cast<std::uint32_t>(wi);
    CompiledWatchlist cw;
    cw.name = wl.name;
    cw.require = wl.require;
    cw.expression = wl.require_expression;
    cw.min_score = wl.min_score;
    cw.languages = wl.languages;
    for (std::size_t k = 0; k < wl.actors.size(); ++k) {
      const config::Term& term = wl.actors[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::actor, false, false};
      c.add(term.name, Target{w, static_cast<std::uint32_t>(k), Role::actor, false, true});
      if (term.variants) c.add_variants(term.name, target);
      c.add_aliases(term, target, term.variants);
      cw.actors.push_back(CompiledTerm{term.name, term.weight});
      cw.actor_rules.push_back(c.compile_actor_rules(term, w, static_cast<std::uint32_t>(k)));
    }
    for (std::size_t k = 0; k < wl.regions.size(); ++k) {
      const config::Term& term = wl.regions[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::region, false};
      const Listener listener{w, static_cast<std::uint32_t>(k), Role::region};
      // Aliases are the author's explicit choice and match as written; the name goes through the
      // gazetteer (capitals, demonyms, provinces, ambiguity rules) when the gazetteer knows it.
      c.add_aliases(term, target, false);
      const GazetteerEntry* entry = gazetteer.find(term.name);
      for (std::size_t a = 0; entry == nullptr && a < term.aliases.size(); ++a) entry = gazetteer.find(term.aliases[a]);
      if (entry != nullptr) c.listen(*entry, listener);
      else if (term.members.empty()) c.add(term.name, target);
      for (const std::string& member : term.members) {
        if (const GazetteerEntry* m = gazetteer.find(member)) c.listen(*m, listener);
        else c.add(member, target);
      }
      cw.regions.push_back(CompiledTerm{term.name, term.weight});
    }
    for (std::size_t k = 0; k < wl.exclude.size(); ++k) {
      c.add(wl.exclude[k], Target{w, static_cast<std::uint32_t>(k), Role::exclude, false});
      cw.excludes.push_back(wl.exclude[k]);
    }
    if (!cw.expression.empty()) {
      cw.atoms.resize(count_nodes(cw.expression.root()));
      std::size_t pre = 0;
      c.compile_atoms(cw.expression.root(), wl, cw, w, pre);
    }
    c.watchlists.push_back(std::move(cw));
  }
  // Articles that name no place any watchlist listens to skip place resolution altogether.
  c.place_listened.assign(gazetteer.names().size(), 0);
  auto listened = [&](std::uint32_t entry) {
    for (std::uint32_t a : gazetteer.ancestors(entry))
      if (c.listeners.count(a) != 0) return true;
    return false;
  };
  for (std::size_t i = 0; i < gazetteer.names().size(); ++i) {
    const PlaceName& name = gazetteer.names()[i];
    bool any = std::any_of(name.entries.begin(), name.entries.end(), listened);
    if (name.ambiguity >= 0)
      for (const Sense& sense : gazetteer.ambiguities()[static_cast<std::size_t>(name.ambiguity)].senses)
        any = any || (sense.entry != Sense::kNoPlace && listened(sense.entry));
    c.place_listened[i] = any ? 1 : 0;
  }
  c.reached.resize(gazetteer.entries().size());
  for (std::uint32_t e = 0; e < gazetteer.entries().size(); ++e)
    for (std::uint32_t a : gazetteer.ancestors(e))
      if (const auto it = c.listeners.find(a); it != c.listeners.end())
        for (const Listener& l : it->second) c.reached[e].emplace_back(a, l);
  for (auto& list : c.reached)
    std::stable_sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.second.watchlist < y.second.watchlist; });
  c.place_only_rules = !std::all_of(c.watchlists.begin(), c.watchlists.end(), needs_actor);

  // Gazetteer names and the context words of ambiguous names join the one automaton, but only
  // those that can change what a watchlist sees: the names a watchlist listens to, and every name
  // that could overlap one of them in a text, directly or through a chain of overlapping names
  // (they decide the leftmost-longest reading: "Papua New Guinea" is not "Guinea"). Two names can
  // overlap only where they share a word. Watchlists of actors alone match no place at all.
  const std::vector<char> needed = names_needed(gazetteer, c.place_listened);
  c.given_name_place.assign(gazetteer.names().size(), 0);
  std::vector<char> ambiguity_needed(gazetteer.ambiguities().size(), 0);
  for (std::uint32_t i = 0; i < gazetteer.names().size(); ++i) {
    if (needed[i] == 0) continue;
    const PlaceName& name = gazetteer.names()[i];
    c.add(name.text, Target{0, i, Role::place, false});
    if (const std::vector<Token> words = Normalizer::tokenize(name.text); words.size() == 1)
      c.given_name_place[i] = PersonNames::is_given_name(words.front().text) ? 1 : 0;
    if (name.ambiguity >= 0) ambiguity_needed[static_cast<std::size_t>(name.ambiguity)] = 1;
  }
  std::unordered_map<std::string, std::uint32_t> context_ids;
  std::vector<char> context_added;
  for (std::size_t a = 0; a < gazetteer.ambiguities().size(); ++a) {
    auto& senses = c.sense_context.emplace_back();
    for (const Sense& sense : gazetteer.ambiguities()[a].senses) {
      auto& ids = senses.emplace_back();
      for (std::string_view word : sense.context) {
        const auto [it, inserted] = context_ids.emplace(Normalizer::key(word), static_cast<std::uint32_t>(c.context_words.size()));
        if (inserted) {
          c.context_words.emplace_back(word);
          context_added.push_back(0);
        }
        if (ambiguity_needed[a] != 0 && context_added[it->second] == 0) {
          c.add(word, Target{0, it->second, Role::context, false});
          context_added[it->second] = 1;
        }
        if (std::find(ids.begin(), ids.end(), it->second) == ids.end()) ids.push_back(it->second);
      }
    }
  }
  c.finish_targets();
  c.inflections = nullptr;
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

std::size_t Matcher::phrase_count() const { return compiled_->phrases; }

namespace {

// A clause's spans are places where its terms were found, kept once each: repeated, a chain of
// near/N would multiply them at every link (each pair in range adds both of its spans).
void keep_distinct(std::vector<Span>& spans) {
  std::sort(spans.begin(), spans.end());
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
}

// Evaluates the rule over the spans each atom was found at.
class RuleEvaluator {
 public:
  RuleEvaluator(const CompiledWatchlist& wl, const std::vector<const Hit*>& counted,
                const std::vector<const Hit*>& phrases, std::vector<Explanation::Clause>* clauses)
      : wl_(wl), counted_(counted), phrases_(phrases), clauses_(clauses) {}

  struct Value {
    bool held = false;
    std::vector<Span> spans;
  };

  Value eval(const RequireNode& n, std::uint32_t mask, std::size_t& pre, int depth) {
    const std::size_t index = pre++;
    std::size_t clause = 0;
    if (clauses_ != nullptr) {
      clause = clauses_->size();
      clauses_->push_back(Explanation::Clause{depth, std::string(wl_.expression.source(n)), false});
    }
    Value v;
    using Kind = RequireNode::Kind;
    switch (n.kind) {
      case Kind::any_term:
      case Kind::any_actor:
      case Kind::any_region:
        for (const Hit* h : counted_)
          if ((slot_bit(h->slot) & mask) && (n.kind == Kind::any_term || (h->role == Role::actor) == (n.kind == Kind::any_actor)))
            v.spans.push_back(Span{h->slot, h->begin, h->end});
        break;
      case Kind::term: {
        const Atom& atom = wl_.atoms[index];
        for (const Hit* h : atom.role == Role::phrase ? phrases_ : counted_)
          if (h->role == atom.role && h->id == atom.id && (slot_bit(h->slot) & mask))
            v.spans.push_back(Span{h->slot, h->begin, h->end});
        break;
      }
      case Kind::all:
      case Kind::either:
      case Kind::at_least: {
        int held = 0;
        for (const RequireNode& c : n.children) {
          Value cv = eval(c, mask, pre, depth + 1);
          if (cv.held) {
            ++held;
            v.spans.insert(v.spans.end(), cv.spans.begin(), cv.spans.end());
          }
        }
        const int needed = n.kind == Kind::all ? static_cast<int>(n.children.size()) : n.kind == Kind::either ? 1 : n.count;
        v.held = held >= needed;
        if (!v.held) v.spans.clear();
        keep_distinct(v.spans);
        break;
      }
      case Kind::negate:
        v.held = !eval(n.children.front(), mask, pre, depth + 1).held;
        break;
      case Kind::scope:
        v = eval(n.children.front(), mask & field_mask(n.field), pre, depth + 1);
        break;
      case Kind::near: {
        const Value a = eval(n.children[0], mask, pre, depth + 1);
        const Value b = eval(n.children[1], mask, pre, depth + 1);
        for (const Span& x : a.spans)
          for (const Span& y : b.spans) {
            if (x.slot != y.slot) continue;
            const std::uint32_t lo_end = std::min(x.end, y.end);
            const std::uint32_t hi_begin = std::max(x.begin, y.begin);
            const std::uint32_t distance = hi_begin >= lo_end ? hi_begin - lo_end + 1 : 0;  // adjacent words: 1
            if (distance <= static_cast<std::uint32_t>(n.count)) {
              v.spans.push_back(x);
              v.spans.push_back(y);
            }
          }
        keep_distinct(v.spans);
        break;
      }
    }
    if (n.kind != Kind::all && n.kind != Kind::either && n.kind != Kind::at_least && n.kind != Kind::negate &&
        n.kind != Kind::scope)
      v.held = !v.spans.empty();
    if (clauses_ != nullptr) (*clauses_)[clause].held = v.held;
    return v;
  }

 private:
  const CompiledWatchlist& wl_;
  const std::vector<const Hit*>& counted_;
  const std::vector<const Hit*>& phrases_;
  std::vector<Explanation::Clause>* clauses_;
};

std::string format_score(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace


namespace {

// How much a context word says for one reading of the name at `hit`: 3 right beside it, 1
// elsewhere in the article, 0 when the article does not have it.
int context_weight(std::uint32_t word, const Hit& hit, std::span<const Hit> context) {
  int best_here = 0;
  for (const Hit& cx : context) {
    if (cx.id != word) continue;
    const bool adjacent = cx.slot == hit.slot && (cx.end == hit.begin || cx.begin == hit.end);
    const bool inside = cx.slot == hit.slot && cx.begin >= hit.begin && cx.end <= hit.end;
    if (inside) continue;  // "Georgia" is not evidence for itself
    best_here = std::max(best_here, adjacent ? 3 : 1);
  }
  return best_here;
}

// The watchlists with something to report, in config order: those with hits (`hits` is sorted by
// watchlist), those `reached` by a place read (when some watchlist can fire on places alone, or
// when explaining), and when explaining, those that passed over a place name.
const std::vector<std::uint32_t>& owners_of(std::span<const Hit> hits, std::span<const std::uint32_t> reached,
                                            const ExplanationSink* explain) {
  thread_local std::vector<std::uint32_t> owners;
  owners.clear();
  for (const Hit& h : hits)
    if (owners.empty() || owners.back() != h.owner) owners.push_back(h.owner);
  const std::size_t in_order = owners.size();
  for (const std::uint32_t w : reached)
    if (std::find(owners.begin(), owners.end(), w) == owners.end()) owners.push_back(w);
  if (explain != nullptr)
    for (const auto& [w, list] : explain->ignored)
      if (std::find(owners.begin(), owners.end(), w) == owners.end()) owners.push_back(w);
  if (owners.size() > in_order) std::sort(owners.begin(), owners.end());
  return owners;
}

// The watchlist's rule over what was found: its require expression, or else its `require` setting.
RuleOutcome evaluate_rule(const CompiledWatchlist& wl, const WatchlistHits& found, std::vector<Explanation::Clause>* clauses) {
  RuleOutcome rule;
  if (!wl.expression.empty()) {
    RuleEvaluator evaluator(wl, found.counted, found.phrases, clauses);
    std::size_t pre = 0;
    rule.held = evaluator.eval(wl.expression.root(), 15, pre, 0).held;
    rule.text = wl.expression.text();
    return rule;
  }
  switch (wl.require) {
    case config::Require::any: rule.held = found.any_actor || found.any_region, rule.text = "any"; break;
    case config::Require::actor: rule.held = found.any_actor, rule.text = "actor"; break;
    case config::Require::region: rule.held = found.any_region, rule.text = "region"; break;
    case config::Require::actor_and_region:
      rule.held = found.any_actor && found.any_region, rule.text = "actor and region";
      break;
  }
  if (clauses != nullptr) clauses->push_back(Explanation::Clause{0, std::string(rule.text), rule.held});
  return rule;
}

void give_verdict(Explanation& ex, const CompiledWatchlist& wl, const WatchlistHits& found, const RuleOutcome& rule, bool fires) {
  ex.fired = fires;
  ex.score = found.score;
  if (!found.vetoed_by.empty())
    ex.verdict = "not sent: the article mentions '" + std::string(found.vetoed_by) + "', which the watchlist excludes";
  else if (!rule.held) ex.verdict = "not sent: the rule '" + std::string(rule.text) + "' did not hold";
  else if (!fires) ex.verdict = "not sent: score " + format_score(found.score) + " is below min_score " + format_score(wl.min_score);
  else ex.verdict = "sent: the rule '" + std::string(rule.text) + "' held with score " + format_score(found.score);
}

// The terms of a match in config order (kept sorted as they come), each with its spellings in
// reading order.
void add_terms(Match& m, const CompiledWatchlist& wl, std::span<const Hit* const> counted, const ArticleText& text) {
  thread_local std::vector<std::uint32_t> actor_ids;  // term ids of Match::actors, in the same order
  thread_local std::vector<std::uint32_t> region_ids;
  actor_ids.clear();
  region_ids.clear();
  for (const Hit* hit : counted) {
    const bool actor = hit->role == Role::actor;
    const CompiledTerm& term = actor ? wl.actors[hit->id] : wl.regions[hit->id];
    std::vector<std::uint32_t>& ids = actor ? actor_ids : region_ids;
    std::vector<TermHit>& list = actor ? m.actors : m.regions;
    const auto at = std::lower_bound(ids.begin(), ids.end(), hit->id);
    const auto index = at - ids.begin();
    if (at == ids.end() || *at != hit->id) {
      ids.insert(at, hit->id);
      list.insert(list.begin() + index, TermHit{term.name, {}});
    }
    // The spelling as written; a string is made only for a new one. Most were met before, as
    // written: the spellings kept are plainly spaced, so one equal to this needs no other check.
    const std::string_view raw = text.raw(*hit);
    std::vector<std::string>& forms = list[static_cast<std::size_t>(index)].surface_forms;
    if (std::find(forms.begin(), forms.end(), raw) != forms.end()) continue;
    if (plainly_spaced(raw)) {
      forms.emplace_back(raw);
    } else if (std::string surface = collapse_space(raw); std::find(forms.begin(), forms.end(), surface) == forms.end()) {
      forms.push_back(std::move(surface));
    }
  }
}

// Up to kMaxSnippets distinct snippets around the kept hits, the body's first. Reorders `kept`.
void add_snippets(Match& m, std::vector<const Hit*>& kept, const ArticleText& text) {
  // Body first (stable: an insertion sort, as the list is short and needs no buffer).
  for (std::size_t a = 1; a < kept.size(); ++a)
    for (std::size_t b = a; b > 0 && snippet_preference(kept[b]->slot) < snippet_preference(kept[b - 1]->slot); --b)
      std::swap(kept[b], kept[b - 1]);
  thread_local std::vector<std::pair<std::uint32_t, Window>> windows;  // snippet windows by slot
  windows.clear();
  for (const Hit* hit : kept) {
    if (m.snippets.size() == kMaxSnippets) break;
    const LookedUpWords& toks = text.tokens[hit->slot];
    const std::size_t hb = toks[hit->begin].begin;
    const std::size_t he = toks[hit->end - 1].end;
    const bool inside = std::any_of(windows.begin(), windows.end(), [&](const auto& w) {
      return w.first == hit->slot && w.second.begin <= hb && he <= w.second.end;
    });
    if (inside) continue;
    const Window w = snippet_window(text.texts[hit->slot], hb, he);
    std::string snippet = render_snippet(text.texts[hit->slot], w);
    windows.emplace_back(hit->slot, w);
    if (std::find(m.snippets.begin(), m.snippets.end(), snippet) == m.snippets.end()) m.snippets.push_back(std::move(snippet));
  }
}

// Only for a watchlist that fires: the match with its terms, their spellings and the snippets.
Match describe_match(const CompiledWatchlist& wl, WatchlistHits& found, const ArticleText& text) {
  Match m;
  m.score = found.score;
  m.watchlist = wl.name;
  m.actors.reserve(found.counted.size());
  m.snippets.reserve(std::min(found.kept.size(), kMaxSnippets));
  add_terms(m, wl, found.counted, text);
  add_snippets(m, found.kept, text);
  return m;
}

}  // namespace

// One pass over every token of the article, walking the shared trie from each position and
// recording every phrase that ends along the way. True when some place found has a reading a
// watchlist listens to.
bool Matcher::Compiled::collect_hits(const ArticleText& text, std::vector<Hit>& hits, std::vector<Hit>& places,
                                     std::vector<Hit>& context, ExplanationSink* explain) const {
  bool place_heard = false;
  for (std::size_t s = 0; s < text.texts.size(); ++s) {
    LookedUpWords& toks = text.tokens[s];
    if (text.texts[s].empty()) {
      toks.count = toks.known_count = 0;
      continue;
    }
    // Every word looked up as the scanner finds it; the walk below visits only the known ones.
    Normalizer::scan(text.texts[s], trie, toks);
    split_apostrophes(text.texts[s], toks);
    int shouting = -1;  // the text is in capitals; worked out at its first acronym
    const std::size_t known_count = toks.known_count;
    const std::vector<std::uint32_t>& known = toks.known;
    for (std::size_t ki = 0; ki < known_count; ++ki) {
      const std::size_t i = known[ki];
      std::uint32_t n = TokenTrie::kRoot;
      bool all_upper = true;
      for (std::size_t j = i; j < toks.size() && toks[j].word != TokenTrie::kUnknown; ++j) {
        n = trie.step(n, toks[j].word);
        if (n == TokenTrie::kNone) break;
        all_upper = all_upper && toks[j].upper;
        for (std::uint32_t k = target_begin[n]; k < target_begin[n + 1]; ++k) {
          const Target& t = flat_targets[k];
          Hit hit{t.owner, static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i),
                  static_cast<std::uint32_t>(j + 1), t.role, static_cast<std::uint8_t>(t.canonical ? kCanonical : 0), t.id};
          if (t.case_sensitive && !all_upper) {
            if (explain != nullptr) note_lower_case_acronym(*explain, text, hit);
            continue;
          }
          if (t.languages != 0 && !language_fits(text.lang, alias_languages[t.languages - 1].languages)) {
            if (explain != nullptr) note_other_language(*explain, text, hit, alias_languages[t.languages - 1]);
            continue;
          }
          if (t.case_sensitive) {
            if (shouting < 0) shouting = NeighbourWords::shouting(text.texts[s]) ? 1 : 0;
            if (shouting == 1) hit.flags |= kShouted;
          }
          if (t.role == Role::place) {
            places.push_back(hit);
            place_heard = place_heard || place_listened[t.id] != 0;
          } else if (t.role == Role::context) context.push_back(hit);
          else hits.push_back(hit);
        }
      }
    }
  }
  return place_heard;
}

// Words joined to a name by an apostrophe are looked up without it: French elision ("l'Iran",
// "d'Israël") and Turkish suffixes ("Ankara'da", "Erdoğan'ın"). The word then stands for the name
// alone, so its hit covers only the name's bytes.
void Matcher::Compiled::split_apostrophes(std::string_view text, LookedUpWords& toks) const {
  if (!toks.inner_apostrophes) return;  // the scan saw none: no word to split, and no search
  // The next mark of each kind, each searched for again only once it is passed: most texts have
  // a few of one kind and none of the other.
  constexpr std::string_view kCurly = "\xE2\x80\x99";
  std::size_t plain = text.find('\'');
  std::size_t curly = text.find(kCurly);
  const auto next_mark = [&](std::size_t from) {
    if (plain < from) plain = text.find('\'', from);
    if (curly < from) curly = text.find(kCurly, from);
    return std::min(plain, curly);
  };
  std::size_t at = std::min(plain, curly);
  if (at == std::string_view::npos) return;
  thread_local LookedUpWords part;
  bool changed = false;
  const auto words = std::span<LookedUpWord>(toks.words.data(), toks.count);
  for (; at != std::string_view::npos; at = next_mark(at + 1)) {
    // The word holding the mark, if any ("Iran's" ends before it).
    auto it = std::upper_bound(words.begin(), words.end(), at, [](std::size_t p, const LookedUpWord& w) { return p < w.begin; });
    if (it == words.begin()) continue;
    LookedUpWord& w = *--it;
    if (at >= w.end || w.word != TokenTrie::kUnknown) continue;
    const std::size_t mark = text[at] == '\'' ? 1 : 3;
    if (at + mark >= w.end) continue;
    const std::string_view head = text.substr(w.begin, at - w.begin);
    const std::string_view tail = text.substr(at + mark, w.end - at - mark);
    const bool elision = head.size() <= 7 && kElisions.find("|" + ascii_lower(head) + "|") != std::string_view::npos;
    if (!elision && !is_suffix(tail)) continue;
    const std::string_view name = elision ? tail : head;
    Normalizer::scan(name, trie, part);
    if (part.count != 1 || part.words[0].word == TokenTrie::kUnknown) continue;
    w.word = part.words[0].word;
    w.upper = part.words[0].upper;
    w.capitalized = part.words[0].capitalized;
    w.begin = static_cast<std::uint32_t>(name.data() - text.data());
    w.end = w.begin + static_cast<std::uint32_t>(name.size());
    changed = true;
  }
  if (!changed) return;
  if (toks.known.size() < toks.count) toks.known.resize(toks.count);
  toks.known_count = 0;
  for (std::size_t i = 0; i < toks.count; ++i)
    if (toks.words[i].word != TokenTrie::kUnknown) toks.known[toks.known_count++] = static_cast<std::uint32_t>(i);
}

// Places: leftmost-longest over every gazetteer name ("Papua New Guinea" is not "Guinea", "South
// Sudan" is not "Sudan"), then capitalization and context decide ambiguous names. Each place is
// read once, into `read`; with_places makes it a watchlist's hits. `places` is not empty (no place
// heard: every article, for watchlists of actors alone, and run() does not call this).
void Matcher::Compiled::resolve_places(const ArticleText& text, std::vector<Hit>& places, std::span<const Hit> context,
                                       std::span<const Hit> terms, PlacesRead& read, ExplanationSink* explain) const {
  std::sort(places.begin(), places.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.slot, a.begin, b.end) < std::tie(b.slot, b.begin, a.end);
  });
  std::vector<Reading>& readings = read.readings;
  std::vector<std::uint32_t>& entries = read.entries;
  thread_local std::vector<NameRead> people;
  people.clear();
  // The context words the article has at all: most senses' words are not there, and need no search
  // through the context hits.
  thread_local std::vector<std::uint8_t> present;
  present.assign(context_words.size(), 0);
  for (const Hit& cx : context) present[cx.id] = 1;
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t covered = 0;
  for (const Hit& hit : places) {
    if (hit.slot != slot) slot = hit.slot, covered = 0;
    if (hit.begin < covered) continue;
    covered = hit.end;
    const PlaceName& name = gazetteer.names()[hit.id];
    if (name.capital_only && !text.tokens[hit.slot][hit.begin].capitalized) {
      if (explain != nullptr) note_ignored(*explain, text, name, hit, "written in lower case, so read as an ordinary word");
      continue;
    }
    // A name no watchlist listens to counts for nothing, so whether it is a person's is not asked.
    if (const std::string why = place_listened[hit.id] != 0 ? person_reading(text, hit, places, terms) : std::string(); !why.empty()) {
      const LookedUpWord& w = text.tokens[hit.slot][hit.begin];
      const std::string_view after = word_after(text, hit);
      people.push_back(NameRead{hit.id, text.texts[hit.slot].substr(w.begin, w.end - w.begin), after, hyphenated_end(text.texts[hit.slot], after)});
      if (explain != nullptr) note_ignored(*explain, text, name, hit, why);
      continue;
    }
    Reading r{hit, static_cast<std::uint32_t>(entries.size()), 0, false};
    if (name.ambiguity < 0) {
      entries.insert(entries.end(), name.entries.begin(), name.entries.end());
    } else if (const std::uint32_t entry = read_ambiguous(text, name, hit, context, present, explain); entry != Sense::kNoPlace) {
      entries.push_back(entry);
    } else {
      continue;
    }
    r.count = static_cast<std::uint32_t>(entries.size()) - r.first;
    readings.push_back(r);
  }
  // The same name elsewhere in the article is the same person when the same word follows it, or
  // none ("Egypt Sherrod" in a title after "the host Egypt Sherrod" in the text; "Keepers gave
  // Jordan, a giraffe" after "Jordan the giraffe").
  for (Reading& r : readings) {
    for (const NameRead& p : people)
      if (r.hit.id == p.name && (word_after(text, r.hit) == p.after || word_after(text, r.hit).empty())) {
        r.dropped = true;
        if (explain != nullptr) note_ignored(*explain, text, gazetteer.names()[p.name], r.hit, "read as a person's name, as elsewhere in the article");
      }
    if (!r.dropped && !people.empty() && r.hit.end - r.hit.begin == 1 &&
        faces_named_team(text.texts[r.hit.slot], text.tokens[r.hit.slot][r.hit.begin].begin, text.tokens[r.hit.slot][r.hit.begin].end, people)) {
      r.dropped = true;
      if (explain != nullptr) note_ignored(*explain, text, gazetteer.names()[r.hit.id], r.hit, "read as a team, facing a name that is not a place");
    }
  }
  qualify_cities(text, readings, entries, explain);
  support_shouted(text, readings, entries, explain);
}

// The word right before word `index` of a slot, from the scanner's words, when one space (or an
// abbreviation's full stop and a space: "Mr. Jordan") separates them; empty otherwise.
std::string_view Matcher::Compiled::word_before(const ArticleText& text, std::uint32_t slot, std::uint32_t index) const {
  if (index == 0) return {};
  const std::string_view t = text.texts[slot];
  const LookedUpWord& prev = text.tokens[slot][index - 1];
  const std::size_t begin = text.tokens[slot][index].begin;
  if (prev.end + 1 == begin && t[prev.end] == ' ') return t.substr(prev.begin, prev.end - prev.begin);
  if (prev.end + 2 == begin && t[prev.end] == '.' && t[prev.end + 1] == ' ' && prev.end - prev.begin <= 4)
    return t.substr(prev.begin, prev.end - prev.begin);
  return {};
}

// The word right after a hit, as written ("Hilton" after "Paris"); empty when punctuation follows.
std::string_view Matcher::Compiled::word_after(const ArticleText& text, const Hit& hit) const {
  return NeighbourWords::after(text.texts[hit.slot], text.tokens[hit.slot][hit.end - 1].end);
}

// Why a place's name at `hit` is a person's (or an animal's, or a thing's) name, or empty: after a
// title ("singer India Arie", "a cat called Turkey"), after a given name ("Jim Jordan"), or itself a
// given name before a capitalised word that is not part of an institution's name ("Paris Hilton",
// not "Israel Defense Forces"). Capitals say nothing in a text written in capitals or in title case.
std::string Matcher::Compiled::person_reading(const ArticleText& text, const Hit& hit, std::span<const Hit> places,
                                              std::span<const Hit> terms) const {
  const std::string_view t = text.texts[hit.slot];
  const LookedUpWord& first = text.tokens[hit.slot][hit.begin];
  if (first.upper || !first.capitalized) return {};
  thread_local std::string buffer;
  const std::string_view before = word_before(text, hit.slot, hit.begin);
  // Most words before a place are short lower-case ones ("in", "of", "and"): no title is written
  // in lower case with fewer than four letters, so those need no lookup, and none needs folding.
  const bool lower_ascii = !before.empty() && std::all_of(before.begin(), before.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (lower_ascii) {
    if (before.size() >= 4 && PersonNames::is_title(before)) return "read as a name after '" + std::string(before) + "', not a place";
  } else if (!before.empty() && latin(before) && NeighbourWords::capitalized(before)) {
    const std::string_view folded = PersonNames::fold(before, buffer);
    if (PersonNames::is_title(folded)) return "read as a name after '" + std::string(before) + "', not a place";
    if (!NeighbourWords::all_upper(before) && PersonNames::is_given_name(folded))
      return "read as a person's name (the given name '" + std::string(before) + "' before it)";
  } else if (before.size() >= 4 && PersonNames::is_naming_word(before)) {  // "nommé Turquie", "по кличке Иран"
    return "read as a name after '" + std::string(before) + "', not a place";
  }
  if (hit.end - hit.begin != 1) return {};
  // A given name before a capitalised word is a person's name; any other place's name is one only
  // before a known surname that is not an English word ("Tyre Nichols", not "Georgia Power").
  const bool given = given_name_place[hit.id] != 0;
  // Most places are followed by punctuation or a lower-case word: neither makes a name, and the
  // byte after the space says so without reading the word.
  if (first.end + 1 >= t.size() || t[first.end] != ' ') return {};
  if (const auto c = static_cast<unsigned char>(t[first.end + 1]); c < 0x80 && (c < 'A' || c > 'Z') && !(given && c == 't')) return {};
  const std::string_view after = word_after(text, hit);
  if (after.empty()) return {};
  const std::string_view name = t.substr(first.begin, first.end - first.begin);
  if (given && after == "the") {  // "Jordan the giraffe", "Paris the poodle": a being's name and what it is
    const std::string_view what = NeighbourWords::after(t, static_cast<std::size_t>(after.data() - t.data()) + after.size());
    if (!what.empty() && !NeighbourWords::capitalized(what)) return "read as a name (" + std::string(name) + " the " + std::string(what) + "), not a place";
    return {};
  }
  // Institution words and surnames are in Latin letters: a word in another script is not folded.
  const bool latin_after = latin(after);
  if ((!given && !latin_after) || !NeighbourWords::capitalized(after) || NeighbourWords::all_upper(after)) return {};
  if (latin_after) {
    const std::string_view folded_after = PersonNames::fold(after, buffer);
    if ((!given && !PersonNames::is_surname(folded_after)) || PersonNames::is_institution_word(folded_after)) return {};
  }
  const auto next = std::lower_bound(places.begin(), places.end(), std::pair(hit.slot, hit.end), [](const Hit& p, const auto& at) {
    return std::pair(p.slot, p.begin) < at;
  });
  if (next != places.end() && next->slot == hit.slot && next->begin == hit.end) return {};  // another place: "Israel Lebanon"
  if (std::any_of(terms.begin(), terms.end(), [&](const Hit& h) { return h.slot == hit.slot && h.begin == hit.end; }))
    return {};  // a watched name: "Israel Hezbollah talks"
  if (NeighbourWords::title_case(t)) return {};
  return "read as a person's name (" + std::string(name) + " " + std::string(after) + ")";
}

// Every entry a place name can stand for: its entries, or each place sense of an ambiguous name.
void Matcher::Compiled::candidates(std::uint32_t name_id, std::vector<std::uint32_t>& out) const {
  out.clear();
  const PlaceName& name = gazetteer.names()[name_id];
  out.insert(out.end(), name.entries.begin(), name.entries.end());
  if (name.ambiguity >= 0)
    for (const Sense& sense : gazetteer.ambiguities()[static_cast<std::size_t>(name.ambiguity)].senses)
      if (sense.entry != Sense::kNoPlace && std::find(out.begin(), out.end(), sense.entry) == out.end()) out.push_back(sense.entry);
}

// "City, Region" and datelines ("TRIPOLI, Lebanon", "Moscow, Idaho", "GOMA, Congo (AP)", "TRIPOLI
// (Liban)"): the region names the place. A city it contains keeps that reading and picks the
// region's matching sense ("Tbilisi, Georgia"); a city it does not contain is another place of that
// name and counts for the region alone. Lists ("Moscow, Tehran and Beirut"; "Israel, Lebanon agree")
// are not such pairs.
void Matcher::Compiled::qualify_cities(const ArticleText& text, std::vector<Reading>& readings, std::vector<std::uint32_t>& entries,
                                       ExplanationSink* explain) const {
  thread_local std::vector<std::uint32_t> city;
  thread_local std::vector<std::uint32_t> region;
  // The first byte after a hit that is not a space: most places are followed by neither ',' nor '(',
  // and need no gap to the next place measured.
  auto mark_after = [&](const Hit& h) {
    const std::string_view t = text.texts[h.slot];
    std::size_t at = text.tokens[h.slot][h.end - 1].end;
    while (at < t.size() && t[at] == ' ') ++at;
    return at < t.size() ? t[at] : '\0';
  };
  for (std::size_t k = 0; k < readings.size(); ++k) {
    Reading& a = readings[k];
    if (a.dropped || (k > 0 && readings[k - 1].hit.slot == a.hit.slot && mark_after(readings[k - 1].hit) == ',' &&
                      gap(text, readings[k - 1].hit, a.hit) == ","))
      continue;
    // The qualifier: the next place found, or else a region's name the automaton does not hold
    // (only names a watchlist can hear are compiled).
    Reading* b = nullptr;
    std::uint32_t qualifier = UINT32_MAX;
    const char mark = mark_after(a.hit);
    if (k + 1 < readings.size() && readings[k + 1].hit.slot == a.hit.slot && (mark == ',' || mark == '(')) {
      const std::string_view g = gap(text, a.hit, readings[k + 1].hit);
      if (g == "," || g == "(") {
        b = &readings[k + 1];
        if (b->dropped || !gazetteer.names()[b->hit.id].region_name) continue;
        if (k + 2 < readings.size() && readings[k + 2].hit.slot == b->hit.slot && is_list_gap(gap(text, b->hit, readings[k + 2].hit)))
          continue;
        qualifier = b->hit.id;
      }
    }
    if (b == nullptr && (qualifier = unheard_qualifier(text, a.hit)) == UINT32_MAX) continue;
    candidates(a.hit.id, city);
    candidates(qualifier, region);
    const auto subdivision = std::find_if(region.begin(), region.end(),
                                          [&](std::uint32_t e) { return gazetteer.entries()[e].kind == PlaceKind::subdivision; });
    if (gazetteer.names()[a.hit.id].region_name && subdivision == region.end()) continue;  // "Israel, Lebanon agree"
    std::uint32_t in_city = Sense::kNoPlace;
    std::uint32_t in_region = Sense::kNoPlace;
    for (std::uint32_t c : city)
      for (std::uint32_t r : region) {
        const auto& up = gazetteer.ancestors(c);
        if (in_city == Sense::kNoPlace && c != r && std::find(up.begin(), up.end(), r) != up.end()) in_city = c, in_region = r;
      }
    if (in_city != Sense::kNoPlace) {
      set_entry(a, in_city, entries);
      if (b != nullptr) set_entry(*b, in_region, entries);
      continue;
    }
    a.dropped = true;
    const std::uint32_t where = subdivision != region.end() ? *subdivision : region.front();
    if (b != nullptr && subdivision != region.end()) set_entry(*b, *subdivision, entries);
    if (explain != nullptr) {
      const GazetteerEntry& place = gazetteer.entries()[where];
      note_ignored(*explain, text, gazetteer.names()[a.hit.id], a.hit,
                   "read as another place of that name, in " + std::string(place.name) + " (" + std::string(place.code) + ")");
    }
  }
}

// The region named right after `hit` and a comma or an opening bracket, when no watchlist hears it
// ("MOSCOW, Idaho" for a watchlist of Russia): up to three capitalised words, longest first; not
// when a list goes on after it ("Moscow, Kyiv and Minsk"). UINT32_MAX when there is none.
std::uint32_t Matcher::Compiled::unheard_qualifier(const ArticleText& text, const Hit& hit) const {
  const std::string_view t = text.texts[hit.slot];
  std::size_t at = text.tokens[hit.slot][hit.end - 1].end;
  while (at < t.size() && t[at] == ' ') ++at;
  if (at + 2 >= t.size() || (t[at] != ',' && t[at] != '(')) return UINT32_MAX;
  std::array<std::string_view, 3> words{};
  std::size_t count = 0;
  // "TRIPOLI (Liban)": no space after the bracket.
  std::string_view w = t[at] == '(' && t[at + 1] != ' ' ? first_word(t, at + 1) : NeighbourWords::after(t, at + 1);
  while (!w.empty() && NeighbourWords::capitalized(w) && count < words.size()) {
    words[count++] = w;
    w = NeighbourWords::after(t, static_cast<std::size_t>(w.data() - t.data()) + w.size());
  }
  for (; count > 0; --count) {
    const std::size_t begin = static_cast<std::size_t>(words[0].data() - t.data());
    const std::size_t end = static_cast<std::size_t>(words[count - 1].data() - t.data()) + words[count - 1].size();
    const std::uint32_t name = gazetteer.region_name(Normalizer::key(t.substr(begin, end - begin)));
    if (name == UINT32_MAX) continue;
    const std::string_view next = NeighbourWords::after(t, end);
    if (next == "and" || next == "or") return UINT32_MAX;
    return name;
  }
  return UINT32_MAX;
}

// An acronym in a text written in capitals ("LET US PRAY") counts only when the article names the
// same place without shouting: "US" in a capitals headline needs "Washington" or "American" below.
void Matcher::Compiled::support_shouted(const ArticleText& text, std::vector<Reading>& readings, const std::vector<std::uint32_t>& entries,
                                        ExplanationSink* explain) const {
  for (Reading& r : readings) {
    if ((r.hit.flags & kShouted) == 0 || r.dropped) continue;
    bool supported = false;
    for (const Reading& other : readings) {
      if ((other.hit.flags & kShouted) != 0 || other.dropped) continue;
      for (std::uint32_t i = 0; !supported && i < other.count; ++i) {
        const auto& up = gazetteer.ancestors(entries[other.first + i]);
        for (std::uint32_t j = 0; !supported && j < r.count; ++j)
          supported = std::find(up.begin(), up.end(), entries[r.first + j]) != up.end();
      }
    }
    if (supported) continue;
    r.dropped = true;
    if (explain != nullptr) note_ignored(*explain, text, gazetteer.names()[r.hit.id], r.hit, std::string(kShoutedReason));
  }
}

std::string_view Matcher::Compiled::gap(const ArticleText& text, const Hit& a, const Hit& b) const {
  return NeighbourWords::gap(text.texts[a.slot], text.tokens[a.slot][a.end - 1].end, text.tokens[b.slot][b.begin].begin);
}

// The entry an ambiguous name at `hit` is read as (Sense::kNoPlace: not a place), by the sense whose
// context words the article has most of; the first sense, the default, when none has more.
std::uint32_t Matcher::Compiled::read_ambiguous(const ArticleText& text, const PlaceName& name, const Hit& hit,
                                                std::span<const Hit> context, std::span<const std::uint8_t> present,
                                                ExplanationSink* explain) const {
  const auto a = static_cast<std::size_t>(name.ambiguity);
  const auto& senses = sense_context[a];
  std::size_t best = 0;
  int best_score = -1;
  for (std::size_t si = 0; si < senses.size(); ++si) {
    int score = 0;
    for (std::uint32_t word : senses[si])
      if (present[word] != 0) score += context_weight(word, hit, context);
    if (score > best_score) best = si, best_score = score;
  }
  const Sense& sense = gazetteer.ambiguities()[a].senses[best];
  if (explain == nullptr || (sense.entry != Sense::kNoPlace && best == 0)) return sense.entry;

  std::string evidence;
  for (std::uint32_t word : senses[best])
    if (context_weight(word, hit, context) > 0) {
      if (!evidence.empty()) evidence += ", ";
      evidence += context_words[word];
    }
  const std::string because = evidence.empty() ? std::string("no context words, so the default reading") : "context: " + evidence;
  if (sense.entry == Sense::kNoPlace) {
    note_ignored(*explain, text, name, hit, "read as not a place (" + because + ")");
  } else {
    const GazetteerEntry& entry = gazetteer.entries()[sense.entry];
    note_ignored(*explain, text, name, hit,
                 "read as " + std::string(entry.name) + " (" + std::string(entry.code) + "; " + because + ")");
  }
  return sense.entry;
}

// The watchlist's hits (`own`, sorted) with the places read spread over it: a place read as each of
// its entries is a hit for every entry the watchlist listens to, itself or a place containing it.
// In the order sort_hits gives, a watchlist's own hits first among equals.
std::span<Hit> Matcher::Compiled::with_places(std::uint32_t watchlist, std::span<const Hit> own, const PlacesRead& read) const {
  thread_local std::vector<Hit> spread;
  thread_local std::vector<Hit> merged;
  spread.clear();
  const auto by_watchlist = [](const std::pair<std::uint32_t, Listener>& x, std::uint32_t w) { return x.second.watchlist < w; };
  for (const Reading& r : read.readings) {
    if (r.dropped) continue;
    const std::size_t group = spread.size();
    for (std::uint32_t i = r.first; i < r.first + r.count; ++i) {
      const std::uint32_t e = read.entries[i];
      const auto& list = reached[e];
      for (auto it = std::lower_bound(list.begin(), list.end(), watchlist, by_watchlist);
           it != list.end() && it->second.watchlist == watchlist; ++it) {
        Hit h = r.hit;
        h.owner = watchlist;
        h.role = it->second.role;
        h.id = it->second.id;
        h.place = e;
        h.ancestor = it->first;
        // One place's hits share their words: by role and term, as they came among equals.
        std::size_t at = spread.size();
        spread.push_back(h);
        for (; at > group && std::tie(h.role, h.id) < std::tie(spread[at - 1].role, spread[at - 1].id); --at)
          spread[at] = spread[at - 1];
        spread[at] = h;
      }
    }
  }
  merged.resize(own.size() + spread.size());
  std::merge(own.begin(), own.end(), spread.begin(), spread.end(), merged.begin(), hit_before);
  return merged;
}

// The watchlists that some place read reaches, each once.
const std::vector<std::uint32_t>& Matcher::Compiled::listeners_reached(const PlacesRead& read) const {
  thread_local std::vector<std::uint32_t> owners;
  owners.clear();
  for (const Reading& r : read.readings)
    if (!r.dropped)
      for (std::uint32_t i = r.first; i < r.first + r.count; ++i)
        for (const auto& [a, l] : reached[read.entries[i]])
          if (std::find(owners.begin(), owners.end(), l.watchlist) == owners.end()) owners.push_back(l.watchlist);
  return owners;
}

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

// Leftmost-longest within one watchlist: "Iran's supreme leader" is the actor, not also Iran.
// Several terms on the very same words all count ("Gaza" is both Gaza Strip and Palestine). `hits`
// are the watchlist's, sorted.
void Matcher::Compiled::resolve_overlaps(const CompiledWatchlist& wl, std::span<const Hit> hits, const ArticleText& text,
                                         WatchlistHits& found, Explanation* explain) const {
  found.kept.clear();
  found.counted.clear();
  found.phrases.clear();
  auto surface_of = [&](const Hit& hit) { return collapse_space(text.raw(hit)); };
  std::uint32_t cur_slot = UINT32_MAX;
  std::uint32_t cur_covered = 0;
  std::uint32_t kept_begin = UINT32_MAX;
  std::uint32_t kept_end = UINT32_MAX;
  for (const Hit& hit : hits) {
    if (hit.role == Role::actor_context || hit.role == Role::actor_avoid || (hit.flags & kDropped) != 0) continue;
    if (hit.role == Role::exclude) {
      if (found.vetoed_by.empty()) found.vetoed_by = wl.excludes[hit.id];  // excludes are never empty
      if (explain != nullptr)
        explain->occurrences.push_back({"exclude", wl.excludes[hit.id], surface_of(hit), std::string(slot_name(hit.slot)), {}, 0});
      continue;
    }
    if (hit.role == Role::phrase) {
      found.phrases.push_back(&hit);
      if (explain != nullptr)
        explain->occurrences.push_back(
            {"phrase", wl.phrases[hit.id], surface_of(hit), std::string(slot_name(hit.slot)), via(hit, false), 0});
      continue;
    }
    if (hit.slot != cur_slot) {
      cur_slot = hit.slot;
      cur_covered = 0;
      kept_begin = kept_end = UINT32_MAX;
    }
    const bool same_span = hit.begin == kept_begin && hit.end == kept_end;
    if (!same_span && hit.begin < cur_covered) continue;
    // One name reaching the same term twice ("Tehran" is Iran's capital and a province of Iran).
    if (same_span && !found.counted.empty() && found.counted.back()->role == hit.role && found.counted.back()->id == hit.id)
      continue;
    const CompiledTerm& term = hit.role == Role::actor ? wl.actors[hit.id] : wl.regions[hit.id];
    double added = 0;
    if (!same_span) {
      kept_begin = hit.begin;
      kept_end = cur_covered = hit.end;
      found.kept.push_back(&hit);
      added = weight(hit.slot) * term.weight;
      found.score += added;
    }
    found.counted.push_back(&hit);
    (hit.role == Role::actor ? found.any_actor : found.any_region) = true;
    if (explain != nullptr)
      explain->occurrences.push_back({hit.role == Role::actor ? "actor" : "region", term.name, surface_of(hit),
                                      std::string(slot_name(hit.slot)), via(hit, true), added});
  }
}

// Drops the watchlist's actor hits that mean someone or something else: a relative sharing the
// actor's surname ("Emine Erdoğan"), an alias without any of the actor's `context:` words in the
// article, or near one of its `not_near:` words; and acronyms shouted in a capitals headline that
// the article does not name otherwise.
void Matcher::Compiled::apply_actor_rules(const CompiledWatchlist& wl, std::span<Hit> hits, const ArticleText& text,
                                          Explanation* explain) const {
  auto drop = [&](Hit& hit, std::string reason) {
    hit.flags |= kDropped;
    if (explain != nullptr) explain->ignored.push_back(Explanation::Ignored{collapse_space(text.raw(hit)), std::move(reason)});
  };
  auto any = [&](const Hit& hit, auto&& pred) {
    return std::any_of(hits.begin(), hits.end(), [&](const Hit& o) { return &o != &hit && pred(o); });
  };
  for (Hit& hit : hits) {
    if (hit.role != Role::actor && hit.role != Role::region) continue;
    if ((hit.flags & kShouted) != 0 &&
        !any(hit, [&](const Hit& o) { return o.role == hit.role && o.id == hit.id && (o.flags & (kShouted | kDropped)) == 0; })) {
      drop(hit, std::string(kShoutedReason));
      continue;
    }
    if (hit.role != Role::actor) continue;
    const ActorRules& rules = wl.actor_rules[hit.id];
    const Hit* avoid = nullptr;
    if (rules.has_not_near)
      for (const Hit& o : hits)
        if (o.role == Role::actor_avoid && o.id == hit.id && o.slot == hit.slot &&
            (o.begin >= hit.end ? o.begin - hit.end : hit.begin >= o.end ? hit.begin - o.end : 0) < kNotNearWords)
          avoid = &o;
    if (avoid != nullptr) {
      drop(hit, "near '" + collapse_space(text.raw(*avoid)) + "', one of the actor's not_near words");
      continue;
    }
    if ((hit.flags & kCanonical) != 0) continue;  // the actor's own name needs no context
    if (rules.has_context && !any(hit, [&](const Hit& o) { return o.role == Role::actor_context && o.id == hit.id; })) {
      drop(hit, "none of the actor's context words is in the article");
      continue;
    }
    if (rules.several_words && hit.end - hit.begin == 1) {
      const std::string_view before = word_before(text, hit.slot, hit.begin);
      if (before.empty() || !NeighbourWords::capitalized(before) || NeighbourWords::all_upper(before)) continue;
      const std::string folded = Normalizer::fold_word(before);
      if (PersonNames::is_given_name(folded) &&
          std::find(rules.own_words.begin(), rules.own_words.end(), skeleton(folded)) == rules.own_words.end())
        drop(hit, "read as another person of that name (" + std::string(before) + " " + collapse_space(text.raw(hit)) + ")");
    }
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

std::vector<Match> Matcher::Compiled::run(const Article& article, ExplanationSink* explain) const {
  thread_local std::vector<std::string_view> texts;
  // The page's main text, when fetched (full_text:), stands for the content: the feed's content is
  // at most a part of it.
  const std::string& content = article.full_text.empty() ? article.content : article.full_text;
  texts.assign({article.title, article.summary, content});
  if (content == article.summary) texts[kContent] = {};  // many feeds repeat one as the other
  for (const std::string& category : article.categories) texts.emplace_back(category);

  thread_local std::vector<LookedUpWords> tokens;
  thread_local std::vector<Hit> hits;
  thread_local std::vector<Hit> places;
  thread_local std::vector<Hit> context;
  thread_local PlacesRead read;
  if (tokens.size() < texts.size()) tokens.resize(texts.size());
  hits.clear();
  places.clear();
  context.clear();
  read.readings.clear();
  read.entries.clear();
  const ArticleText text{texts, tokens, article.lang};

  std::vector<Match> matches;
  if (!collect_hits(text, hits, places, context, explain)) places.clear();  // nothing to resolve, and nothing to explain
  if (!places.empty()) resolve_places(text, places, context, hits, read, explain);
  if (hits.empty() && read.readings.empty() && (explain == nullptr || explain->ignored.empty())) return matches;

  sort_hits(hits, watchlists.size());
  thread_local std::vector<const Hit*> kept;
  thread_local std::vector<const Hit*> counted;
  thread_local std::vector<const Hit*> phrase_hits;
  std::size_t g = 0;
  std::span<const std::uint32_t> reached_owners;
  if ((explain != nullptr || place_only_rules) && !read.readings.empty()) reached_owners = listeners_reached(read);
  for (const std::uint32_t owner : owners_of(hits, reached_owners, explain)) {
    while (g < hits.size() && hits[g].owner < owner) ++g;
    std::size_t g_end = g;
    while (g_end < hits.size() && hits[g_end].owner == owner) ++g_end;
    const CompiledWatchlist& wl = watchlists[owner];
    const bool language_ok = language_fits(article.lang, wl.languages);
    if (!language_ok && explain == nullptr) continue;
    std::span<Hit> own = std::span<Hit>(hits).subspan(g, g_end - g);
    if (!read.readings.empty()) {
      // Most watchlists find none of their actors in an article: their places are not spread.
      if (explain == nullptr && needs_actor(wl) &&
          std::none_of(own.begin(), own.end(), [](const Hit& h) { return h.role == Role::actor; }))
        continue;
      own = with_places(owner, own, read);
    }

    Explanation* ex = nullptr;
    if (explain != nullptr) {
      ex = &explain->explanations.emplace_back();
      ex->watchlist = wl.name;
      ex->min_score = wl.min_score;
      if (const auto it = explain->ignored.find(owner); it != explain->ignored.end()) ex->ignored = it->second;
    }
    WatchlistHits found{kept, counted, phrase_hits, 0, false, false, {}};
    apply_actor_rules(wl, own, text, ex);
    resolve_overlaps(wl, own, text, found, ex);
    const RuleOutcome rule = evaluate_rule(wl, found, ex != nullptr ? &ex->clauses : nullptr);
    const bool fires = language_ok && found.vetoed_by.empty() && rule.held && found.score >= wl.min_score;
    if (ex != nullptr) give_verdict(*ex, wl, found, rule, fires);
    if (ex != nullptr && !language_ok)
      ex->verdict = "not sent: the article is in " + article.lang + "; the watchlist is for " + list_languages(wl.languages);
    if (fires) matches.push_back(describe_match(wl, found, text));
  }
  return matches;
}

std::vector<Match> Matcher::match(const Article& article) const { return compiled_->run(article, nullptr); }

std::vector<Explanation> Matcher::explain(const Article& article) const {
  ExplanationSink sink;
  compiled_->run(article, &sink);
  return std::move(sink.explanations);
}

}  // namespace newsalert::match
