// Compiles all watchlists into one token trie and matches articles against it in a single pass.
#include "match/matcher.hpp"

#include "match/gazetteer.hpp"
#include "match/normalizer.hpp"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace newsalert::match {
namespace {

enum class Role : std::uint8_t { actor, region, exclude };

// Who a phrase belongs to: one term of one watchlist.
struct Target {
  std::uint32_t watchlist = 0;
  std::uint32_t term = 0;  // index into the watchlist's actors, regions or exclude list
  Role role = Role::actor;
  bool case_sensitive = false;
};

struct Node {
  std::unordered_map<std::string, std::uint32_t> children;  // next folded token -> node
  std::vector<Target> targets;                               // phrases ending here
};

struct CompiledWatchlist {
  std::string name;
  config::Require require = config::Require::actor_and_region;
  std::vector<std::string> actors;   // canonical names, config order
  std::vector<std::string> regions;
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

bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v'; }
bool is_continuation(char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; }

// Runs of whitespace (line breaks in wrapped text) become one space.
std::string collapse_space(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (char ch : s) {
    if (is_space(ch)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += ch;
  }
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
  std::string out;
  if (w.begin > 0) out += "…";
  out += collapse_space(text.substr(w.begin, w.end - w.begin));
  if (w.end < text.size()) out += "…";
  return out;
}

struct Hit {
  std::uint32_t watchlist;
  std::uint32_t slot;   // which text of the article
  std::uint32_t begin;  // token range [begin, end)
  std::uint32_t end;
  Role role;
  std::uint32_t term;
};

}  // namespace

struct Matcher::Compiled {
  std::vector<Node> nodes{1};  // nodes[0] is the root
  std::vector<CompiledWatchlist> watchlists;

  void add(std::string_view phrase, Target target) {
    const std::vector<Token> tokens = Normalizer::tokenize(phrase);
    if (tokens.empty()) return;
    target.case_sensitive = Normalizer::is_short_acronym(phrase);
    std::uint32_t n = 0;
    for (const Token& t : tokens) {
      const auto it = nodes[n].children.find(t.text);
      if (it != nodes[n].children.end()) {
        n = it->second;
        continue;
      }
      const auto child = static_cast<std::uint32_t>(nodes.size());
      nodes[n].children.emplace(t.text, child);
      nodes.emplace_back();
      n = child;
    }
    // Watchlists are compiled in order, so only the tail can hold this watchlist's targets.
    auto& targets = nodes[n].targets;
    for (auto it = targets.rbegin(); it != targets.rend() && it->watchlist == target.watchlist; ++it) {
      Target& existing = *it;
      if (existing.term == target.term && existing.role == target.role) {
        // The same term reached twice ("US" from the gazetteer, "us" from config): the looser wins.
        existing.case_sensitive = existing.case_sensitive && target.case_sensitive;
        return;
      }
    }
    targets.push_back(target);
  }
};

Matcher::Matcher(const std::vector<config::WatchlistConfig>& watchlists) : compiled_(std::make_unique<Compiled>()) {
  Compiled& c = *compiled_;
  const Gazetteer& gazetteer = Gazetteer::builtin();
  c.watchlists.reserve(watchlists.size());
  for (std::size_t wi = 0; wi < watchlists.size(); ++wi) {
    const config::WatchlistConfig& wl = watchlists[wi];
    const auto w = static_cast<std::uint32_t>(wi);
    CompiledWatchlist cw{wl.name, wl.require, {}, {}};
    for (std::size_t k = 0; k < wl.actors.size(); ++k) {
      const config::Term& term = wl.actors[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::actor, false};
      c.add(term.name, target);
      for (const std::string& alias : term.aliases) c.add(alias, target);
      cw.actors.push_back(term.name);
    }
    for (std::size_t k = 0; k < wl.regions.size(); ++k) {
      const config::Term& term = wl.regions[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::region, false};
      c.add(term.name, target);
      for (const std::string& alias : term.aliases) c.add(alias, target);
      const GazetteerEntry* entry = gazetteer.find(term.name);
      for (std::size_t a = 0; entry == nullptr && a < term.aliases.size(); ++a) entry = gazetteer.find(term.aliases[a]);
      if (entry != nullptr) {
        c.add(entry->name, target);
        for (std::string_view alias : entry->aliases) c.add(alias, target);
      }
      cw.regions.push_back(term.name);
    }
    for (std::size_t k = 0; k < wl.exclude.size(); ++k)
      c.add(wl.exclude[k], Target{w, static_cast<std::uint32_t>(k), Role::exclude, false});
    c.watchlists.push_back(std::move(cw));
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

std::vector<Match> Matcher::match(const Article& article) const {
  const Compiled& c = *compiled_;

  std::vector<std::string_view> texts{article.title, article.summary, article.content};
  if (article.content == article.summary) texts[kContent] = {};  // many feeds repeat one as the other
  for (const std::string& category : article.categories) texts.emplace_back(category);

  // One pass over every token of the article, walking the shared trie from each position and
  // recording every phrase that ends along the way (per-watchlist overlap is settled below, so a
  // long phrase of one watchlist never hides a short one of another).
  std::vector<std::vector<Token>> tokens(texts.size());
  std::vector<Hit> hits;
  for (std::size_t s = 0; s < texts.size(); ++s) {
    tokens[s] = Normalizer::tokenize(texts[s]);
    const std::vector<Token>& toks = tokens[s];
    for (std::size_t i = 0; i < toks.size(); ++i) {
      std::uint32_t n = 0;
      bool all_upper = true;
      for (std::size_t j = i; j < toks.size(); ++j) {
        const auto it = c.nodes[n].children.find(toks[j].text);
        if (it == c.nodes[n].children.end()) break;
        n = it->second;
        all_upper = all_upper && toks[j].upper;
        for (const Target& t : c.nodes[n].targets) {
          if (t.case_sensitive && !all_upper) continue;
          hits.push_back(Hit{t.watchlist, static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i),
                             static_cast<std::uint32_t>(j + 1), t.role, t.term});
        }
      }
    }
  }
  if (hits.empty()) return {};

  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.watchlist, a.slot, a.begin, b.end, a.role, a.term) <
           std::tie(b.watchlist, b.slot, b.begin, a.end, b.role, b.term);
  });

  std::vector<Match> out;
  for (std::size_t g = 0; g < hits.size();) {
    std::size_t g_end = g;
    bool vetoed = false;
    while (g_end < hits.size() && hits[g_end].watchlist == hits[g].watchlist) {
      vetoed = vetoed || hits[g_end].role == Role::exclude;
      ++g_end;
    }
    const CompiledWatchlist& wl = c.watchlists[hits[g].watchlist];
    if (vetoed) {
      g = g_end;
      continue;
    }

    Match m;
    m.watchlist = wl.name;
    std::vector<std::pair<std::uint32_t, TermHit>> actors;
    std::vector<std::pair<std::uint32_t, TermHit>> regions;
    std::vector<const Hit*> kept;

    // Leftmost-longest within this watchlist: "South Sudan" does not also count as "Sudan".
    // Several terms on the very same words all count ("Gaza" is both Gaza Strip and Palestine).
    std::uint32_t slot = UINT32_MAX;
    std::uint32_t covered = 0;
    std::uint32_t kept_begin = UINT32_MAX;
    std::uint32_t kept_end = UINT32_MAX;
    for (std::size_t h = g; h < g_end; ++h) {
      const Hit& hit = hits[h];
      if (hit.slot != slot) {
        slot = hit.slot;
        covered = 0;
        kept_begin = kept_end = UINT32_MAX;
      }
      const bool same_span = hit.begin == kept_begin && hit.end == kept_end;
      if (!same_span && hit.begin < covered) continue;
      if (!same_span) {
        kept_begin = hit.begin;
        kept_end = covered = hit.end;
        kept.push_back(&hit);
        m.score += weight(hit.slot);
      }

      const std::string_view text = texts[hit.slot];
      const std::vector<Token>& toks = tokens[hit.slot];
      const std::size_t from = toks[hit.begin].begin;
      std::string surface = collapse_space(text.substr(from, toks[hit.end - 1].end - from));
      auto& list = hit.role == Role::actor ? actors : regions;
      const std::vector<std::string>& names = hit.role == Role::actor ? wl.actors : wl.regions;
      auto found = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == hit.term; });
      if (found == list.end()) {
        list.emplace_back(hit.term, TermHit{names[hit.term], {}});
        found = list.end() - 1;
      }
      std::vector<std::string>& forms = found->second.surface_forms;
      if (std::find(forms.begin(), forms.end(), surface) == forms.end()) forms.push_back(std::move(surface));
    }

    const bool fires = [&] {
      switch (wl.require) {
        case config::Require::any: return !actors.empty() || !regions.empty();
        case config::Require::actor: return !actors.empty();
        case config::Require::region: return !regions.empty();
        case config::Require::actor_and_region: return !actors.empty() && !regions.empty();
      }
      return false;
    }();
    if (!fires) {
      g = g_end;
      continue;
    }

    // Terms in config order, each with its spellings in reading order.
    auto by_term = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::sort(actors.begin(), actors.end(), by_term);
    std::sort(regions.begin(), regions.end(), by_term);
    for (auto& [term, hit] : actors) m.actors.push_back(std::move(hit));
    for (auto& [term, hit] : regions) m.regions.push_back(std::move(hit));

    std::stable_sort(kept.begin(), kept.end(), [](const Hit* a, const Hit* b) {
      return snippet_preference(a->slot) < snippet_preference(b->slot);
    });
    std::vector<std::pair<std::uint32_t, Window>> windows;
    for (const Hit* hit : kept) {
      if (m.snippets.size() == kMaxSnippets) break;
      const std::vector<Token>& toks = tokens[hit->slot];
      const std::size_t hb = toks[hit->begin].begin;
      const std::size_t he = toks[hit->end - 1].end;
      const bool inside = std::any_of(windows.begin(), windows.end(), [&](const auto& w) {
        return w.first == hit->slot && w.second.begin <= hb && he <= w.second.end;
      });
      if (inside) continue;
      const Window w = snippet_window(texts[hit->slot], hb, he);
      std::string snippet = render_snippet(texts[hit->slot], w);
      windows.emplace_back(hit->slot, w);
      if (std::find(m.snippets.begin(), m.snippets.end(), snippet) == m.snippets.end())
        m.snippets.push_back(std::move(snippet));
    }

    out.push_back(std::move(m));
    g = g_end;
  }
  return out;
}

}  // namespace newsalert::match
