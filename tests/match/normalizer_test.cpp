#include "match/normalizer.hpp"
#include "match/token_trie.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using newsalert::match::Normalizer;
using newsalert::match::Token;

namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Normalizer::tokenize(text)) out.push_back(t.text);
  return out;
}

using Words = std::vector<std::string>;

}  // namespace

TEST(Normalizer, SplitsOnSpacesAndPunctuation) {
  EXPECT_EQ(words("Iran, Israel; (Gaza)!"), (Words{"iran", "israel", "gaza"}));
}

TEST(Normalizer, DropsPossessiveWithStraightApostrophe) {
  EXPECT_EQ(words("Khamenei's order"), (Words{"khamenei", "order"}));
}

TEST(Normalizer, DropsPossessiveWithCurlyApostrophe) {
  EXPECT_EQ(words("Khamenei’s order"), (Words{"khamenei", "order"}));
  EXPECT_EQ(words("Khamenei\u02BCs order"), (Words{"khamenei", "order"}));
  EXPECT_EQ(words("IRAN'S LEADER"), (Words{"iran", "leader"}));
}

TEST(Normalizer, DropsTrailingApostropheOfPluralPossessive) {
  EXPECT_EQ(words("Hamas' leader"), (Words{"hamas", "leader"}));
  EXPECT_EQ(words("Hamas’ leader"), (Words{"hamas", "leader"}));
}

TEST(Normalizer, JoinsWordAcrossInnerApostrophe) {
  EXPECT_EQ(words("Sana'a"), (Words{"sanaa"}));
  EXPECT_EQ(words("Sana’a"), (Words{"sanaa"}));
}

TEST(Normalizer, SplitsHyphenatedCompoundsOnEveryDash) {
  EXPECT_EQ(words("Hamas-run"), (Words{"hamas", "run"}));
  EXPECT_EQ(words("pro-Iranian"), (Words{"pro", "iranian"}));
  EXPECT_EQ(words("Iran–Israel—war‐time−x"), (Words{"iran", "israel", "war", "time", "x"}));
}

TEST(Normalizer, RecordsByteOffsetsIntoTheOriginal) {
  const std::string text = "Le président Khāmeneī’s plan";
  const auto toks = Normalizer::tokenize(text);
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[1].text, "president");
  EXPECT_EQ(text.substr(toks[1].begin, toks[1].end - toks[1].begin), "président");
  EXPECT_EQ(toks[2].text, "khamenei");
  EXPECT_EQ(text.substr(toks[2].begin, toks[2].end - toks[2].begin), "Khāmeneī");
}

TEST(Normalizer, RemovesDiacriticsAndFoldsCase) {
  EXPECT_EQ(Normalizer::key("Khāmeneī"), "khamenei");
  EXPECT_EQ(Normalizer::key("KHAMENEI"), "khamenei");
  EXPECT_EQ(Normalizer::key("Türkiye"), "turkiye");
  EXPECT_EQ(Normalizer::key("Straße"), "strasse");
  // Decomposed input (e + combining acute) folds the same as precomposed.
  EXPECT_EQ(Normalizer::key("Pre\u0301sident"), Normalizer::key("Président"));
}

TEST(Normalizer, AppliesCompatibilityFolding) {
  EXPECT_EQ(Normalizer::key("ＩＲＧＣ"), "irgc");  // full-width
}

TEST(Normalizer, CollapsesDottedInitialisms) {
  const auto toks = Normalizer::tokenize("the U.S. and U.K.");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[1].text, "us");
  EXPECT_TRUE(toks[1].upper);
  EXPECT_EQ(toks[1].end - toks[1].begin, 4u);  // "U.S."
  EXPECT_EQ(toks[3].text, "uk");
  EXPECT_EQ(words("Plan a. Then"), (Words{"plan", "a", "then"}));
}

TEST(Normalizer, MarksAllCapsTokens) {
  const auto toks = Normalizer::tokenize("US us Us IRGC");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_TRUE(toks[0].upper);
  EXPECT_FALSE(toks[1].upper);
  EXPECT_FALSE(toks[2].upper);
  EXPECT_TRUE(toks[3].upper);
}

TEST(Normalizer, RecognisesShortAcronyms) {
  EXPECT_TRUE(Normalizer::is_short_acronym("US"));
  EXPECT_TRUE(Normalizer::is_short_acronym("U.S."));
  EXPECT_TRUE(Normalizer::is_short_acronym("IRG"));
  EXPECT_TRUE(Normalizer::is_short_acronym("G7"));
  EXPECT_FALSE(Normalizer::is_short_acronym("IRGC"));
  EXPECT_FALSE(Normalizer::is_short_acronym("Us"));
  EXPECT_FALSE(Normalizer::is_short_acronym("غزة"));
}

TEST(Normalizer, RemovesTatweelAndHarakat) {
  const std::string plain = Normalizer::key("خامنئي");
  EXPECT_EQ(Normalizer::key("خامنـــئي"), plain);   // tatweel
  EXPECT_EQ(Normalizer::key("خَامِنَئِي"), plain);  // harakat
}

TEST(Normalizer, UnifiesArabicAndPersianLetterVariants) {
  EXPECT_EQ(Normalizer::key("ایران"), Normalizer::key("إيران"));  // Persian yeh, Arabic yeh + hamza
  EXPECT_EQ(Normalizer::key("کرمان"), Normalizer::key("كرمان"));  // keheh vs kaf
  // The zero-width non-joiner of Persian spelling is ignored.
  EXPECT_EQ(Normalizer::key("خامنه\u200Cای"), Normalizer::key("خامنهاي"));
}

TEST(Normalizer, SplitsChineseIntoDictionaryWords) {
  EXPECT_EQ(words("会议在北京举行"), (Words{"会议", "在", "北京", "举行"}));
}

TEST(Normalizer, SplitsThaiIntoDictionaryWords) {
  // Thai writes no spaces between words; ICU's dictionary finds "ประเทศไทย" (Thailand) inside
  // "news Thailand today", so the name matches as a whole word.
  const Words w = words("ข่าวประเทศไทยวันนี้");
  EXPECT_EQ(w.size(), 4u);
  EXPECT_NE(std::find(w.begin(), w.end(), "ประเทศไทย"), w.end());
  EXPECT_EQ(w.front(), "ขาว");  // the tone mark is a nonspacing mark, folded away like an accent
}

TEST(Normalizer, ScanMatchesTokenizeOnMixedScripts) {
  const std::string text = "Khāmeneī’s U.S. visit — Москва, ТЕГЕРАН, تهران, 北京; Sana'a and O’Brien";
  struct Sink final : newsalert::match::TokenSink {
    std::vector<std::string> seen;
    void token(std::string_view f, std::size_t, std::size_t, bool, bool) override { seen.emplace_back(f); }
  } sink;
  Normalizer::scan(text, sink);
  EXPECT_EQ(sink.seen, words(text));
  EXPECT_EQ(sink.seen, (Words{"khamenei", "us", "visit", "москва", "тегеран", "تهران", "北京", "sanaa", "and", "obrien"}));
}

TEST(Normalizer, FoldsCyrillicShortIAndYoLikeAccents) {
  EXPECT_EQ(Normalizer::key("Йемен"), Normalizer::key("Иемен"));
  EXPECT_EQ(Normalizer::key("Ёлка"), "елка");
}

TEST(Normalizer, MarksCapitalizedTokens) {
  const auto toks = Normalizer::tokenize("Turkey turkey TURKEY تركيا");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_TRUE(toks[0].capitalized);
  EXPECT_FALSE(toks[1].capitalized);
  EXPECT_TRUE(toks[2].capitalized);
  EXPECT_TRUE(toks[3].capitalized);  // uncased scripts are never "lower case"
}

TEST(Normalizer, FoldKeepsPunctuationButUnifiesIt) {
  EXPECT_EQ(Normalizer::fold("Iran’s “Guards” – pro‐Iranian"), "iran's \"guards\" - pro-iranian");
}

TEST(Normalizer, SurvivesInvalidUtf8) {
  EXPECT_EQ(words("Iran\xff\xfeIraq"), (Words{"iran", "iraq"}));
  EXPECT_EQ(words("abc\xe2\x80"), (Words{"abc"}));
}

namespace {

// A token as text, for comparing whole token lists in one assertion.
std::string describe(std::string_view folded, std::size_t begin, std::size_t end, bool upper, bool capitalized) {
  return std::string(folded) + "@" + std::to_string(begin) + "-" + std::to_string(end) + (upper ? "U" : "") +
         (capitalized ? "C" : "");
}

// Texts go through the 64-byte block scanner, their last bytes (and short texts whole) padded with
// zeros; the word-by-word scan is the reference. No token spans a space, so the text scanned whole
// and scanned piece by piece (each piece a short text) must give the same tokens too.
std::vector<std::string> described(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(describe(t.text, t.begin, t.end, t.upper, t.capitalized));
  return out;
}

std::vector<std::string> scanned_whole(const std::string& text) { return described(Normalizer::tokenize(text)); }

std::vector<std::string> scanned_word_by_word(const std::string& text) {
  return described(Normalizer::tokenize_word_by_word(text));
}

// The matcher's scan: each word looked up as it is found. The reference: every token of the word-by-
// word scan looked up afterwards. Both described with the id in place of the folded text.
std::vector<std::string> looked_up(const newsalert::match::TokenTrie& trie, const std::string& text) {
  thread_local newsalert::match::LookedUpWords words;  // reused, as the matcher reuses it
  Normalizer::scan(text, trie, words);
  std::vector<std::string> out;
  std::vector<std::uint32_t> known;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    out.push_back(describe(std::to_string(w.word), w.begin, w.end, w.upper, w.capitalized));
    if (w.word != newsalert::match::TokenTrie::kUnknown) known.push_back(static_cast<std::uint32_t>(i));
  }
  EXPECT_EQ(known, std::vector<std::uint32_t>(words.known.begin(), words.known.begin() + static_cast<std::ptrdiff_t>(words.known_count)));
  return out;
}

std::vector<std::string> looked_up_word_by_word(const newsalert::match::TokenTrie& trie, const std::string& text) {
  std::vector<std::string> out;
  for (const Token& t : Normalizer::tokenize_word_by_word(text)) {
    const std::uint32_t id = trie.find(t.text);
    const bool known = id != newsalert::match::TokenTrie::kUnknown;
    out.push_back(describe(std::to_string(id), t.begin, t.end, known && t.upper, known && t.capitalized));
  }
  return out;
}

std::vector<std::string> scanned_in_pieces(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t from = 0; from < text.size();) {
    std::size_t to = text.find(' ', from);
    if (to == std::string::npos) to = text.size();
    for (const Token& t : Normalizer::tokenize(std::string_view(text).substr(from, to - from)))
      out.push_back(describe(t.text, from + t.begin, from + t.end, t.upper, t.capitalized));
    from = to + 1;
  }
  return out;
}

}  // namespace

TEST(Normalizer, BlockScannerAgreesWithWordByWordScanning) {
  const std::vector<std::string> atoms = {
      "the", "Iran", "TEHRAN", "WaShInGtOn", "U.S.", "U.N.", "Iran's", "Hamas'", "O'Brien", "a.", "x", "Q.",
      "état", "Khāmeneī’s", "Москва", "ТЕГЕРАН", "تهران", "北京", "Sana'a", "pro-Iranian", "G7", "2024",
      "internationalization", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
      "said,", "(Gaza)", "—", "“quoted”", "\n", "\t", "...", "e.g.", "A.B.C.", "tail'", "x'y", "ʼ", "\xff",
      // Two-byte scripts next to punctuation, joiners, marks, digits and ASCII.
      "غزة،", "«Москва»", "آتش\u200cبس", "ё", "Й.", "Д.Б.", "٢٠٢٤", "Ωμέγα", "שלום", "Москва's", "Москва-на", "Éric",
      "Québec", "İstanbul", "ß", "Москваabc", "abcМосква", "وَزِير", "ـــ", "ТЕГЕРАНСКИЙКРАЙАДМИНИСТРАЦИЯНАЦИОНАЛЬНОЙБЕЗОПАСНОСТИ",
      // Apostrophes after plain words: possessives, closing ones, inner ones.
      "Iran’s", "IRAN'S", "Hamas’", "it’s’", "O’Brien", "x’", "Iran’s—", "Iran'sx", "U.S.’s", "rock'n'roll",
      // Dotted initialisms and single letters before dots.
      "U.S.A", "U.Sx", "a.b", "5.", "x.5.", "A.b.C.", "U.S.-led", "U.É.", "Q. and", "u.s.’s", "a.’",
      "Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z.Z."};
  // Half of the atoms' words are known to the trie (the long word too: it takes the hash loop).
  newsalert::match::TokenTrie trie;
  for (std::size_t a = 0; a < atoms.size(); a += 2)
    for (const Token& t : Normalizer::tokenize(atoms[a])) trie.intern(t.text);
  std::uint64_t seed = 0x243F6A8885A308D3ull;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  // Each vector path the processor has (AVX-512BW, AVX2, SSE2): the same tokens from all.
  struct RestoreSimd {
    ~RestoreSimd() { Normalizer::limit_simd(Normalizer::Simd::best); }
  } restore;
  for (const Normalizer::Simd level : {Normalizer::Simd::best, Normalizer::Simd::avx2, Normalizer::Simd::baseline}) {
    Normalizer::limit_simd(level);
    SCOPED_TRACE("vector path " + std::to_string(static_cast<int>(Normalizer::simd_in_use())));
    for (int text = 0; text < 2000; ++text) {
      std::string s;
      const std::size_t count = 10 + next() % 60;
      for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) s += ' ';
        // Mostly plain words, so that whole blocks of ASCII occur.
        s += next() % 3 == 0 ? atoms[next() % atoms.size()] : atoms[next() % 4];
      }
      ASSERT_EQ(scanned_whole(s), scanned_word_by_word(s)) << s;
      ASSERT_EQ(scanned_whole(s), scanned_in_pieces(s)) << s;
      // Every length of text ending anywhere: the zero-padded tail against the word path.
      const std::string_view cut = std::string_view(s).substr(0, next() % (s.size() + 1));
      ASSERT_EQ(scanned_whole(std::string(cut)), scanned_word_by_word(std::string(cut))) << cut;
      ASSERT_EQ(looked_up(trie, s), looked_up_word_by_word(trie, s)) << s;
      ASSERT_EQ(looked_up(trie, std::string(cut)), looked_up_word_by_word(trie, std::string(cut))) << cut;
    }
  }
}

// The matcher looks for elisions and suffixes after an apostrophe ("l'Iran", "Ankara'da") only in
// texts where the scan saw a word with one inside; possessives and closing apostrophes end a word.
TEST(Normalizer, TheLookupScanSaysWhetherAWordHasAnApostropheInside) {
  newsalert::match::TokenTrie trie;
  trie.intern("iran");
  newsalert::match::LookedUpWords words;  // reused from text to text, as the matcher does
  auto inner = [&](std::string_view text) {
    Normalizer::scan(text, trie, words);
    return words.inner_apostrophes;
  };
  EXPECT_TRUE(inner("officials in l'Iran said"));
  EXPECT_FALSE(inner("Iran's envoy and the Hamas' leader, IRAN'S and Iran’s"));
  EXPECT_TRUE(inner("talks in Sana’a"));
  EXPECT_TRUE(inner("Ankara'da"));
  EXPECT_TRUE(inner("Москва'да"));
  EXPECT_FALSE(inner("‘quoted’ and 'quoted' words"));
  EXPECT_FALSE(inner(""));
}

TEST(Normalizer, BulkScanGivesTheSameTokensAsTheSink) {
  const std::string text =
      "Officials in TEHRAN said on Tuesday that the U.S. envoy met Iran's foreign minister, état-major "
      "sources and Москва confirmed; the internationalization of the conflict worries O'Brien in Sana'a.";
  newsalert::match::ScannedWords bulk;
  bulk.clear();
  Normalizer::scan(text, bulk);
  std::vector<std::string> from_bulk;
  for (const auto& w : bulk.words())
    from_bulk.push_back(describe(bulk.folded(w), w.begin, w.end, w.upper, w.capitalized));
  EXPECT_EQ(from_bulk, scanned_whole(text));
  EXPECT_EQ(bulk.folded(bulk.words().front()), "officials");
  // Appends: a second text adds its words after the first one's.
  Normalizer::scan("Gaza", bulk);
  EXPECT_EQ(bulk.folded(bulk.words().back()), "gaza");
}
