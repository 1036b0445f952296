// Inflections: the suffix and prefix rules, limited to forms a stemmer or the script's grammar
// confirms, so that no ordinary word is generated.
#include "match/inflections.hpp"

#include "match/normalizer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace newsalert::match {
namespace {

enum class Script { other, cyrillic, arabic, hebrew };

// By the lead byte of the first letter: Cyrillic is U+0400-U+04FF, Hebrew U+0590-U+05FF, Arabic
// U+0600-U+06FF.
Script script_of(std::string_view word) {
  if (word.size() < 2) return Script::other;
  const auto lead = static_cast<unsigned char>(word[0]);
  if (lead == 0xD0 || lead == 0xD1 || lead == 0xD2 || lead == 0xD3) return Script::cyrillic;
  if (lead == 0xD6 || lead == 0xD7) return Script::hebrew;
  if (lead >= 0xD8 && lead <= 0xDB) return Script::arabic;
  return Script::other;
}

// Letters, not bytes (two bytes each in these scripts).
std::size_t letters(std::string_view word) {
  std::size_t n = 0;
  for (char c : word) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool ends_with(std::string_view s, std::string_view end) { return s.size() >= end.size() && s.substr(s.size() - end.size()) == end; }

constexpr std::array<std::string_view, 10> kArabicPrefixes = {"و", "ب", "ل", "ف", "ك", "وب", "ول", "فب", "فل", "وك"};
constexpr std::array<std::string_view, 14> kHebrewPrefixes = {"ו", "ה", "ב", "ל", "מ", "ש", "כ",
                                                             "וב", "ול", "ומ", "וה", "שב", "של", "מה"};

}  // namespace

Inflections::Inflections() : russian_("russian") {}

// Singular case forms by the ending of the nominative; the stemmer must agree that each is a form
// of the same word, which keeps out plurals and surnames built on the name ("Ливанов").
std::vector<std::string> Inflections::russian_forms(const std::string& word) {
  struct Rule {
    std::string_view ending;                 // of the nominative
    std::array<std::string_view, 5> endings; // replacing it
  };
  static constexpr std::array<Rule, 6> kRules = {{
      {"ия", {"ии", "ию", "ией", "", ""}},
      {"ий", {"ого", "ому", "им", "ом", ""}},
      {"ь", {"я", "ю", "ем", "е", ""}},
      {"й", {"я", "ю", "ем", "е", ""}},
      {"а", {"ы", "и", "е", "у", "ой"}},
      {"я", {"и", "е", "ю", "ей", ""}},
  }};
  std::vector<std::string> out;
  std::string stem_base;
  std::vector<std::string> candidates;
  bool ruled = false;
  for (const Rule& r : kRules)
    if (ends_with(word, r.ending)) {
      const std::string root = word.substr(0, word.size() - r.ending.size());
      for (std::string_view e : r.endings)
        if (!e.empty()) candidates.push_back(root + std::string(e));
      ruled = true;
      break;
    }
  if (!ruled) {
    const auto last = static_cast<unsigned char>(word.back());
    const bool vowel_or_sign = ends_with(word, "о") || ends_with(word, "е") || ends_with(word, "у") || ends_with(word, "ы") ||
                               ends_with(word, "и") || ends_with(word, "ю") || ends_with(word, "э") || ends_with(word, "ъ");
    if (vowel_or_sign || last < 0x80) return out;  // indeclinable (Конго, США) or not Cyrillic at the end
    for (std::string_view e : {"а", "у", "ом", "ым", "е"}) candidates.push_back(word + std::string(e));
  }
  // The stems must agree, one a prefix of the other (Snowball reads "Ливан" as "лива", "Ливану" as
  // "ливан").
  const std::string base_stem = russian_.stem(word);
  for (std::string& c : candidates) {
    const std::string stem = russian_.stem(c);
    const std::size_t common = std::min(stem.size(), base_stem.size());
    if (common >= 4 && stem.compare(0, common, base_stem, 0, common) == 0) out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> Inflections::forms(std::string_view phrase) {
  std::vector<std::string> out;
  const std::vector<Token> tokens = Normalizer::tokenize(phrase);
  if (tokens.empty()) return out;
  // The first word as written: folding would turn "й" into "и" and hide the ending.
  const std::string first(phrase.substr(tokens.front().begin, tokens.front().end - tokens.front().begin));
  const std::string rest(phrase.substr(tokens.front().end));
  if (letters(first) < 3 || tokens.front().upper) return out;  // acronyms (США) do not inflect
  switch (script_of(first)) {
    case Script::cyrillic:
      for (std::string& f : russian_forms(first)) out.push_back(f + rest);
      break;
    case Script::arabic:
      for (std::string_view p : kArabicPrefixes) out.push_back(std::string(p) + first + rest);
      // ل before the article ال makes لل ("للسعودية").
      if (first.rfind("ال", 0) == 0) out.push_back("ل" + first.substr(std::string_view("ا").size()) + rest);
      break;
    case Script::hebrew:
      for (std::string_view p : kHebrewPrefixes) out.push_back(std::string(p) + first + rest);
      break;
    case Script::other:
      break;
  }
  return out;
}

}  // namespace newsalert::match
