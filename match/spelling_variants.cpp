// SpellingVariants: the rules, one or two changes per word, each one that transliterations of
// Arabic, Persian and Ukrainian names actually vary by.
#include "match/spelling_variants.hpp"

#include "match/normalizer.hpp"

#include <algorithm>
#include <set>

namespace newsalert::match {
namespace {

bool ascii_letters(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// One change to `w`: a vowel after the first letter for its usual alternative (e/i, o/u, o/a, a/u
// before "llah"), "ou" for "u" and back, a doubled consonant written once, and the endings y / iy /
// yy / i.
void one_change(const std::string& w, std::set<std::string>& out) {
  for (std::size_t i = 1; i < w.size(); ++i) {
    auto with = [&](std::size_t at, std::size_t len, std::string_view by) {
      std::string v = w;
      v.replace(at, len, by);
      out.insert(v);
    };
    switch (w[i]) {
      case 'e': with(i, 1, "i"); break;
      case 'i': with(i, 1, "e"); break;
      case 'o':
        if (i + 1 < w.size() && w[i + 1] == 'u') with(i, 2, "u");
        else with(i, 1, "u"), with(i, 1, "a");
        break;
      case 'u':
        if (w[i - 1] != 'o') with(i, 1, "o"), with(i, 1, "ou");
        break;
      case 'a':
        if (w.compare(i + 1, 4, "llah") == 0) with(i, 1, "u"), with(i, 1, "o");
        break;
      default:
        break;
    }
    if (!is_vowel(w[i]) && w[i] == w[i - 1]) with(i, 1, "");
  }
  if (w.size() >= 2 && w.compare(w.size() - 2, 2, "iy") == 0) out.insert(w.substr(0, w.size() - 2) + "y");
  else if (w.size() >= 2 && w.compare(w.size() - 2, 2, "yy") == 0) out.insert(w.substr(0, w.size() - 1));
  else if (w.back() == 'y') out.insert(w.substr(0, w.size() - 1) + "iy"), out.insert(w + "y"), out.insert(w.substr(0, w.size() - 1) + "i");
}

std::set<std::string> word_variants(const std::string& w) {
  std::set<std::string> first;
  if (w.size() < 5 || !ascii_letters(w)) return first;
  one_change(w, first);
  std::set<std::string> all = first;
  for (const std::string& v : first) one_change(v, all);  // two changes: "Hizbullah"
  all.erase(w);
  return all;
}

}  // namespace

std::vector<std::string> SpellingVariants::of(std::string_view alias) {
  std::vector<std::string> words;
  for (Token& t : Normalizer::tokenize(alias)) words.push_back(std::move(t.text));
  // "Ansar Allah" is also written as one word, "Ansarallah", "Ansarullah".
  std::vector<std::vector<std::string>> phrases{words};
  for (std::size_t i = 1; i < words.size(); ++i)
    if (words[i] == "allah") {
      std::vector<std::string> joined(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i));
      joined.back() += "allah";
      joined.insert(joined.end(), words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
      phrases.push_back(std::move(joined));
    }
  std::set<std::string> out;
  const std::string original = Normalizer::key(alias);
  for (const auto& phrase : phrases)
    for (std::size_t i = 0; i < phrase.size(); ++i) {
      std::set<std::string> forms = word_variants(phrase[i]);
      forms.insert(phrase[i]);
      for (const std::string& f : forms) {
        std::string v;
        for (std::size_t j = 0; j < phrase.size(); ++j) v += (j == 0 ? "" : " ") + (j == i ? f : phrase[j]);
        if (v != original) out.insert(v);
      }
    }
  std::vector<std::string> list(out.begin(), out.end());
  // Longest-established first is unknowable; keep the list bounded and stable.
  if (list.size() > kMax) list.resize(kMax);
  return list;
}

}  // namespace newsalert::match
