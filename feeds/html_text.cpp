// Single-pass HTML-to-text conversion and HTML character reference decoding.
#include "feeds/html_text.hpp"

#include "feeds/utf8.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>

#if defined(__SSE2__) && !defined(NEWSALERT_NO_SIMD)  // the define tests the portable path
#include <emmintrin.h>
#endif

namespace newsalert::feeds {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t code;
};

// HTML 4.01 latin1, symbol and special sets, plus &apos; from XHTML; sorted by name for binary search.
constexpr NamedEntity named_entities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Alpha", 0x391}, {"Aring", 0xC5},
    {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7}, {"Chi", 0x3A7}, {"Dagger", 0x2021},
    {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Egrave", 0xC8}, {"Epsilon", 0x395},
    {"Eta", 0x397}, {"Euml", 0xCB}, {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC},
    {"Iota", 0x399}, {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Ntilde", 0xD1},
    {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2}, {"Omega", 0x3A9},
    {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Phi", 0x3A6}, {"Pi", 0x3A0},
    {"Prime", 0x2033}, {"Psi", 0x3A8}, {"Rho", 0x3A1}, {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE},
    {"Tau", 0x3A4}, {"Theta", 0x398}, {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Upsilon", 0x3A5},
    {"Uuml", 0xDC}, {"Xi", 0x39E}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135},
    {"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220}, {"apos", 0x27}, {"aring", 0xE5},
    {"asymp", 0x2248}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2}, {"brvbar", 0xA6},
    {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xE7}, {"cedil", 0xB8}, {"cent", 0xA2}, {"chi", 0x3C7},
    {"circ", 0x2C6}, {"clubs", 0x2663}, {"cong", 0x2245}, {"copy", 0xA9}, {"crarr", 0x21B5}, {"cup", 0x222A},
    {"curren", 0xA4}, {"dArr", 0x21D3}, {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4},
    {"diams", 0x2666}, {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8},
    {"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3B5}, {"equiv", 0x2261},
    {"eta", 0x3B7}, {"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x192},
    {"forall", 0x2200}, {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"frasl", 0x2044},
    {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4}, {"harr", 0x2194}, {"hearts", 0x2665},
    {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1}, {"igrave", 0xEC},
    {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9}, {"iquest", 0xBF},
    {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA}, {"lArr", 0x21D0}, {"lambda", 0x3BB}, {"lang", 0x2329},
    {"laquo", 0xAB}, {"larr", 0x2190}, {"lceil", 0x2308}, {"ldquo", 0x201C}, {"le", 0x2264},
    {"lfloor", 0x230A}, {"lowast", 0x2217}, {"loz", 0x25CA}, {"lrm", 0x200E}, {"lsaquo", 0x2039},
    {"lsquo", 0x2018}, {"lt", 0x3C}, {"macr", 0xAF}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7},
    {"minus", 0x2212}, {"mu", 0x3BC}, {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260},
    {"ni", 0x220B}, {"not", 0xAC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1}, {"nu", 0x3BD},
    {"oacute", 0xF3}, {"ocirc", 0xF4}, {"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E},
    {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228}, {"ordf", 0xAA}, {"ordm", 0xBA},
    {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297}, {"ouml", 0xF6}, {"para", 0xB6}, {"part", 0x2202},
    {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6}, {"pi", 0x3C0}, {"piv", 0x3D6}, {"plusmn", 0xB1},
    {"pound", 0xA3}, {"prime", 0x2032}, {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22},
    {"rArr", 0x21D2}, {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0xBB}, {"rarr", 0x2192},
    {"rceil", 0x2309}, {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE}, {"rfloor", 0x230B}, {"rho", 0x3C1},
    {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x161},
    {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD}, {"sigma", 0x3C3}, {"sigmaf", 0x3C2}, {"sim", 0x223C},
    {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211}, {"sup", 0x2283}, {"sup1", 0xB9},
    {"sup2", 0xB2}, {"sup3", 0xB3}, {"supe", 0x2287}, {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234},
    {"theta", 0x3B8}, {"thetasym", 0x3D1}, {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC},
    {"times", 0xD7}, {"trade", 0x2122}, {"uArr", 0x21D1}, {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB},
    {"ugrave", 0xF9}, {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC}, {"weierp", 0x2118},
    {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zeta", 0x3B6}, {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

static_assert(std::size(named_entities) == 253);

// Browsers read &#128;..&#159; as Windows-1252, and feeds produced from Word documents rely on it.
constexpr std::array<char32_t, 32> windows_1252 = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void append_utf8(std::string& out, char32_t cp) {
  char buf[4];
  out.append(buf, static_cast<std::size_t>(write_utf8(buf, cp) - buf));
}

std::optional<char32_t> lookup_named(std::string_view name) {
  const auto* end = std::end(named_entities);
  const auto* it = std::lower_bound(std::begin(named_entities), end, name,
                                    [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it == end || it->name != name) return std::nullopt;
  return it->code;
}

// Reads the reference starting at text[0] == '&'. On success returns the code point and sets length
// to the number of bytes consumed; nullopt means "not a reference, keep the '&' as text".
std::optional<char32_t> read_reference(std::string_view text, std::size_t& length) {
  if (text.size() < 3) return std::nullopt;
  if (text[1] == '#') {
    std::size_t i = 2;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const std::size_t digits_start = i;
    std::uint32_t value = 0;
    while (i < text.size() && (hex ? is_hex(text[i]) : is_digit(text[i]))) {
      const char c = text[i];
      const std::uint32_t digit = is_digit(c) ? static_cast<std::uint32_t>(c - '0')
                                              : static_cast<std::uint32_t>(lower(c) - 'a' + 10);
      if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + digit;
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    // The semicolon is optional for numeric references, as in browsers.
    if (i < text.size() && text[i] == ';') ++i;
    length = i;
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return char32_t{0xFFFD};
    if (value >= 0x80 && value <= 0x9F) return windows_1252[value - 0x80];
    return static_cast<char32_t>(value);
  }
  std::size_t i = 1;
  while (i < text.size() && i <= 9 && is_alnum(text[i])) ++i;
  // Named references need their semicolon: "AT&T;" style text is too common to guess at.
  if (i == 1 || i >= text.size() || text[i] != ';') return std::nullopt;
  const auto code = lookup_named(text.substr(1, i - 1));
  if (!code) return std::nullopt;
  length = i + 1;
  return *code == 0xA0 ? char32_t{' '} : *code;
}

// Elements after which the text reads as a new line. Looked up by first letter: this runs for every tag.
bool is_block_element(std::string_view name) {
  if (name.empty()) return false;
  static constexpr std::string_view a[] = {"address", "article", "aside"};
  static constexpr std::string_view b[] = {"blockquote", "br"};
  static constexpr std::string_view d[] = {"dd", "div", "dl", "dt"};
  static constexpr std::string_view f[] = {"figcaption", "figure", "footer", "form"};
  static constexpr std::string_view h[] = {"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr"};
  static constexpr std::string_view t[] = {"table", "tbody", "thead", "tfoot", "tr"};
  const auto in = [&](const auto& list) { return std::find(std::begin(list), std::end(list), name) != std::end(list); };
  switch (name[0]) {
    case 'a': return in(a);
    case 'b': return in(b);
    case 'c': return name == "caption";
    case 'd': return in(d);
    case 'f': return in(f);
    case 'h': return in(h);
    case 'l': return name == "li";
    case 'm': return name == "main";
    case 'n': return name == "nav";
    case 'o': return name == "ol";
    case 'p': return name == "p" || name == "pre";
    case 's': return name == "section";
    case 't': return in(t);
    case 'u': return name == "ul";
    default: return false;
  }
}

// Elements that separate words without starting a line ("<td>a</td><td>b</td>" is "a b").
bool is_separating_element(std::string_view name) {
  return name == "td" || name == "th" || name == "img" || name == "option";
}

// Builds the output while collapsing whitespace: separators are held back until the next visible
// character, so nothing leading or trailing survives and a line break wins over a space.
class TextSink {
 public:
  enum class Gap { none, space, line };

  // The output never outgrows the input: every tag, reference and whitespace run becomes at most as
  // many bytes as it took. The slack covers a separator and one code point; writes go through a raw
  // pointer because this loop is most of the parser's time.
  explicit TextSink(std::size_t input_size) : out_(input_size + 8, '\0'), end_(out_.data()) {}

  void gap(Gap g) {
    if (g > pending_) pending_ = g;
  }
  void put(char c) {
    if (is_space(c)) {
      gap(Gap::space);
      return;
    }
    flush_gap();
    ensure(1);
    *end_++ = c;
  }
  // A run of characters that holds no whitespace: appended in one go.
  void put_run(std::string_view run) {
    flush_gap();
    ensure(run.size());
    std::memcpy(end_, run.data(), run.size());
    end_ += run.size();
  }
  void put_code_point(char32_t cp) {
    if (cp < 0x80) {
      put(static_cast<char>(cp));
      return;
    }
    flush_gap();
    ensure(4);
    end_ = write_utf8(end_, cp);
  }
  std::string take() {
    out_.resize(size());
    return std::move(out_);
  }

 private:
  std::size_t size() const { return static_cast<std::size_t>(end_ - out_.data()); }
  // Called for every write, so the check stays inline and the rare growth does not.
  void ensure(std::size_t n) {
    if (size() + n > out_.size()) [[unlikely]] grow(n);
  }
  // Only a malformed reference could need more room than the input gave; grow rather than trust that.
  void grow(std::size_t n) {
    const std::size_t used = size();
    out_.resize(std::max(out_.size() * 2, used + n));
    end_ = out_.data() + used;
  }
  void flush_gap() {
    if (end_ != out_.data() && pending_ != Gap::none) {
      ensure(1);
      *end_++ = pending_ == Gap::line ? '\n' : ' ';
    }
    pending_ = Gap::none;
  }

  std::string out_;
  char* end_;
  Gap pending_ = Gap::none;
};

// The bytes that end a run of plain text: whitespace (collapse_whitespace), and markup and references
// too (html_to_text).
constexpr std::array<bool, 256> stop_table(std::string_view stops) {
  std::array<bool, 256> stop{};
  for (const char c : stops) stop[static_cast<unsigned char>(c)] = true;
  return stop;
}
constexpr auto kSpaceStop = stop_table(" \t\n\r\f\v");
constexpr auto kRunStop = stop_table("<& \t\n\r\f\v");

// The block scan behind run_end: how many bytes of a block at p come before the first one that may end
// a run, i.e. a '<', '&' or byte below 0x20, or a space after a space (space_before: the byte before p
// is one). kBlock when there is none. It flags a superset of the real stops (it does not know which table
// is in use), so a flagged byte is decided by run_end's exact one-byte rules.
#if defined(__SSE2__) && !defined(NEWSALERT_NO_SIMD)  // the define tests the portable path
// SSE2 is part of x86-64: sixteen bytes per step.
constexpr std::size_t kBlock = 16;

std::size_t plain_prefix(const char* p, bool space_before) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto equal = [&](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
  // Unsigned x < 0x20 is max(x, 0x1F) == 0x1F.
  const __m128i below_space = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  const auto stops = static_cast<std::uint32_t>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(equal('<'), equal('&')), below_space)));
  const auto spaces = static_cast<std::uint32_t>(_mm_movemask_epi8(equal(' ')));
  const std::uint32_t flagged = stops | (spaces & ((spaces << 1) | (space_before ? 1U : 0U)));
  return flagged == 0 ? kBlock : static_cast<std::size_t>(std::countr_zero(flagged));
}
#else
// Elsewhere, eight bytes per step in a 64-bit word (SWAR), the byte at the lowest address in the lowest
// bits whatever the byte order, so that "the byte after" is always "8 bits up".
constexpr std::size_t kBlock = 8;
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

// The high bit of each byte of w that equals v (exact: no carries between bytes).
std::uint64_t bytes_equal(std::uint64_t w, unsigned char v) {
  const std::uint64_t t = w ^ (kOnes * v);
  return ~(((t & ~kHigh) + ~kHigh) | t) & kHigh;
}

std::size_t plain_prefix(const char* p, bool space_before) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  const std::uint64_t below_space = ~(((w & ~kHigh) + kOnes * (0x80 - 0x20)) | w) & kHigh;
  const std::uint64_t spaces = bytes_equal(w, ' ');
  const std::uint64_t flagged = bytes_equal(w, '<') | bytes_equal(w, '&') | below_space |
                                (spaces & ((spaces << 8) | (space_before ? 0x80 : 0)));
  return flagged == 0 ? kBlock : static_cast<std::size_t>(std::countr_zero(flagged)) / 8;
}
#endif

// The end of the run starting at text[i] (not a stop byte) that goes to the output unchanged: bytes that
// are not stops, and lone spaces between them, since a single space between words collapses to itself.
// Copying whole sentences at once instead of word by word is most of html_to_text's speed; whole blocks
// are taken while plain_prefix finds nothing in them.
std::size_t run_end(std::string_view text, std::size_t i, const std::array<bool, 256>& stop) {
  const char* s = text.data();
  const std::size_t n = text.size();
  std::size_t j = i + 1;
  for (;;) {
    while (j + kBlock <= n) {
      const std::size_t plain = plain_prefix(s + j, s[j - 1] == ' ');
      j += plain;
      if (plain != kBlock) break;
    }
    if (j >= n) break;
    const auto c = static_cast<unsigned char>(s[j]);
    if (!stop[c]) {
      ++j;
      continue;
    }
    if (s[j - 1] == ' ') return j - 1;  // that space was not alone: it belongs to the gap that follows
    if (c == ' ' && j + 1 < n && !stop[static_cast<unsigned char>(s[j + 1])]) {
      j += 2;
      continue;
    }
    return j;
  }
  return s[n - 1] == ' ' ? n - 1 : n;  // a trailing space is trimmed like any gap
}

// Case-insensitive search for needle (lower-case) in haystack from pos.
std::size_t find_ci(std::string_view haystack, std::string_view needle, std::size_t pos) {
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t i = pos; i + needle.size() <= haystack.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(haystack[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Finds the '>' closing a tag, skipping quoted attribute values.
std::size_t find_tag_end(std::string_view s, std::size_t pos) {
  char quote = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    std::size_t length = 0;
    if (const auto cp = read_reference(text.substr(amp), length)) {
      append_utf8(out, *cp);
      i = amp + length;
    } else {
      out.push_back('&');
      i = amp + 1;
    }
  }
  return out;
}

std::string collapse_whitespace(std::string_view text) {
  TextSink sink(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      sink.put(text[i++]);
      continue;
    }
    const std::size_t j = run_end(text, i, kSpaceStop);
    sink.put_run(text.substr(i, j - i));
    i = j;
  }
  return sink.take();
}

std::string html_to_text(std::string_view html) {
  TextSink sink(html.size());
  std::size_t i = 0;
  const std::size_t n = html.size();
  while (i < n) {
    const char c = html[i];
    if (c == '&') {
      std::size_t length = 0;
      if (const auto cp = read_reference(html.substr(i), length)) {
        sink.put_code_point(*cp);
        i += length;
      } else {
        sink.put('&');
        ++i;
      }
      continue;
    }
    if (c != '<' && !is_space(c)) {
      // Most of the input is plain text between tags; copying it run by run keeps this loop cheap.
      const std::size_t j = run_end(html, i, kRunStop);
      sink.put_run(html.substr(i, j - i));
      i = j;
      continue;
    }
    if (c != '<' || i + 1 >= n) {
      sink.put(c);
      ++i;
      continue;
    }
    const std::string_view rest = html.substr(i);
    if (rest.starts_with("<!--")) {
      const auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      // CDATA in HTML content is literal text, not markup.
      const auto end = html.find("]]>", i + 9);
      const auto stop = end == std::string_view::npos ? n : end;
      for (std::size_t k = i + 9; k < stop; ++k) sink.put(html[k]);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    const char next = html[i + 1];
    const bool closing = next == '/';
    const bool markup_decl = next == '!' || next == '?';
    const std::size_t name_start = i + (closing ? 2 : 1);
    if (!markup_decl && (name_start >= n || !is_alpha(html[name_start]))) {
      sink.put(c);  // "a < b" is text
      ++i;
      continue;
    }
    const auto end = find_tag_end(html, name_start);
    if (end == std::string_view::npos) {
      sink.put(c);  // an unterminated tag is more likely a stray '<' than markup
      ++i;
      continue;
    }
    if (markup_decl) {
      i = end + 1;
      continue;
    }
    std::size_t name_end = name_start;
    while (name_end < n && (is_alnum(html[name_end]) || html[name_end] == '-' || html[name_end] == ':')) ++name_end;
    char name_buf[16];
    const std::size_t name_len = std::min<std::size_t>(name_end - name_start, sizeof name_buf);
    for (std::size_t k = 0; k < name_len; ++k) name_buf[k] = lower(html[name_start + k]);
    const std::string_view name(name_buf, name_len);
    i = end + 1;
    if (!closing && (name == "script" || name == "style")) {
      const auto close = find_ci(html, name == "script" ? "</script" : "</style", i);
      if (close == std::string_view::npos) {
        i = n;
      } else {
        const auto close_end = html.find('>', close);
        i = close_end == std::string_view::npos ? n : close_end + 1;
      }
      sink.gap(TextSink::Gap::space);
      continue;
    }
    if (is_block_element(name)) sink.gap(TextSink::Gap::line);
    else if (is_separating_element(name)) sink.gap(TextSink::Gap::space);
  }
  return sink.take();
}

}  // namespace newsalert::feeds
