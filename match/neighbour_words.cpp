// NeighbourWords: words are runs of letters, digits, apostrophes and joined marks, as the normalizer
// reads them; cases come from ICU.
#include "match/neighbour_words.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace newsalert::match {
namespace {

UChar32 first_code_point(std::string_view s, std::size_t& next) {
  std::int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), i, static_cast<std::int32_t>(s.size()), c);
  next = static_cast<std::size_t>(i);
  return c;
}

// Letters, digits, combining marks and apostrophes continue a word; UTF-8 continuation and lead
// bytes are taken as letters (the word is decoded only when its case is asked for).
bool word_byte(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' || c == '.';
}

}  // namespace

std::string_view NeighbourWords::before(std::string_view text, std::size_t begin) {
  if (begin < 2 || begin > text.size() || text[begin - 1] != ' ' || !word_byte(text[begin - 2])) return {};
  std::size_t from = begin - 1;
  while (from > 0 && word_byte(text[from - 1])) --from;
  std::string_view word = text.substr(from, begin - 1 - from);
  // A full stop ends a sentence, except after an abbreviation ("Mr.", "Sen.", "Rep.").
  if (!word.empty() && word.back() == '.') {
    word.remove_suffix(1);
    if (word.size() > 4 || word.find('.') != std::string_view::npos) return {};
  }
  return word;
}

std::string_view NeighbourWords::after(std::string_view text, std::size_t end) {
  if (end + 1 >= text.size() || text[end] != ' ' || !word_byte(text[end + 1])) return {};
  std::size_t to = end + 1;
  while (to < text.size() && word_byte(text[to])) ++to;
  std::string_view word = text.substr(end + 1, to - end - 1);
  while (!word.empty() && (word.back() == '.' || word.back() == '\'')) word.remove_suffix(1);
  if (word.size() > 2 && word.substr(word.size() - 2) == "'s") word.remove_suffix(2);
  return word;
}

bool NeighbourWords::capitalized(std::string_view word) {
  if (word.empty()) return false;
  if (static_cast<unsigned char>(word.front()) < 0x80) return word.front() >= 'A' && word.front() <= 'Z';
  std::size_t next = 0;
  const UChar32 c = first_code_point(word, next);
  return c >= 0 && (u_isupper(c) || u_istitle(c));
}

bool NeighbourWords::all_upper(std::string_view word) {
  bool any = false;
  for (std::size_t i = 0; i < word.size();) {
    if (const auto b = static_cast<unsigned char>(word[i]); b < 0x80) {  // ASCII without ICU
      if (b >= 'a' && b <= 'z') return false;
      any = any || (b >= 'A' && b <= 'Z');
      ++i;
      continue;
    }
    std::size_t next = 0;
    const UChar32 c = first_code_point(word.substr(i), next);
    i += next == 0 ? 1 : next;
    if (c < 0) continue;
    if (u_islower(c)) return false;
    any = any || u_isupper(c);
  }
  return any;
}

bool NeighbourWords::shouting(std::string_view text) {
  int upper = 0;
  for (char ch : text) {
    if (ch >= 'a' && ch <= 'z') return false;
    upper += ch >= 'A' && ch <= 'Z';
  }
  return upper >= 4;
}

bool NeighbourWords::title_case(std::string_view text) {
  int longer = 0;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && !word_byte(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && word_byte(text[j])) ++j;
    if (j - i >= 4) {
      if (!capitalized(text.substr(i, j - i))) return false;  // most texts end here, at their first long word
      ++longer;
    }
    i = j;
  }
  return longer >= 3;
}

std::string_view NeighbourWords::gap(std::string_view text, std::size_t end, std::size_t begin) {
  if (begin < end || begin > text.size()) return {};
  std::string_view g = text.substr(end, begin - end);
  while (!g.empty() && g.front() == ' ') g.remove_prefix(1);
  while (!g.empty() && g.back() == ' ') g.remove_suffix(1);
  return g;
}

}  // namespace newsalert::match
