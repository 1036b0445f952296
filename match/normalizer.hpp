// Folds text to a comparable form (NFKC, case, diacritics, Arabic/Persian letter variants) and splits
// it into word tokens that remember where they sit in the original text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::match {

class TokenTrie;

struct Token {
  std::string text;        // folded form: "khamenei" for "Khāmeneī’s", "us" for "U.S."
  std::size_t begin = 0;   // byte offsets of the word in the original text (possessive "'s" excluded)
  std::size_t end = 0;
  bool upper = false;      // the original had cased letters and all of them were upper case ("US", "U.S.")
  bool capitalized = false;  // the first letter is not lower case ("Turkey", "TURKEY", "تركيا"; not "turkey")
};

// Receives tokens as they are found, without allocating a string per token.
class TokenSink {
 public:
  virtual void token(std::string_view folded, std::size_t begin, std::size_t end, bool upper, bool capitalized) = 0;

 protected:
  ~TokenSink() = default;
};

// The words of a text in bulk, folded: no call per word, and every folded word is followed by at
// least kPadding readable bytes, so it can be read eight bytes at a time. (The matcher itself takes
// the looked-up form, LookedUpWords, which keeps no folded bytes.)
class ScannedWords {
 public:
  static constexpr std::size_t kPadding = 8;
  struct Word {
    std::uint32_t folded = 0;  // offset of the folded form in the buffer
    std::uint32_t length = 0;  // its bytes
    std::uint32_t begin = 0;   // as in Token
    std::uint32_t end = 0;
    bool upper = false;
    bool capitalized = false;
  };

  void clear() {
    count_ = 0;
    used_ = 0;
  }
  std::span<const Word> words() const { return {words_.data(), count_}; }
  std::string_view folded(const Word& w) const { return {bytes_.data() + w.folded, w.length}; }

  // For the scanner: room for `words` more words and `bytes` more folded bytes (and the padding), so
  // that up to that many next() and add() need no check of their own...
  void reserve(std::size_t words, std::size_t bytes) {
    if (words_.size() < count_ + words) words_.resize(2 * (count_ + words));
    if (bytes_.size() < used_ + bytes + kPadding) bytes_.resize(2 * (used_ + bytes + kPadding));
  }
  // ... where the next word is to be written...
  char* next() { return bytes_.data() + used_; }
  // ... and the word just written there; or, for a batch of words, where their descriptions go and
  // the count of words and bytes written.
  Word* free_words() { return words_.data() + count_; }
  std::size_t used() const { return used_; }
  void commit(std::size_t words, std::size_t bytes) {
    count_ += words;
    used_ += bytes;
  }
  void add(std::size_t length, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
    words_[count_++] = Word{static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(length),
                            static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), upper, capitalized};
    used_ += length;
  }

 private:
  std::vector<Word> words_;  // the first count_ are this text's; kept between texts
  std::size_t count_ = 0;
  std::vector<char> bytes_;  // the folded words back to back; kept between texts
  std::size_t used_ = 0;
};

// A word of a text as the matcher walks it: the trie's id for its folded form (TokenTrie::kUnknown
// when no phrase uses it), where it sits, and its case, as in Token (for known words only: the case of
// the others matters to nothing and is not worked out).
struct LookedUpWord {
  std::uint32_t word = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  bool upper = false;
  bool capitalized = false;
};

// The looked-up words of one text; reused from text to text, so that scanning allocates nothing.
struct LookedUpWords {
  std::vector<LookedUpWord> words;   // the first `count` are this text's
  std::vector<std::uint32_t> known;  // the first `known_count`: indexes of the words the trie knows
  std::size_t count = 0;
  std::size_t known_count = 0;
  bool inner_apostrophes = false;  // a word has an apostrophe inside ("l'Iran", "Sana'a", "O’Brien")

  const LookedUpWord& operator[](std::size_t i) const { return words[i]; }
  std::size_t size() const { return count; }
};

// Stateless and thread-safe: the ICU normalizers it uses are process-wide singletons owned by ICU.
//
// Word rules, chosen so that names are found the way a reader would find them:
//  - a word is a run of letters and digits in any script, with combining marks, tatweel and
//    zero-width (non-)joiners kept inside it; scripts that do not separate words with spaces (Thai,
//    Lao, Khmer, Myanmar, Han, Hiragana, Katakana) are split into words by ICU's dictionary-based
//    word BreakIterator;
//  - every dash and hyphen separates words ("Hamas-run" -> hamas run, "pro-Iranian" -> pro iranian);
//  - apostrophes (' ’ ‘ ʼ ′ ʾ ʿ) end a possessive ("Iran's" -> iran, "Hamas'" -> hamas) and are
//    dropped inside a word ("Sana'a" -> sanaa, so it meets the spelling "Sanaa");
//  - dotted initialisms collapse ("U.S." -> us, "U.K." -> uk).
// Folding: NFKD, drop nonspacing marks (accents, harakat), NFKC + case folding (which also drops
// default-ignorable characters), then Arabic/Persian letter unification (ی->ي, ى->ي, ک->ك) and
// tatweel removal.
class Normalizer {
 public:
  static std::vector<Token> tokenize(std::string_view text);
  // The same tokens without the block scanner: the slower reference it is tested against.
  static std::vector<Token> tokenize_word_by_word(std::string_view text);

  // The same tokens, streamed: the hot path of the matcher. Folding of Latin, Greek, Cyrillic,
  // Hebrew and Arabic letters comes from a table built once from ICU, so the common case never
  // calls into ICU per word.
  static void scan(std::string_view text, TokenSink& sink);
  // The same words into `out` (appended; clear() it first to start afresh). Texts must be shorter than
  // 4 GB.
  static void scan(std::string_view text, ScannedWords& out);
  // The same words, each looked up in `trie` as it is found, into `out` (replacing what was there).
  // Texts must be shorter than 4 GB.
  static void scan(std::string_view text, const TokenTrie& trie, LookedUpWords& out);

  // The folded tokens joined by single spaces: the key under which names are compared.
  static std::string key(std::string_view text);

  // The whole text folded, punctuation kept: typographic apostrophes/quotes become ', dashes -.
  static std::string fold(std::string_view text);

  // Folds one word (no tokenization).
  static std::string fold_word(std::string_view word);

  // Which vector instructions the scanner uses: the best the processor has (AVX-512BW, then AVX2 with
  // BMI2), chosen at run time, or no more than AVX2, or only what every x86-64 has (SSE2). All give
  // the same tokens; tests and benchmarks lower the level to check and measure each path.
  enum class Simd { best, avx2, baseline };
  static void limit_simd(Simd level);
  static Simd simd_in_use();  // best here means AVX-512BW

  // True for short all-caps names ("US", "U.S.", "IRG", "G7": 1 to 3 letters, none lower case),
  // which are matched case-sensitively so that they never fire on ordinary words ("us").
  static bool is_short_acronym(std::string_view name);
};

}  // namespace newsalert::match
