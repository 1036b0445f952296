// SimHash over word features.
#include "alerts/simhash.hpp"

#include "common/hash.hpp"

#include <array>
#include <bit>
#include <cctype>
#include <string>

namespace newsalert::alerts {

namespace {

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// FNV-1a of the lower-cased word, then a finaliser: FNV alone leaves the high bits of short words
// poorly mixed.
std::uint64_t word_hash(std::string_view word) {
  std::uint64_t h = kFnvOffsetBasis;
  for (const char c : word) h = fnv1a_byte(h, static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c))));
  return splitmix64_finish(h);
}

template <class F>
void for_each_word(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start && !f(text.substr(start, i - start))) return;
  }
}

}  // namespace

std::optional<std::uint64_t> simhash64(std::string_view text) {
  std::array<int, 64> weights{};
  int words = 0;
  for_each_word(text, [&](std::string_view word) {
    ++words;
    const std::uint64_t h = word_hash(word);
    for (int bit = 0; bit < 64; ++bit) weights[static_cast<std::size_t>(bit)] += (h >> bit) & 1 ? 1 : -1;
    return true;
  });
  if (words < kMinSimhashWords) return std::nullopt;
  std::uint64_t out = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (weights[static_cast<std::size_t>(bit)] > 0) out |= 1ull << bit;
  return out;
}

std::string story_text(const Article& article) {
  std::string out = article.title;
  const std::string& body = article.summary.empty() ? article.content : article.summary;
  int words = 0;
  for_each_word(body, [&](std::string_view word) {
    out += ' ';
    out += word;
    return ++words < 60;
  });
  return out;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace newsalert::alerts
