// Double-encoded UTF-8 back to UTF-8, as feedparser repairs it, extended to windows-1252's
// characters at 0x80-0x9F (a CMS that read UTF-8 as windows-1252 turns ’ into "â€™").
#include "feeds/double_encoding.hpp"

#include <cstdint>
#include <cstring>
#include <optional>

namespace newsalert::feeds {
namespace {

// The byte windows-1252 gives to a character outside Latin-1, or nothing.
std::optional<unsigned char> windows1252_byte(char32_t cp) {
  struct Entry { char32_t cp; unsigned char byte; };
  static constexpr Entry table[] = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86},
      {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C},
      {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95},
      {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B},
      {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F}};
  for (const auto& e : table)
    if (e.cp == cp) return e.byte;
  return std::nullopt;
}

// Reads one code point of UTF-8 (cleaned when the document was decoded); U+FFFD for a sequence that
// would run past the end.
char32_t next_code_point(const unsigned char*& p, const unsigned char* end) {
  const unsigned b0 = *p++;
  if (b0 < 0x80) return b0;
  const int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
  if (end - p < extra) {
    p = end;
    return 0xFFFD;
  }
  char32_t cp = b0 & (0x3F >> extra);
  for (int i = 0; i < extra; ++i) cp = (cp << 6) | (*p++ & 0x3F);
  return cp;
}

// Checks the bytes being rebuilt as they come, so French or German text, where "é" is followed by
// a letter rather than a continuation byte, is given up on at its first accent.
class Utf8Checker {
 public:
  bool add(unsigned char b) {
    if (pending_ > 0) {
      if ((b & 0xC0) != 0x80) return false;
      if (first_continuation_ && !second_byte_ok(b)) return false;
      first_continuation_ = false;
      --pending_;
      return true;
    }
    if (b < 0x80) return true;
    if (b < 0xC2 || b > 0xF4) return false;
    lead_ = b;
    pending_ = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
    first_continuation_ = true;
    multi_byte_ = true;
    return true;
  }
  bool complete() const { return pending_ == 0 && multi_byte_; }

 private:
  // Overlong forms, surrogates and code points past U+10FFFF.
  bool second_byte_ok(unsigned char b) const {
    if (lead_ == 0xE0) return b >= 0xA0;
    if (lead_ == 0xED) return b <= 0x9F;
    if (lead_ == 0xF0) return b >= 0x90;
    if (lead_ == 0xF4) return b <= 0x8F;
    return true;
  }
  unsigned char lead_ = 0;
  int pending_ = 0;
  bool first_continuation_ = false;
  bool multi_byte_ = false;
};

// Whether [p, end) is ASCII, eight bytes at a time: the text before a field's first 0xC3 byte.
bool all_ascii(const unsigned char* p, const unsigned char* end) {
  for (; end - p >= 8; p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if ((word & 0x8080808080808080ULL) != 0) return false;
  }
  for (; p < end; ++p)
    if (*p >= 0x80) return false;
  return true;
}

}  // namespace

bool repair_double_encoding(std::string& text) {
  // A double-encoded text's first character past ASCII stands for a UTF-8 lead byte (0xC2-0xF4): it is
  // one of U+00C2-U+00F4, written 0xC3 0x82-0xB4. Most text fails that test, or the next character,
  // before anything is copied; ASCII text has nothing to repair.
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  const auto* p = static_cast<const unsigned char*>(std::memchr(begin, 0xC3, text.size()));
  if (p == nullptr || end - p < 2 || p[1] < 0x82 || p[1] > 0xB4) return false;
  if (!all_ascii(begin, p)) return false;
  std::string out(text, 0, static_cast<std::size_t>(p - begin));
  out.reserve(text.size());
  Utf8Checker checker;
  while (p < end) {
    const char32_t cp = next_code_point(p, end);
    unsigned char byte = 0;
    if (cp <= 0xFF) {
      byte = static_cast<unsigned char>(cp);
    } else if (const auto b = windows1252_byte(cp)) {
      byte = *b;
    } else {
      return false;
    }
    if (!checker.add(byte)) return false;
    out.push_back(static_cast<char>(byte));
  }
  if (!checker.complete()) return false;
  text = std::move(out);
  return true;
}

}  // namespace newsalert::feeds
