// A match in steps, as run() takes them, and what a watchlist that fires reports: terms, spellings, snippets.
#include "match/matcher.hpp"

#include "match/matcher_compiled.hpp"
#include "match/swar.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>

namespace newsalert::match {

using namespace detail;

namespace {

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

}  // namespace

namespace detail {

std::string collapse_space(std::string_view s) {
  std::string out;
  append_collapsed(out, s);
  return out;
}

}  // namespace detail

namespace {

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
