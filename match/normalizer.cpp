// Text folding and word tokenization on top of ICU; the only place in match/ that includes ICU.
#include "match/normalizer.hpp"

#include "match/normalizer_simd.hpp"
#include "match/swar.hpp"
#include "match/token_trie.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#if defined(NEWSALERT_AVX2_DISPATCH)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace newsalert::match {
namespace {

using simd::ChunkMasks;
using simd::kChunk;
using simd::simd_limit;
#if defined(NEWSALERT_AVX2_DISPATCH)
using simd::has_avx2;
using simd::has_avx512bw;
#endif

const icu::Normalizer2& nfkd() {
  // ICU owns these singletons; fetching them once keeps the lookup out of the hot path.
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKDInstance(err);
    if (U_FAILURE(err) || p == nullptr) throw std::runtime_error("ICU: NFKD normalizer unavailable");
    return p;
  }();
  return *n;
}

const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(err);
    if (U_FAILURE(err) || p == nullptr) throw std::runtime_error("ICU: NFKC_Casefold normalizer unavailable");
    return p;
  }();
  return *n;
}

bool is_apostrophe(UChar32 c) {
  switch (c) {
    case 0x0027:  // '
    case 0x2019:  // ’
    case 0x2018:  // ‘
    case 0x201B:  // ‛
    case 0x02BC:  // ʼ
    case 0x02BB:  // ʻ
    case 0x02BE:  // ʾ (transliterated hamza)
    case 0x02BF:  // ʿ (transliterated ayn)
    case 0x2032:  // ′
      return true;
    default:
      return false;
  }
}

bool is_double_quote(UChar32 c) {
  return c == 0x201C || c == 0x201D || c == 0x201E || c == 0x201F || c == 0x2033 || c == 0x00AB ||
         c == 0x00BB;
}

bool is_dash(UChar32 c) {
  return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 || c == 0xFF0D;
}

bool is_word_char(UChar32 c) {
  if (c < 0) return false;
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return !is_apostrophe(c) && u_isalnum(c);
}

// Characters that belong to the word they sit in but never start one.
bool is_word_joiner(UChar32 c) {
  if (c < 0x80) return false;
  if (c == 0x200C || c == 0x200D || c == 0x00AD) return true;  // ZWNJ (Persian), ZWJ, soft hyphen
  return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

bool is_unspaced_script(UChar32 c) {
  if (c < 0x0E00) return false;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  return U_SUCCESS(err) && (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
                            sc == USCRIPT_THAI || sc == USCRIPT_LAO || sc == USCRIPT_KHMER ||
                            sc == USCRIPT_MYANMAR);
}

// Decodes the code point at i; sets next past it. Ill-formed bytes come back negative.
UChar32 decode(std::string_view s, std::size_t i, std::size_t& next) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    next = i + 1;
    return b;
  }
  int32_t j = 0;
  const auto len = static_cast<int32_t>(std::min<std::size_t>(4, s.size() - i));
  UChar32 c = 0;
  U8_NEXT(s.data() + i, j, len, c);
  next = i + static_cast<std::size_t>(j);
  return c;
}

UChar32 peek(std::string_view s, std::size_t i, std::size_t& next) {
  if (i >= s.size()) {
    next = i;
    return -1;
  }
  return decode(s, i, next);
}

// keep_punct: map typographic apostrophes/quotes/dashes to ASCII instead of leaving them.
std::string fold_unicode(std::string_view utf8, bool keep_punct) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString decomposed = nfkd().normalize(src, err);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK || c == 0x0640) continue;  // accents, harakat, tatweel
    stripped.append(c);
  }
  icu::UnicodeString folded = nfkc_casefold().normalize(stripped, err);
  if (U_FAILURE(err)) return {};
  icu::UnicodeString out;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    switch (c) {
      case 0x06CC:  // Persian yeh
      case 0x0649:  // alef maksura
        c = 0x064A;
        break;
      case 0x06A9:  // keheh
        c = 0x0643;
        break;
      case 0x0640:  // tatweel (may come back from compatibility forms)
        continue;
      default:
        break;
    }
    if (keep_punct) {
      if (is_apostrophe(c)) c = '\'';
      else if (is_double_quote(c)) c = '"';
      else if (is_dash(c)) c = '-';
    }
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

struct CodePointCase {
  bool upper = false;
  bool lower = false;
  void note(UChar32 c) {
    if (c < 0x80) {
      upper = upper || (c >= 'A' && c <= 'Z');
      lower = lower || (c >= 'a' && c <= 'z');
    } else if (u_isupper(c) || u_istitle(c)) {
      upper = true;
    } else if (u_islower(c)) {
      lower = true;
    }
  }
  bool all_upper() const { return upper && !lower; }
};

}  // namespace

std::string Normalizer::fold_word(std::string_view word) {
  if (is_ascii(word)) {
    std::string out(word);
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
  }
  return fold_unicode(word, false);
}

std::string Normalizer::fold(std::string_view text) {
  if (is_ascii(text)) return fold_word(text);
  return fold_unicode(text, true);
}

namespace {

// What the scanner needs to know about one code point, precomputed for the ranges news text lives
// in (U+0000-U+07FF: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic; U+2000-U+206F: punctuation).
enum class CharClass : std::uint8_t { other, word, joiner, apostrophe, unspaced };

struct CharInfo {
  CharClass cls = CharClass::other;
  bool upper = false;
  bool lower = false;
  bool alpha = false;
  bool folds_in_table = true;  // false: the word must be folded by ICU as a whole
  std::uint8_t len = 0;        // bytes of `fold`
  char fold[6] = {};
};

CharClass classify_icu(UChar32 c) {
  if (is_apostrophe(c)) return CharClass::apostrophe;
  if (is_word_char(c)) return is_unspaced_script(c) ? CharClass::unspaced : CharClass::word;
  if (is_word_joiner(c)) return CharClass::joiner;
  return CharClass::other;
}

CharInfo make_info(UChar32 c) {
  CharInfo info;
  info.cls = classify_icu(c);
  info.upper = c < 0x80 ? (c >= 'A' && c <= 'Z') : (u_isupper(c) || u_istitle(c));
  info.lower = c < 0x80 ? (c >= 'a' && c <= 'z') : u_islower(c);
  info.alpha = u_isalpha(c);
  if (info.cls == CharClass::word || info.cls == CharClass::joiner) {
    std::string utf8;
    icu::UnicodeString(c).toUTF8String(utf8);
    const std::string folded = fold_unicode(utf8, false);
    if (folded.size() <= sizeof info.fold) {
      info.len = static_cast<std::uint8_t>(folded.size());
      std::copy(folded.begin(), folded.end(), info.fold);
    } else {
      info.folds_in_table = false;
    }
  }
  return info;
}

// The same for U+0080-U+07FF (the two-byte code points), packed into eight bytes for the scanner's
// inner loop over Cyrillic, Greek, Hebrew and Arabic letters.
enum : std::uint8_t { kTwoWord = 1, kTwoJoiner = 2, kTwoUpper = 4, kTwoLower = 8, kTwoFolds = 16 };
struct TwoByteFold {
  char fold[4] = {};      // the folded form, when kTwoFolds
  std::uint8_t len = 0;
  std::uint8_t flags = 0;
};

// Two bytes of text, read as one little-endian 16-bit load, straight to the folded form of the
// character they encode when that is a two-byte letter or joiner folding to at most two bytes:
// bits 0-15 the folded bytes, 16-17 their count, 24-31 kTwo* flags. Anything else (ASCII, other
// characters, ill-formed pairs) reads 0. 256 KB, of which a text touches the lines of its script.
constexpr std::uint32_t kPairLetter = std::uint32_t{kTwoWord} << 24;
constexpr std::uint32_t kPairJoiner = std::uint32_t{kTwoJoiner} << 24;

struct CharTable {
  std::array<CharInfo, 0x800> low;
  std::array<CharInfo, 0x70> punct;  // U+2000-U+206F
  std::array<TwoByteFold, 0x800> two;
  std::vector<std::uint32_t> pairs = std::vector<std::uint32_t>(0x10000, 0);
  CharTable() {
    for (UChar32 c = 0; c < 0x800; ++c) {
      const CharInfo& info = low[static_cast<std::size_t>(c)] = make_info(c);
      TwoByteFold& t = two[static_cast<std::size_t>(c)];
      t.flags = static_cast<std::uint8_t>((info.cls == CharClass::word ? kTwoWord : 0) |
                                          (info.cls == CharClass::joiner ? kTwoJoiner : 0) |
                                          (info.upper ? kTwoUpper : 0) | (info.lower ? kTwoLower : 0));
      if (info.folds_in_table && info.len <= sizeof t.fold) {
        t.flags |= kTwoFolds;
        t.len = info.len;
        std::copy(info.fold, info.fold + info.len, t.fold);
      }
    }
    for (UChar32 c = 0; c < 0x70; ++c) punct[static_cast<std::size_t>(c)] = make_info(0x2000 + c);
    for (std::size_t c = 0x80; c < 0x800; ++c) {
      const TwoByteFold& t = two[c];
      if ((t.flags & kTwoFolds) == 0 || (t.flags & (kTwoWord | kTwoJoiner)) == 0 || t.len > 2) continue;
      const std::size_t lead = 0xC0 | (c >> 6);
      const std::size_t cont = 0x80 | (c & 0x3F);
      const std::uint32_t folded = static_cast<std::uint32_t>(static_cast<unsigned char>(t.fold[0])) |
                                   static_cast<std::uint32_t>(static_cast<unsigned char>(t.fold[1])) << 8;
      pairs[lead | (cont << 8)] = folded | std::uint32_t{t.len} << 16 | std::uint32_t{t.flags} << 24;
    }
  }
};

// Built on first use (ICU is asked once per code point). The accessor stays small enough to inline.
[[gnu::noinline]] const CharTable& build_char_table() {
  static const CharTable table;
  return table;
}
inline const CharTable& char_table() {
  static const CharTable& table = build_char_table();
  return table;
}

// Decodes the code point at i and describes it; `computed` holds the description of code points
// outside the table.
UChar32 next_char(std::string_view s, std::size_t i, std::size_t& next, const CharInfo*& info, CharInfo& computed) {
  const CharTable& table = char_table();
  const UChar32 c = decode(s, i, next);
  if (c >= 0 && c < 0x800) {
    info = &table.low[static_cast<std::size_t>(c)];
  } else if (c >= 0x2000 && c < 0x2070) {
    info = &table.punct[static_cast<std::size_t>(c - 0x2000)];
  } else if (c < 0) {
    computed = CharInfo{};
    info = &computed;
  } else {
    computed = CharInfo{};
    computed.cls = classify_icu(c);
    computed.upper = u_isupper(c) || u_istitle(c);
    computed.lower = u_islower(c);
    computed.alpha = u_isalpha(c);
    computed.folds_in_table = false;
    info = &computed;
  }
  return c;
}

struct CaseSeen {
  bool upper = false;
  bool lower = false;
  void note(const CharInfo& info) {
    upper = upper || info.upper;
    lower = lower || info.lower;
  }
  bool all_upper() const { return upper && !lower; }
};

// Splits a run of a script written without spaces into dictionary words.
void scan_unspaced(std::string_view s, std::size_t begin, std::size_t end, TokenSink& sink) {
  thread_local std::unique_ptr<icu::BreakIterator> words = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
    if (U_FAILURE(err)) it.reset();
    return it;
  }();
  const std::string_view run = s.substr(begin, end - begin);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
  // UTF-16 index -> byte offset in s.
  std::vector<std::size_t> byte_at(static_cast<std::size_t>(text.length()) + 1, end);
  {
    int32_t u = 0;
    for (std::size_t i = 0; i < run.size() && u < text.length();) {
      std::size_t next = 0;
      const UChar32 c = decode(run, i, next);
      byte_at[static_cast<std::size_t>(u)] = begin + i;
      u += c > 0xFFFF ? 2 : 1;
      i = next;
    }
  }
  auto emit = [&](int32_t from, int32_t to) {
    const std::size_t b = byte_at[static_cast<std::size_t>(from)];
    const std::size_t e = byte_at[static_cast<std::size_t>(to)];
    const std::string folded = fold_unicode(s.substr(b, e - b), false);
    if (!folded.empty()) sink.token(folded, b, e, false, true);
  };
  if (!words) {  // no break data: one token per character, still better than none
    for (int32_t u = 0; u < text.length(); u = text.moveIndex32(u, 1)) emit(u, text.moveIndex32(u, 1));
    return;
  }
  words->setText(text);
  int32_t from = words->first();
  for (int32_t to = words->next(); to != icu::BreakIterator::DONE; from = to, to = words->next())
    if (words->getRuleStatus() != UBRK_WORD_NONE) emit(from, to);
}

// Byte classes of the scanner's fast path.
enum ByteClass : std::uint8_t { kSeparator, kLower, kUpper, kDigit, kLead2, kComplex };

constexpr std::array<std::uint8_t, 256> make_byte_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    std::uint8_t c = kComplex;  // continuation bytes, 3- and 4-byte leads, invalid bytes
    if (b < 0x80) c = kSeparator;
    if (b >= 'a' && b <= 'z') c = kLower;
    if (b >= 'A' && b <= 'Z') c = kUpper;
    if (b >= '0' && b <= '9') c = kDigit;
    if (b >= 0xC2 && b <= 0xDF) c = kLead2;
    t[static_cast<std::size_t>(b)] = c;
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> kByteClass = make_byte_classes();

bool is_continuation_byte(char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; }

// The code point of the well-formed two-byte sequence at p (lead already checked).
std::size_t two_byte(const char* p) {
  return (static_cast<std::size_t>(static_cast<unsigned char>(p[0]) & 0x1F) << 6) |
         (static_cast<unsigned char>(p[1]) & 0x3F);
}

// A word found by the fast path, folded into `folded`.
struct SimpleWord {
  std::size_t end = 0;
  std::size_t len = 0;  // bytes of folded
  bool upper = false;
  bool capitalized = false;
};

constexpr std::size_t kSimpleWordBytes = 64;
constexpr std::size_t kSimpleWordBuffer = kSimpleWordBytes + 8;  // room for one more folded character
static_assert(sizeof CharInfo::fold <= 8, "a folded character must fit the slack of the word buffer");

// For ASCII word bytes: the folded byte, and what kind of character it is (0 for other bytes).
enum : std::uint8_t { kAsciiLower = 1, kAsciiUpper = 2, kAsciiDigit = 4 };
struct AsciiWordByte {
  char folded = 0;
  std::uint8_t kind = 0;
};
constexpr std::array<AsciiWordByte, 256> make_ascii_word_bytes() {
  std::array<AsciiWordByte, 256> t{};
  for (int b = 0; b < 128; ++b) {
    if (b >= 'a' && b <= 'z') t[static_cast<std::size_t>(b)] = {static_cast<char>(b), kAsciiLower};
    if (b >= 'A' && b <= 'Z') t[static_cast<std::size_t>(b)] = {static_cast<char>(b + 32), kAsciiUpper};
    if (b >= '0' && b <= '9') t[static_cast<std::size_t>(b)] = {static_cast<char>(b), kAsciiDigit};
  }
  return t;
}
constexpr std::array<AsciiWordByte, 256> kAsciiWordByte = make_ascii_word_bytes();

using swar::bytes_between;
using swar::kHighBits;
using swar::kOnes;

// Eight bytes of text at once: how many of them, from the first, are ASCII letters or digits, and
// whether those hold upper or lower case letters. Their folded form goes to `out` (eight bytes are
// written). No branch depends on where the word ends, which a byte loop mispredicts once per word.
struct AsciiRun {
  std::size_t count = 0;
  bool upper = false;
  bool lower = false;
};
AsciiRun ascii_run8(const char* p, char* out) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, 8);
  const std::uint64_t ascii = ~x & kHighBits;
  const std::uint64_t low7 = x & ~kHighBits;
  const std::uint64_t alpha = bytes_between(low7 | (kOnes * 0x20), 'a', 'z') & ascii;
  const std::uint64_t digit = bytes_between(low7, '0', '9') & ascii;
  const std::uint64_t stop = ~(alpha | digit) & kHighBits;
  const std::uint64_t kept = (stop & (0 - stop)) - 1;  // the bytes before the first stop (all when none)
  const std::uint64_t case_bit = x << 2;               // bit 5 (0x20, lower case) moved to bit 7
  const std::uint64_t upper = alpha & ~case_bit;
  const std::uint64_t folded = x | (upper >> 2);
  std::memcpy(out, &folded, 8);
  AsciiRun run;
  run.count = static_cast<std::size_t>(std::countr_zero(stop)) / 8;  // 64 / 8 when there is no stop
  run.upper = (upper & kept) != 0;
  run.lower = (alpha & case_bit & kept) != 0;
  return run;
}

// Reads the word starting at i with the table alone, for what nearly all news text is made of: ASCII
// letters and digits and the two-byte letters (Latin-1 to Arabic) that the table folds, ended by a
// character that can neither continue it, join it, mark a possessive nor make an initialism. False
// (nothing consumed) when anything subtler is there; the general path then reads the word.
bool scan_simple_word(std::string_view s, std::size_t i, const CharTable& table, char* folded, SimpleWord& w) {
  const std::size_t n = s.size();
  const char* p = s.data();
  std::size_t k = i;
  std::size_t len = 0;
  int letters = 0;
  bool up = false;
  bool low = false;
  const CharInfo* stop = nullptr;  // a two-byte character that ended the word
  // A word of another script (Cyrillic, Arabic) starts with its two-byte letters.
  bool ascii_next = static_cast<unsigned char>(p[i]) < 0x80;
  for (;;) {
    // ASCII letters and digits, the bulk of every word: eight bytes at a time, byte by byte only in
    // the last eight bytes of the text.
    if (!ascii_next) {
      ascii_next = true;
    } else if (std::endian::native == std::endian::little && n - k >= 8) {
      const AsciiRun run = ascii_run8(p + k, folded + len);
      len += run.count;
      k += run.count;
      letters += static_cast<int>(run.count);
      up = up || run.upper;
      low = low || run.lower;
      if (len > kSimpleWordBytes) return false;
      if (run.count == 8) continue;
    } else {
      const std::size_t limit = std::min(n, k + (kSimpleWordBytes + 1 - len));
      const std::size_t run_start = k;
      std::uint8_t kinds = 0;
      for (; k < limit; ++k) {
        const AsciiWordByte& c = kAsciiWordByte[static_cast<unsigned char>(p[k])];
        if (c.kind == 0) break;
        kinds |= c.kind;
        folded[len++] = c.folded;
      }
      letters += static_cast<int>(k - run_start);
      up = up || (kinds & kAsciiUpper) != 0;
      low = low || (kinds & kAsciiLower) != 0;
      if (len > kSimpleWordBytes) return false;
      if (k >= n) break;
    }
    // Two-byte letters (Cyrillic, Arabic, accented Latin), as many as follow one another.
    const std::size_t run_start = k;
    unsigned seen = 0;  // kTwo* flags of the letters read
    while (k + 1 < n) {
      const auto lead = static_cast<unsigned char>(p[k]);
      const auto next = static_cast<unsigned char>(p[k + 1]);
      if (static_cast<unsigned>(lead - 0xC2) > 0xDF - 0xC2 || (next & 0xC0) != 0x80) break;
      const std::size_t c = (static_cast<std::size_t>(lead & 0x1F) << 6) | (next & 0x3F);
      const TwoByteFold& d = table.two[c];
      if ((d.flags & (kTwoWord | kTwoJoiner)) == 0) {
        stop = &table.low[c];
        break;
      }
      if ((d.flags & kTwoFolds) == 0) return false;
      std::memcpy(folded + len, d.fold, sizeof d.fold);
      len += d.len;
      letters += d.flags & kTwoWord;
      seen |= d.flags;
      k += 2;
      if (len > kSimpleWordBytes) return false;
    }
    up = up || (seen & kTwoUpper) != 0;
    low = low || (seen & kTwoLower) != 0;
    if (stop != nullptr || k == run_start || k >= n) break;
    if (kAsciiWordByte[static_cast<unsigned char>(p[k])].kind == 0) break;  // no ASCII letter follows either
  }
  if (k == i) return false;
  if (k < n) {
    const auto b = static_cast<unsigned char>(p[k]);
    if (b < 0x80) {
      if (b == '\'' || (b == '.' && letters == 1)) return false;  // possessive, inner apostrophe, initialism
    } else if (stop != nullptr) {
      if (stop->cls != CharClass::other) return false;  // an apostrophe (ʼ, ʻ, ʾ, ʿ)
    } else if (b == 0xE2 && k + 2 < n && is_continuation_byte(p[k + 1]) &&
               is_continuation_byte(p[k + 2])) {
      // U+2000-U+2FFF: the punctuation block is in the table (dashes, quotes; ’ is an apostrophe).
      const std::size_t c = ((static_cast<std::size_t>(b) & 0x0F) << 12) |
                            ((static_cast<std::size_t>(static_cast<unsigned char>(p[k + 1])) & 0x3F) << 6) |
                            (static_cast<unsigned char>(p[k + 2]) & 0x3F);
      if (c < 0x2000 || c >= 0x2070 || table.punct[c - 0x2000].cls != CharClass::other) return false;
    } else {
      return false;
    }
  }
  const auto first = static_cast<unsigned char>(p[i]);
  w.end = k;
  w.len = len;
  w.upper = up && !low;
  w.capitalized = first < 0x80 ? kByteClass[first] != kLower : !table.low[two_byte(p + i)].lower;
  return true;
}

// The whole text as masks, a ChunkMasks for every kChunk bytes.
struct TextMasks {
  std::vector<ChunkMasks> chunk;  // the first `chunks`; kept from text to text
  std::size_t chunks = 0;

  void resize(std::size_t n) {
    chunks = n;
    if (chunk.size() < n) chunk.resize(n);
  }
  // Whether any bit of the mask `field` in [b, e) is set (e > b).
  bool any(std::uint64_t ChunkMasks::*field, std::size_t b, std::size_t e) const {
    std::size_t k = b >> 6;
    const std::size_t last = (e - 1) >> 6;
    std::uint64_t bits = chunk[k].*field & (~std::uint64_t{0} << (b & 63));
    while (k < last) {
      if (bits != 0) return true;
      bits = chunk[++k].*field;
    }
    return (bits & (~std::uint64_t{0} >> (63 - ((e - 1) & 63)))) != 0;
  }
};

// Classifies all of s (one pass, no byte twice) with the widest instructions the processor has and
// writes its folded copy to `folded`, which has room for the text rounded up to whole chunks.
void classify_text(std::string_view s, char* folded, TextMasks& m) {
  const std::size_t n = s.size();
  m.resize((n + kChunk - 1) / kChunk);
  const std::size_t whole = n / kChunk;
  std::uint64_t carry = 0;  // the last byte of the previous chunk was a letter or digit
#if defined(NEWSALERT_AVX2_DISPATCH)
  if (has_avx512bw()) {
    simd::classify_chunks_avx512(s.data(), folded, m.chunk.data(), whole, n - whole * kChunk, carry);
    return;
  }
#endif
  char tail[kChunk] = {};  // the last bytes padded with zeros, which end words as the end does
  if (whole < m.chunks) std::memcpy(tail, s.data() + whole * kChunk, n - whole * kChunk);
#if defined(NEWSALERT_AVX2_DISPATCH)
  if (has_avx2()) {
    simd::classify_chunks_avx2(s.data(), folded, m.chunk.data(), whole, carry);
    if (whole < m.chunks) simd::classify_chunks_avx2(tail, folded + whole * kChunk, m.chunk.data() + whole, 1, carry);
    return;
  }
#endif
#if defined(__SSE2__)
  simd::classify_chunks_sse2(s.data(), folded, m.chunk.data(), whole);
  if (whole < m.chunks) simd::classify_chunks_sse2(tail, folded + whole * kChunk, m.chunk.data() + whole, 1);
#else
  simd::classify_chunks_swar(s.data(), folded, m.chunk.data(), whole);
  if (whole < m.chunks) simd::classify_chunks_swar(tail, folded + whole * kChunk, m.chunk.data() + whole, 1);
#endif
  for (ChunkMasks* c = m.chunk.data(); c != m.chunk.data() + m.chunks; ++c) {
    c->starts = c->alnum & ~((c->alnum << 1) | carry);
    carry = c->alnum >> 63;
  }
}

// A plain word that runs into an apostrophe at `at` (of the folded text): where scanning goes on
// when the apostrophe marks a possessive ("Iran's", "Iran’s": past the s) or closes the word
// ("Hamas' ": past the apostrophe), as the word-at-a-time path reads them; 0 for anything else
// (an apostrophe inside a word, "O'Brien", or something the general path has to look at).
std::size_t after_apostrophe(const char* folded, std::size_t n, std::size_t at) {
  std::size_t after = 0;
  if (folded[at] == '\'') {
    after = at + 1;
  } else if (at + 2 < n && static_cast<unsigned char>(folded[at]) == 0xE2 && static_cast<unsigned char>(folded[at + 1]) == 0x80 &&
             static_cast<unsigned char>(folded[at + 2]) == 0x99) {  // ’
    after = at + 3;
  } else {
    return 0;
  }
  // Nothing, or ASCII that is no letter or digit (the folded text has lower case letters only).
  auto ends = [&](std::size_t p) {
    return p >= n || (static_cast<unsigned char>(folded[p]) < 0x80 && kAsciiWordByte[static_cast<unsigned char>(folded[p])].kind == 0);
  };
  if (after < n && folded[after] == 's') return ends(after + 1) ? after + 1 : 0;
  return ends(after) ? after : 0;
}

// A dotted initialism of ASCII letters at b ("U.S.", "U.S.A", "e.g.") as the word-at-a-time path
// reads it: the letters as one word, up to and with the last dot when one follows the last letter.
// A letter alone before its dot ("a.", "Q. and") is a word of its own. False when a non-ASCII byte
// is next to a letter, which that path has to look at.
struct InitialismWord {
  char folded[kSimpleWordBytes + 8] = {};
  std::size_t len = 0;
  std::size_t end = 0;
  bool upper = false;
  bool capitalized = false;
};
bool read_initialism(const char* folded, std::size_t n, std::size_t b, const ChunkMasks* masks, InitialismWord& w) {
  auto byte = [&](std::size_t p) { return p < n ? static_cast<unsigned char>(folded[p]) : 0u; };
  auto letter = [&](std::size_t p) { return kAsciiWordByte[byte(p)].kind == kAsciiLower; };  // folded: lower case only
  auto bit = [&](std::uint64_t ChunkMasks::*field, std::size_t p) { return ((masks[p >> 6].*field >> (p & 63)) & 1) != 0; };
  if (!letter(b)) return false;  // a digit before a dot is a plain word, for the general path
  bool upper = bit(&ChunkMasks::upper, b);
  bool lower = bit(&ChunkMasks::lower, b);
  std::size_t len = 0;
  w.folded[len++] = folded[b];
  std::size_t last = b + 1;  // after the last letter taken
  for (std::size_t p = b + 1; byte(p) == '.';) {
    const unsigned next = byte(p + 1);
    if (next >= 0x80) return false;
    if (kAsciiWordByte[next].kind != kAsciiLower) break;
    const unsigned after = byte(p + 2);
    if (after >= 0x80) return false;
    if (after != '.' && kAsciiWordByte[after].kind != 0) break;  // the letter starts a word: "U.Sx"
    if (len == kSimpleWordBytes) return false;
    w.folded[len++] = static_cast<char>(next);
    upper = upper || bit(&ChunkMasks::upper, p + 1);
    lower = lower || bit(&ChunkMasks::lower, p + 1);
    last = p + 2;
    p = last;
  }
  if (len < 2) {
    w.len = 1;
    w.end = b + 1;
  } else {
    w.len = len;
    w.end = byte(last) == '.' ? last + 1 : last;
  }
  w.upper = upper && !lower && (len >= 2 || bit(&ChunkMasks::upper, b));
  w.capitalized = !bit(&ChunkMasks::lower, b);
  return true;
}

// The case of a word, as in Token.
struct WordCase {
  bool upper = false;
  bool capitalized = false;
};

// The case of the plain word [b, e) of a text, from its masks.
WordCase span_case(const TextMasks& m, std::size_t b, std::size_t e) {
  return WordCase{m.any(&ChunkMasks::upper, b, e) && !m.any(&ChunkMasks::lower, b, e),
                  ((m.chunk[b >> 6].lower >> (b & 63)) & 1) == 0};
}

// A word of two-byte letters alone (Cyrillic, Greek, Hebrew, Arabic) at i, folded into `folded`
// (kSimpleWordBuffer bytes), ended by what ends a word plainly: ASCII punctuation or space other than
// an apostrophe, a two-byte character that is no letter, or the end of the text. False (nothing
// consumed) for anything else, which the general path reads.
struct TwoByteWord {
  std::size_t end = 0;
  std::size_t len = 0;  // bytes of the folded form; 0 when every letter folds away
  bool upper = false;
  bool capitalized = false;
};
inline bool scan_two_byte_word(const char* p, std::size_t n, std::size_t i, const CharTable& table, char* folded,
                               TwoByteWord& w) {
  std::size_t k = i;
  std::size_t len = 0;
  unsigned seen = 0;
  unsigned letters = 0;
  const std::uint32_t* const pairs = table.pairs.data();
  // Two bytes per step through the pair table (the caller made sure a letter starts the word). At
  // most 32 characters, which fold to at most 64 bytes: a longer word takes the general path.
  std::uint32_t first = 0;
  if (n - i >= 2) first = pairs[static_cast<unsigned char>(p[i]) | static_cast<std::size_t>(static_cast<unsigned char>(p[i + 1])) << 8];
  if ((first & kPairLetter) == 0) return false;
  w.capitalized = ((first >> 24) & kTwoLower) == 0;
  const std::size_t limit = std::min(n, i + kSimpleWordBytes) - 1;  // k + 1 < n, k < i + 64
  while (k < limit) {
    std::uint16_t pair = 0;
    std::memcpy(&pair, p + k, 2);
    if constexpr (std::endian::native == std::endian::big) pair = static_cast<std::uint16_t>((pair >> 8) | (pair << 8));
    const std::uint32_t d = pairs[pair];
    if ((d & (kPairLetter | kPairJoiner)) == 0) break;
    auto folded_pair = static_cast<std::uint16_t>(d);
    if constexpr (std::endian::native == std::endian::big)
      folded_pair = static_cast<std::uint16_t>((folded_pair >> 8) | (folded_pair << 8));
    std::memcpy(folded + len, &folded_pair, 2);
    len += (d >> 16) & 3;
    seen |= d;  // the flags are bits 24-31
    k += 2;
  }
  if (k >= i + kSimpleWordBytes) return false;
  seen >>= 24;
  if (k < n && p[k] == '.') {  // a single letter before a dot may start an initialism
    for (std::size_t j = i; j < k; j += 2) letters += (pairs[static_cast<unsigned char>(p[j]) | static_cast<std::size_t>(static_cast<unsigned char>(p[j + 1])) << 8] >> 24) & kTwoWord;
  }
  if (k < n) {
    const auto b = static_cast<unsigned char>(p[k]);
    if (b < 0x80) {
      if (kAsciiWordByte[b].kind != 0 || b == '\'' || (b == '.' && letters == 1)) return false;
    } else if (static_cast<unsigned>(b - 0xC2) <= 0xDF - 0xC2 && k + 1 < n && is_continuation_byte(p[k + 1])) {
      if (table.low[two_byte(p + k)].cls != CharClass::other) return false;  // an apostrophe (ʼ, ʻ, ʾ, ʿ)
    } else {
      return false;
    }
  }
  w.end = k;
  w.len = len;
  w.upper = (seen & kTwoUpper) != 0 && (seen & kTwoLower) == 0;
  return true;
}

// Reads the plain ASCII words of s from i on, with the masks alone, and stops at the first place
// that might need more than that: a non-ASCII byte or an apostrophe (in a word or between words),
// a word running into one, or a single letter before a dot (an initialism). Returns that place, or
// the end of the text.
//
// A chunk at a time with its masks in registers: a word is a count of trailing zeros, its case two
// masked tests. `folded` is the folded text (zeros after its end).
// The folded copy of a text is followed by this many readable bytes (zeros or left-overs), so that a
// word near the end can be read 32 bytes at a time.
constexpr std::size_t kFoldedTextPadding = 32 + ScannedWords::kPadding;

// Where the run of non-ASCII bytes (and apostrophes) from i ends: the first ASCII byte other than an
// apostrophe at or after i, or the end of the masks.
inline std::size_t run_end(const ChunkMasks* masks, std::size_t chunks, std::size_t i) {
  std::size_t k = i >> 6;
  const std::uint64_t rest = ~masks[k].complex >> (i & 63);
  if (rest != 0) return i + static_cast<std::size_t>(std::countr_zero(rest));
  while (++k < chunks)
    if (masks[k].complex != ~std::uint64_t{0}) return k * kChunk + static_cast<std::size_t>(std::countr_zero(~masks[k].complex));
  return chunks * kChunk;
}

// Whether the word of two-byte letters [i, k) ends plainly at k: at the end of the text, or at ASCII
// that is no letter, digit or apostrophe, and no dot after a single letter (an initialism).
inline bool ends_two_byte_word(const char* p, std::size_t n, std::size_t i, std::size_t k) {
  if (k >= n) return true;
  const auto b = static_cast<unsigned char>(p[k]);
  if (kAsciiWordByte[b].kind != 0 || b == '\'') return false;
  return b != '.' || k - i != 2;  // every character is a letter here
}

#if defined(NEWSALERT_AVX2_DISPATCH)
// The word of two-byte letters at i when it is all of the run of non-ASCII bytes [i, e) and every
// character is a letter folding to two bytes (most Cyrillic, Greek, Hebrew and Arabic text): eight
// characters at a time through the pair table with one gather, so that no branch depends on where
// the word ends. False for anything else; scan_two_byte_word() then reads it a character at a time.
__attribute__((target("avx2,bmi,bmi2"))) inline bool fold_two_byte_run_avx2(const char* p, std::size_t n, std::size_t i,
                                                                            std::size_t e, const std::uint32_t* pairs,
                                                                            char* folded, TwoByteWord& w) {
  e = std::min(e, n);
  const std::size_t bytes = e - i;
  if (bytes == 0 || (bytes & 1) != 0 || bytes > 32 || !ends_two_byte_word(p, n, i, e)) return false;
  const auto chars = static_cast<int>(bytes / 2);
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i flags_mask = _mm256_set1_epi32(static_cast<int>(kPairLetter | (3u << 16)));
  const __m256i letter_of_two = _mm256_set1_epi32(static_cast<int>(kPairLetter | (2u << 16)));
  const __m256i low16 = _mm256_set1_epi32(0xFFFF);
  unsigned upper = 0;
  unsigned lower = 0;
  for (int block = 0; block * 8 < chars; ++block) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * static_cast<std::size_t>(block)));
    const __m256i d = _mm256_i32gather_epi32(reinterpret_cast<const int*>(pairs), _mm256_cvtepu16_epi32(raw), 4);
    const __m256i valid = _mm256_cmpgt_epi32(_mm256_set1_epi32(chars - 8 * block), lanes);
    const __m256i good = _mm256_cmpeq_epi32(_mm256_and_si256(d, flags_mask), letter_of_two);
    if (_mm256_movemask_epi8(_mm256_andnot_si256(good, valid)) != 0) return false;
    const __m256i flags = _mm256_and_si256(d, valid);
    upper |= static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(flags, 31 - 26)))) << (8 * block);
    lower |= static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(flags, 31 - 27)))) << (8 * block);
    // The low sixteen bits of the eight entries (the folded bytes) side by side.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(_mm256_and_si256(d, low16), _mm256_and_si256(d, low16)), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(folded + 16 * block), _mm256_castsi256_si128(packed));
  }
  static_assert((kTwoUpper << 24) == (1u << 26) && (kTwoLower << 24) == (1u << 27), "flag bits of the pair table");
  w.end = e;
  w.len = bytes;
  w.upper = upper != 0 && lower == 0;
  w.capitalized = (lower & 1) == 0;
  return true;
}
#endif

template <bool V3, class Output>
[[gnu::always_inline]] inline std::size_t scan_plain_words_body(const char* folded, std::size_t n, std::size_t i,
                                                                 const TextMasks& m, Output& out) {
  char two_byte_folded[kSimpleWordBuffer + 8];
  const ChunkMasks* const masks = m.chunk.data();
  const std::size_t chunks = m.chunks;
  constexpr std::uint64_t kAll = ~std::uint64_t{0};
  auto below = [](unsigned bit) { return bit >= 64 ? kAll : (std::uint64_t{1} << bit) - 1; };
  auto words = out.begin_plain();
  for (;;) {
    const std::size_t k = i >> 6;
    if (k >= chunks) {
      i = n;
      break;
    }
    const std::size_t base = k * kChunk;
    const unsigned from = i & 63;
    const std::uint64_t a = masks[k].alnum;
    // Word starts from i on (i itself when the slower path stopped inside a run of letters).
    const std::uint64_t st = (masks[k].starts | (a & (std::uint64_t{1} << from))) & (kAll << from);
    const std::uint64_t c = masks[k].complex & (kAll << from);
    const unsigned first_complex = c != 0 ? static_cast<unsigned>(std::countr_zero(c)) : 64;
    // Where the plain words of this chunk stop: at the word running into the first non-ASCII byte
    // or apostrophe, or at a single letter before a dot (an initialism), whichever comes first.
    const std::uint64_t bad = st & ~(a >> 1) & (masks[k].dots >> 1);
    unsigned touching = 64;  // the start of the word running into that byte
    if (first_complex < 64 && first_complex > from && ((a >> (first_complex - 1)) & 1) != 0)
      touching = static_cast<unsigned>(63 - std::countl_zero(st & below(first_complex)));
    const unsigned stop = std::min({bad != 0 ? static_cast<unsigned>(std::countr_zero(bad)) : 64u, touching, first_complex});
    std::uint64_t todo = st & below(stop);
    // The last word of the chunk may go on into the next one: it is read after the others, so that
    // the loop below needs no test for it.
    unsigned crossing = 64;
    if ((a >> 63) != 0 && todo != 0) {
      const auto last = static_cast<unsigned>(63 - std::countl_zero(todo));
      if ((~a >> last) == 0) {
        crossing = last;
        todo &= ~(std::uint64_t{1} << last);
      }
    }
    while (todo != 0) {
      const auto b = static_cast<unsigned>(std::countr_zero(todo));
      const auto len = static_cast<unsigned>(std::countr_zero(~a >> b));  // the word ends in the chunk
      const std::uint64_t in_word = ((std::uint64_t{1} << len) - 1) << b;
      words.word(base + b, len, base + b + len, [in_word, b, &masks, k] {
        const std::uint64_t up = masks[k].upper;
        const std::uint64_t low = masks[k].lower;
        return WordCase{(up & in_word) != 0 && (low & in_word) == 0, ((low >> b) & 1) == 0};
      });
      todo &= todo - 1;
    }
    bool crossed = false;
    if (crossing < 64) {
      const unsigned b = crossing;
      std::size_t j = k + 1;
      while (j < chunks && masks[j].alnum == kAll) ++j;
      const std::size_t e = j < chunks ? j * kChunk + static_cast<std::size_t>(std::countr_zero(~masks[j].alnum)) : chunks * kChunk;
      const std::size_t wb = base + b;
      if ((e < n && ((masks[e >> 6].complex >> (e & 63)) & 1) != 0) || (e - wb == 1 && folded[e] == '.')) {
        out.end_plain(words);
        return wb;
      }
      words.word(wb, e - wb, e, [&m, wb, e] { return span_case(m, wb, e); });
      i = e;
      crossed = true;
    }
    if (crossed) continue;
    if (touching < 64 && stop == touching) {
      // A possessive ("Iran's", "Iran’s") or a closing apostrophe ("Hamas' ") is read here.
      const std::size_t wb = base + stop;
      const std::size_t we = base + first_complex;
      if (const std::size_t next = after_apostrophe(folded, n, we); next != 0) {
        words.word(wb, we - wb, we, [&m, wb, we] { return span_case(m, wb, we); });
        i = next;
        continue;
      }
    }
    if (stop < first_complex && ((bad >> stop) & 1) != 0) {
      // A single letter before a dot: a dotted initialism ("U.S.", "e.g.") is read here.
      InitialismWord w;
      if (read_initialism(folded, n, base + stop, masks, w)) {
        words.word_folded(w.folded, w.len, base + stop, w.end, w.upper, w.capitalized);
        i = w.end;
        continue;
      }
    }
    if (stop < first_complex) {  // a word for the slower path
      i = base + stop;
      break;
    }
    if (first_complex == 64) {
      i = base + kChunk;
      continue;
    }
    // A non-ASCII byte or an apostrophe. Two-byte characters between words and words of two-byte
    // letters are read here; anything else goes to the word-at-a-time path.
    i = base + first_complex;
    const CharTable& table = char_table();
    const auto lead = static_cast<unsigned char>(folded[i]);
    if (static_cast<unsigned>(lead - 0xC2) > 0xDF - 0xC2 || i + 1 >= n || !is_continuation_byte(folded[i + 1])) break;
    if ((table.two[two_byte(folded + i)].flags & kTwoWord) == 0) {
      i += 2;  // punctuation, a joiner or an apostrophe between words (no word starts with them)
      continue;
    }
    // Words of two-byte letters one after another, as long as one ASCII space or punctuation mark
    // (no apostrophe, no letter or digit) is all that lies between them: text in Cyrillic, Greek,
    // Hebrew or Arabic script, without going back to the masks for every word.
    const std::uint32_t* const pairs = table.pairs.data();
    for (;;) {
      TwoByteWord w;
      bool read = false;
#if defined(NEWSALERT_AVX2_DISPATCH)
      if constexpr (V3) read = fold_two_byte_run_avx2(folded, n, i, run_end(masks, chunks, i), pairs, two_byte_folded, w);
#endif
      if (!read && !scan_two_byte_word(folded, n, i, table, two_byte_folded, w)) {
        out.end_plain(words);
        return i;
      }
      if (w.len > 0) words.word_folded(two_byte_folded, w.len, i, w.end, w.upper, w.capitalized);
      i = w.end;
      if (i + 3 > n) break;
      const auto sep = static_cast<unsigned char>(folded[i]);
      if (sep >= 0x80 || sep == '\'' || kAsciiWordByte[sep].kind != 0) break;
      const std::uint32_t next = pairs[static_cast<unsigned char>(folded[i + 1]) |
                                       static_cast<std::size_t>(static_cast<unsigned char>(folded[i + 2])) << 8];
      if ((next & kPairLetter) == 0) break;
      ++i;
    }
  }
  out.end_plain(words);
  return std::min(i, n);
}

// The pass compiled twice: for any x86-64, and with BMI1/BMI2 (single instructions for shifts by a
// variable, "lowest set bit" and "keep the low n bits", which the pass does for every word) for
// processors that have them, chosen at run time. Unlike the classification (normalizer_avx2.cpp and
// the others), both stay here, with fold_two_byte_run_avx2(): the pass is instantiated for each
// output of this file, and its helpers and each output's word() are inlined into it.
template <class Output>
[[gnu::noinline]] std::size_t scan_plain_words(const char* folded, std::size_t n, std::size_t i, const TextMasks& m,
                                               Output& out) {
  return scan_plain_words_body<false>(folded, n, i, m, out);
}
#if defined(NEWSALERT_AVX2_DISPATCH)
template <class Output>
[[gnu::noinline]] __attribute__((target("avx2,bmi,bmi2"))) std::size_t scan_plain_words_v3(
    const char* folded, std::size_t n, std::size_t i, const TextMasks& m, Output& out) {
  return scan_plain_words_body<true>(folded, n, i, m, out);
}
#endif
template <class Output>
std::size_t scan_plain_words_dispatch(const char* folded, std::size_t n, std::size_t i, const TextMasks& m, Output& out) {
#if defined(NEWSALERT_AVX2_DISPATCH)
  if (has_avx2()) return scan_plain_words_v3(folded, n, i, m, out);
#endif
  return scan_plain_words(folded, n, i, m, out);
}

// Where the scanner puts words. The plain-word pass writes the folded text to `text_buffer()` and
// hands over words as offsets into it; the word-at-a-time path writes a word into `buffer()`
// (kSimpleWordBuffer bytes) and hands it to `word()`; everything else arrives through the TokenSink.
class SinkOutput final {
 public:
  explicit SinkOutput(TokenSink& sink) : sink_(sink) {}
  char* text_buffer(std::size_t bytes) {
    text_.resize(bytes);
    return text_.data();
  }
  struct Plain {
    SinkOutput& out;
    template <class Case>
    void word(std::size_t begin, std::size_t len, std::size_t end, Case word_case) {
      const WordCase c = word_case();
      out.sink_.token(std::string_view(out.text_.data() + begin, len), begin, end, c.upper, c.capitalized);
    }
    void word_folded(const char* folded, std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
      out.sink_.token(std::string_view(folded, len), begin, end, upper, capitalized);
    }
  };
  Plain begin_plain() { return Plain{*this}; }
  void end_plain(const Plain&) {}
  char* buffer() { return buffer_; }
  void word(std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
    sink_.token(std::string_view(buffer_, len), begin, end, upper, capitalized);
  }
  TokenSink& sink() { return sink_; }
  void inner_apostrophe() {}

 private:
  TokenSink& sink_;
  std::string text_;
  char buffer_[kSimpleWordBuffer];
};

class BulkOutput final : public TokenSink {
 public:
  BulkOutput(ScannedWords& out, std::size_t text_bytes) : out_(out), max_words_(text_bytes / 2 + 1) {}
  // The folded text goes first, so that plain words are offsets into it.
  char* text_buffer(std::size_t bytes) {
    out_.reserve(0, bytes);
    text_base_ = out_.used();
    char* p = out_.next();
    out_.commit(0, bytes);
    return p;
  }
  // The words of one run of the plain-word pass, written straight into the reserved room and
  // counted in a local, then committed once.
  struct Plain {
    ScannedWords& out;
    ScannedWords::Word* words;
    std::size_t base;
    std::size_t count = 0;
    std::size_t used = 0;  // folded bytes of words that are not in the text's folded copy
    template <class Case>
    void word(std::size_t begin, std::size_t len, std::size_t end, Case word_case) {
      const WordCase c = word_case();
      words[count++] = ScannedWords::Word{static_cast<std::uint32_t>(base + begin), static_cast<std::uint32_t>(len),
                                          static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), c.upper,
                                          c.capitalized};
    }
    void word_folded(const char* folded, std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
      out.reserve(0, used + len);  // moves the bytes, never the words
      std::memcpy(out.next() + used, folded, len);
      words[count++] = ScannedWords::Word{static_cast<std::uint32_t>(out.used() + used), static_cast<std::uint32_t>(len),
                                          static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), upper,
                                          capitalized};
      used += len;
    }
  };
  Plain begin_plain() {
    out_.reserve(max_words_, 0);  // a text of n bytes has at most n / 2 + 1 words
    return Plain{out_, out_.free_words(), text_base_};
  }
  void end_plain(const Plain& plain) { out_.commit(plain.count, plain.used); }
  char* buffer() {
    out_.reserve(1, kSimpleWordBuffer);
    return out_.next();
  }
  void word(std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
    out_.add(len, begin, end, upper, capitalized);
  }
  void token(std::string_view folded, std::size_t begin, std::size_t end, bool upper, bool capitalized) override {
    out_.reserve(1, folded.size());
    std::memcpy(out_.next(), folded.data(), folded.size());
    out_.add(folded.size(), begin, end, upper, capitalized);
  }
  TokenSink& sink() { return *this; }
  void inner_apostrophe() {}

 private:
  ScannedWords& out_;
  std::size_t max_words_;
  std::size_t text_base_ = 0;
};

// Looks every word up as it is found and keeps only its id, place and case: no folded bytes are
// kept, and the plain words are looked up in the folded copy of the text where they lie.
class LookupOutput final : public TokenSink {
 public:
  LookupOutput(const TokenTrie& trie, LookedUpWords& out, std::size_t text_bytes)
      : trie_(trie), out_(out), words_(out.words), known_(out.known), max_plain_(text_bytes / 2 + 1) {
    out_.inner_apostrophes = false;
  }
  ~LookupOutput() {
    out_.count = count_;
    out_.known_count = known_count_;
  }
  LookupOutput(const LookupOutput&) = delete;
  LookupOutput& operator=(const LookupOutput&) = delete;

  char* text_buffer(std::size_t bytes) {
    thread_local std::vector<char> text;
    if (text.size() < bytes) text.resize(2 * bytes);
    text_ = text.data();
    return text_;
  }
  struct Plain {
    TokenTrie::PaddedFinder find;
    const char* text;
    LookedUpWord* words;
    std::uint32_t* known;
    std::size_t count;
    std::size_t known_count;
    // The case is worked out for known words only: it matters for nothing else. An unknown word is
    // written as two eight-byte stores (its id 0, its place, no case) rather than field by field:
    // this runs for nearly every word of every text.
    template <class Case>
    void word(std::size_t begin, std::size_t len, std::size_t end, Case word_case) {
      const std::uint32_t id = find(text + begin, len);
      if (id != TokenTrie::kUnknown) [[unlikely]] {
        const WordCase c = word_case();
        known[known_count++] = static_cast<std::uint32_t>(count);
        words[count++] = LookedUpWord{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), c.upper, c.capitalized};
        return;
      }
      static_assert(offsetof(LookedUpWord, begin) == 4 && offsetof(LookedUpWord, end) == 8 && sizeof(LookedUpWord) == 16,
                    "an unknown word is stored as two eight-byte halves");
      if constexpr (std::endian::native == std::endian::little) {
        const std::uint64_t halves[2] = {static_cast<std::uint64_t>(begin) << 32, static_cast<std::uint32_t>(end)};
        std::memcpy(static_cast<void*>(words + count), halves, sizeof halves);
        ++count;
      } else {
        words[count++] = LookedUpWord{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), false, false};
      }
    }
    // `folded` is followed by at least eight readable bytes.
    void word_folded(const char* folded, std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
      const std::uint32_t id = find(folded, len);
      const bool is_known = id != TokenTrie::kUnknown;
      if (is_known) known[known_count++] = static_cast<std::uint32_t>(count);
      words[count++] = LookedUpWord{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), is_known && upper,
                                    is_known && capitalized};
    }
  };
  Plain begin_plain() {
    room(max_plain_);
    return Plain{TokenTrie::PaddedFinder(trie_), text_, words_.data(), known_.data(), count_, known_count_};
  }
  void end_plain(const Plain& plain) {
    count_ = plain.count;
    known_count_ = plain.known_count;
  }
  char* buffer() { return buffer_; }
  void word(std::size_t len, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
    add(trie_.find_padded(std::string_view(buffer_, len)), begin, end, upper, capitalized);
  }
  void token(std::string_view folded, std::size_t begin, std::size_t end, bool upper, bool capitalized) override {
    add(trie_.find(folded), begin, end, upper, capitalized);
  }
  TokenSink& sink() { return *this; }
  void inner_apostrophe() { out_.inner_apostrophes = true; }

 private:
  void room(std::size_t more) {
    if (words_.size() < count_ + more) {
      words_.resize(2 * (count_ + more));
      known_.resize(2 * (count_ + more));
    }
  }
  void add(std::uint32_t id, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
    room(1);
    const bool is_known = id != TokenTrie::kUnknown;
    if (is_known) known_[known_count_++] = static_cast<std::uint32_t>(count_);
    words_[count_++] = LookedUpWord{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), is_known && upper,
                                    is_known && capitalized};
  }

  const TokenTrie& trie_;
  LookedUpWords& out_;
  std::vector<LookedUpWord>& words_;
  std::vector<std::uint32_t>& known_;
  std::size_t max_plain_;
  std::size_t count_ = 0;
  std::size_t known_count_ = 0;
  char* text_ = nullptr;
  char buffer_[kSimpleWordBuffer + ScannedWords::kPadding] = {};
};

// Blocks false: word by word only, the reference the block scanner must agree with.
template <bool Blocks = true, class Output>
void scan_words(std::string_view s, Output& out) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  TokenSink& sink = out.sink();
  thread_local std::string raw;     // the word as written (for ICU folding and initialisms)
  thread_local std::string folded;  // the word folded through the table
  const CharTable& table = char_table();
  CharInfo computed;
  CharInfo computed2;
  auto emit = [&](std::size_t begin, std::size_t end, bool table_ok, bool upper, bool capitalized) {
    if (table_ok) {
      if (!folded.empty()) sink.token(folded, begin, end, upper, capitalized);
      return;
    }
    const std::string f = fold_unicode(raw, false);
    if (!f.empty()) sink.token(f, begin, end, upper, capitalized);
  };
  thread_local TextMasks masks;
  char* folded_text = nullptr;
  if (Blocks && std::endian::native == std::endian::little)
    folded_text = out.text_buffer((n + kChunk - 1) / kChunk * kChunk + kFoldedTextPadding);
  if (folded_text != nullptr) classify_text(s, folded_text, masks);
  while (i < n) {
    if (Blocks && std::endian::native == std::endian::little) {
      i = scan_plain_words_dispatch(folded_text, n, i, masks, out);
      if (i >= n) break;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    const std::uint8_t cls = kByteClass[b];
    if (cls == kSeparator) {  // ASCII between words
      ++i;
      continue;
    }
    if (cls == kLead2 && i + 1 < n && is_continuation_byte(s[i + 1]) &&
        table.low[two_byte(s.data() + i)].cls != CharClass::word) {
      i += 2;  // punctuation, a joiner or an apostrophe between words (no word starts with them)
      continue;
    }
    if (cls != kComplex) {
      SimpleWord w;
      if (scan_simple_word(s, i, table, out.buffer(), w)) {
        if (w.len > 0) out.word(w.len, i, w.end, w.upper, w.capitalized);
        i = w.end;
        continue;
      }
    }
    std::size_t next = 0;
    const CharInfo* info = nullptr;
    const UChar32 c = next_char(s, i, next, info, computed);
    if (info->cls == CharClass::unspaced) {
      std::size_t end = next;
      while (end < n) {
        std::size_t after = 0;
        const CharInfo* d = nullptr;
        next_char(s, end, after, d, computed2);
        if (d->cls != CharClass::unspaced && !(d->cls == CharClass::joiner)) break;
        end = after;
      }
      scan_unspaced(s, i, end, sink);
      i = end;
      continue;
    }
    if (info->cls != CharClass::word) {
      i = next;
      continue;
    }

    const std::size_t begin = i;
    std::size_t end = i;
    std::size_t k = i;
    int letters = 0;
    bool table_ok = true;
    const bool capitalized = !info->lower;
    CaseSeen cases;
    raw.clear();
    folded.clear();
    while (k < n) {
      const auto byte = static_cast<unsigned char>(s[k]);
      if (byte < 0x80) {  // ASCII inside a word: no decoding, no table
        const bool upper = byte >= 'A' && byte <= 'Z';
        if (upper || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9')) {
          ++letters;
          cases.upper = cases.upper || upper;
          cases.lower = cases.lower || (byte >= 'a');
          raw += static_cast<char>(byte);
          folded += static_cast<char>(upper ? byte + 32 : byte);
          end = ++k;
          continue;
        }
      }
      std::size_t k2 = 0;
      const CharInfo* d = nullptr;
      next_char(s, k, k2, d, computed2);
      if (d->cls == CharClass::word || d->cls == CharClass::joiner) {
        if (d->cls == CharClass::word) {
          ++letters;
          cases.note(*d);
        }
        raw.append(s.substr(k, k2 - k));
        if (d->folds_in_table) folded.append(d->fold, d->len);
        else table_ok = false;
        end = k = k2;
        continue;
      }
      if (d->cls == CharClass::apostrophe) {
        std::size_t k3 = 0;
        const UChar32 e = peek(s, k2, k3);
        if (e == 's' || e == 'S') {
          std::size_t k4 = 0;
          const UChar32 f = peek(s, k3, k4);
          if (!is_word_char(f) && !is_word_joiner(f)) {  // possessive: "Iran's", "IRAN'S"
            k = k3;
            break;
          }
        }
        if (is_word_char(e) && !is_unspaced_script(e)) {  // inside a word: "Sana'a", "O’Brien"
          out.inner_apostrophe();
          k = k2;
          continue;
        }
        k = k2;  // trailing: "Hamas'"
        break;
      }
      break;
    }

    // Dotted initialism: "U.S.", "U.K.", "U.S.A" -> one token.
    if (letters == 1 && end < n && s[end] == '.' && info->alpha) {
      std::string acronym = raw;
      std::string acronym_folded = folded;
      bool acronym_table_ok = table_ok;
      CaseSeen acronym_cases = cases;
      std::size_t p = end;
      std::size_t last = end;
      int count = 1;
      while (p < n && s[p] == '.') {
        std::size_t q = 0;
        const CharInfo* d = nullptr;
        const UChar32 dc = next_char(s, p + 1, q, d, computed2);
        if (dc < 0 || d->cls != CharClass::word || !d->alpha) break;
        std::size_t r = 0;
        const UChar32 after = peek(s, q, r);
        if (after != '.' && (is_word_char(after) || is_word_joiner(after))) break;
        acronym.append(s.substr(p + 1, q - p - 1));
        if (d->folds_in_table) acronym_folded.append(d->fold, d->len);
        else acronym_table_ok = false;
        acronym_cases.note(*d);
        ++count;
        last = q;
        p = q;
      }
      if (count >= 2) {
        end = (last < n && s[last] == '.') ? last + 1 : last;
        raw = std::move(acronym);
        folded = std::move(acronym_folded);
        table_ok = acronym_table_ok;
        cases = acronym_cases;
        k = end;
      }
    }

    emit(begin, end, table_ok, cases.all_upper(), capitalized);
    i = std::max(k, end);
    (void)c;
  }
}

}  // namespace

void Normalizer::limit_simd(Simd level) { simd_limit.store(level, std::memory_order_relaxed); }

Normalizer::Simd Normalizer::simd_in_use() {
#if defined(NEWSALERT_AVX2_DISPATCH)
  if (has_avx512bw()) return Simd::best;
  if (has_avx2()) return Simd::avx2;
#endif
  return Simd::baseline;
}

void Normalizer::scan(std::string_view text, TokenSink& sink) {
  SinkOutput out(sink);
  scan_words(text, out);
}

void Normalizer::scan(std::string_view text, ScannedWords& out) {
  BulkOutput bulk(out, text.size());
  scan_words(text, bulk);
}

void Normalizer::scan(std::string_view text, const TokenTrie& trie, LookedUpWords& out) {
  LookupOutput lookup(trie, out, text.size());
  scan_words(text, lookup);
}

namespace {

class TokenCollector final : public TokenSink {
 public:
  explicit TokenCollector(std::vector<Token>& out) : out_(out) {}
  void token(std::string_view folded, std::size_t begin, std::size_t end, bool upper, bool capitalized) override {
    out_.push_back(Token{std::string(folded), begin, end, upper, capitalized});
  }

 private:
  std::vector<Token>& out_;
};

}  // namespace

std::vector<Token> Normalizer::tokenize(std::string_view s) {
  std::vector<Token> out;
  TokenCollector collector(out);
  scan(s, collector);
  return out;
}

std::vector<Token> Normalizer::tokenize_word_by_word(std::string_view s) {
  std::vector<Token> out;
  TokenCollector collector(out);
  SinkOutput sink(collector);
  scan_words<false>(s, sink);
  return out;
}

bool Normalizer::is_short_acronym(std::string_view name) {
  int letters = 0;
  CodePointCase cases;
  for (std::size_t i = 0; i < name.size();) {
    std::size_t next = 0;
    const UChar32 c = decode(name, i, next);
    i = next;
    if (c < 0 || !u_isalpha(c)) continue;
    ++letters;
    cases.note(c);
    if (!u_isupper(c) && !u_istitle(c)) return false;  // uncased letters (Arabic, Han) never qualify
  }
  return letters >= 1 && letters <= 3 && cases.all_upper();
}

std::string Normalizer::key(std::string_view text) {
  std::string out;
  for (const Token& t : tokenize(text)) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

}  // namespace newsalert::match
