// Text folding and word tokenization on top of ICU; the only place in match/ that includes ICU.
#include "match/normalizer.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace newsalert::match {
namespace {

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
  if (c < 0x2E80) return false;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  return U_SUCCESS(err) && (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA);
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

struct CaseSeen {
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

std::vector<Token> Normalizer::tokenize(std::string_view s) {
  std::vector<Token> out;
  const std::size_t n = s.size();
  std::size_t i = 0;
  auto emit = [&](const std::string& raw, std::size_t begin, std::size_t end, bool upper) {
    std::string text = fold_word(raw);
    if (!text.empty()) out.push_back(Token{std::move(text), begin, end, upper});
  };
  std::string raw;
  while (i < n) {
    std::size_t next = 0;
    const UChar32 c = decode(s, i, next);
    if (!is_word_char(c)) {
      i = next;
      continue;
    }
    if (is_unspaced_script(c)) {
      emit(std::string(s.substr(i, next - i)), i, next, false);
      i = next;
      continue;
    }

    const std::size_t begin = i;
    std::size_t end = i;
    std::size_t k = i;
    int letters = 0;
    CaseSeen cases;
    raw.clear();
    while (k < n) {
      std::size_t k2 = 0;
      const UChar32 d = decode(s, k, k2);
      if ((is_word_char(d) && !is_unspaced_script(d)) || is_word_joiner(d)) {
        if (!is_word_joiner(d)) {
          ++letters;
          cases.note(d);
        }
        raw.append(s.substr(k, k2 - k));
        end = k = k2;
        continue;
      }
      if (is_apostrophe(d)) {
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
        if (is_word_char(e)) {  // inside a word: "Sana'a", "O’Brien"
          k = k2;
          continue;
        }
        k = k2;  // trailing: "Hamas'"
        break;
      }
      break;
    }

    // Dotted initialism: "U.S.", "U.K.", "U.S.A" -> one token.
    if (letters == 1 && end < n && s[end] == '.' && u_isalpha(c)) {
      std::string acronym = raw;
      CaseSeen acronym_cases = cases;
      std::size_t p = end;
      std::size_t last = end;
      int count = 1;
      while (p < n && s[p] == '.') {
        std::size_t q = 0;
        const UChar32 d = peek(s, p + 1, q);
        if (d < 0 || !is_word_char(d) || !u_isalpha(d) || is_unspaced_script(d)) break;
        std::size_t r = 0;
        const UChar32 after = peek(s, q, r);
        if (after != '.' && (is_word_char(after) || is_word_joiner(after))) break;
        acronym.append(s.substr(p + 1, q - p - 1));
        acronym_cases.note(d);
        ++count;
        last = q;
        p = q;
      }
      if (count >= 2) {
        end = (last < n && s[last] == '.') ? last + 1 : last;
        raw = std::move(acronym);
        cases = acronym_cases;
        k = end;
      }
    }

    emit(raw, begin, end, cases.all_upper());
    i = std::max(k, end);
  }
  return out;
}

bool Normalizer::is_short_acronym(std::string_view name) {
  int letters = 0;
  CaseSeen cases;
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
