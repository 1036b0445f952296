// The scan: every compiled phrase found in an article's texts in one pass over their words.
#include "match/matcher_compiled.hpp"

#include "match/neighbour_words.hpp"

#include <algorithm>
#include <span>

namespace newsalert::match {

using namespace detail;

namespace {

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

// GCC 12 reports a false -Wrestrict here at -O3: a literal prepended to the string ascii_lower
// returns, once that is inlined, is taken for an overlapping copy.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
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
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace newsalert::match
