// Language detection (CLD2) of single texts and of a parsed feed's entries.
#include "feeds/language.hpp"

#include "feeds/feed_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace newsalert;
using namespace newsalert::feeds;

namespace {

std::string wild_file(const std::string& name) {
  std::ifstream in(std::string(NEWSALERT_TEST_DATA_DIR) + "/wild/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(Language, DetectsTheLanguageOfASentence) {
  EXPECT_EQ(detect_language("Lawmakers approved the spending plan early on Wednesday, ending weeks of talks."), "en");
  EXPECT_EQ(detect_language("Les automobilistes sont invités à rester prudents ce matin sur les routes."), "fr");
  EXPECT_EQ(detect_language("El Gobierno aprueba la reforma de las pensiones tras meses de negociación."), "es");
  EXPECT_EQ(detect_language("Землетрясение магнитудой 6,1 произошло у побережья Камчатки"), "ru");
  EXPECT_EQ(detect_language("物価高に対応するため、政府は家計への支援策を盛り込んだ経済対策をまとめた。"), "ja");
  EXPECT_EQ(detect_language("הממשלה אישרה את התקציב לאחר דיון ארוך בכנסת ביום רביעי בלילה"), "he");  // CLD2 says "iw"
}

TEST(Language, SaysNothingAboutTooFewWords) {
  EXPECT_EQ(detect_language(""), "");
  EXPECT_EQ(detect_language("Иран и Израиль"), "");  // "Kazakh", reliably, to CLD2 alone
  EXPECT_EQ(detect_language("AT&T 3-1"), "");
}

TEST(Language, ReducesDeclaredTagsToTheCodesDetectionReports) {
  EXPECT_EQ(primary_language("en-US"), "en");
  EXPECT_EQ(primary_language(" FR_fr "), "fr");
  EXPECT_EQ(primary_language("zh-TW"), "zh-Hant");
  EXPECT_EQ(primary_language("iw"), "he");
  EXPECT_EQ(primary_language(""), "");
}

TEST(Language, GivesEachEntryItsOwnLanguageAndTheFeedsWhenTheTextCannotTell) {
  auto feed = parse_feed(wild_file("languages.xml"), "https://wild.example/feed.xml");
  ASSERT_EQ(feed.articles.size(), 6u);
  EXPECT_EQ(feed.language, "fr-FR");
  for (const auto& a : feed.articles) EXPECT_EQ(a.lang, "") << "the parser leaves lang to detect_languages";
  detect_languages(feed.articles, feed.language);
  EXPECT_EQ(feed.articles[0].lang, "en");
  EXPECT_EQ(feed.articles[1].lang, "fr");
  EXPECT_EQ(feed.articles[2].lang, "de");
  EXPECT_EQ(feed.articles[3].lang, "ru");
  EXPECT_EQ(feed.articles[4].lang, "ja");
  EXPECT_EQ(feed.articles[5].lang, "fr");  // "Météo" alone: the channel's <language>
}

TEST(Language, ReadsTheLanguageAFeedDeclares) {
  EXPECT_EQ(parse_feed("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de-AT\"><title>T</title></feed>", "").language,
            "de-AT");
  EXPECT_EQ(parse_feed("{\"version\":\"https://jsonfeed.org/version/1.1\",\"language\":\"pt-BR\",\"items\":[]}", "")
                .language,
            "pt-BR");
  EXPECT_EQ(parse_feed("<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><dc:language>it</dc:language>"
                       "</channel></rss>", "").language,
            "it");
}
