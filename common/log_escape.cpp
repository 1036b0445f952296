// Escaping of control characters and broken UTF-8 for text logs.
#include "common/log_escape.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iterator>

namespace newsalert {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// The length of the well-formed UTF-8 sequence at the start of `s` (Unicode table 3-7: no
// overlong forms, no surrogates, nothing past U+10FFFF), or 0 when there is none.
std::size_t sequence_length(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;   // the range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  }
  if (length == 0 || s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (!is_continuation(byte(i))) return 0;
  return length;
}

void escape_ascii(unsigned char c, std::string& out) {
  switch (c) {
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  if (c < 0x20 || c == 0x7f) fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
  else out += static_cast<char>(c);
}

}  // namespace

std::string escape_for_log(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto lead = static_cast<unsigned char>(text.front());
    std::size_t used = 1;
    if (lead < 0x80) {
      escape_ascii(lead, out);
    } else if (const std::size_t length = sequence_length(text); length == 0) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", lead);
    } else {
      used = length;
      // U+0080..U+009F, the C1 controls (0x9b is a CSI to some terminals), are c2 80..c2 9f.
      const auto second = static_cast<unsigned char>(text[1]);
      if (lead == 0xc2 && second <= 0x9f) fmt::format_to(std::back_inserter(out), "\\u{:04x}", second);
      else out.append(text.substr(0, length));
    }
    text.remove_prefix(used);
  }
  return out;
}

}  // namespace newsalert
