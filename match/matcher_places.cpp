// Reading an article's places: each name read once, or passed over as a person's, a team's or another place's.
#include "match/matcher_compiled.hpp"

#include "match/neighbour_words.hpp"
#include "match/person_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <tuple>

namespace newsalert::match {

using namespace detail;

namespace {

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

// The order of one watchlist's hits: text slot, first word, longest first, role and term.
bool hit_before(const Hit& x, const Hit& y) {
  return std::tie(x.slot, x.begin, y.end, x.role, x.id) < std::tie(y.slot, y.begin, x.end, y.role, y.id);
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

}  // namespace

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

}  // namespace newsalert::match
