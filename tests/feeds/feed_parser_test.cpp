// Feed parsing end to end: fixture documents in, normalized articles out.
#include "feeds/feed_parser.hpp"

#include "common/crypto.hpp"
#include "common/time.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace newsalert;
using namespace newsalert::feeds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(NEWSALERT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string rfc3339(const std::optional<TimePoint>& t) { return t ? format_rfc3339(*t) : "none"; }

ParsedFeed parse_fixture(const std::string& name, const std::string& base_url) {
  return parse_feed(fixture(name), base_url);
}

std::string rss_with_item(const std::string& item_xml, const std::string& extra_ns = "") {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"" + extra_ns + "><channel><title>T</title>"
         "<link>https://t.example/</link><item>" + item_xml + "</item></channel></rss>";
}

}  // namespace

TEST(RssParser, ReadsChannelTitleAndHomeLinkNotTheSelfLink) {
  const auto feed = parse_fixture("wire_rss.xml", "https://wire.example.com/world/rss.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::rss);
  EXPECT_EQ(feed.title, "Global Wire & Co \u2014 World");
  EXPECT_EQ(feed.link, "https://wire.example.com/world/");
  EXPECT_TRUE(feed.warning.empty());
  ASSERT_EQ(feed.articles.size(), 2u);
}

TEST(RssParser, ReadsEveryFieldOfAWireStory) {
  const std::string url = "https://wire.example.com/world/rss.xml";
  const auto feed = parse_fixture("wire_rss.xml", url);
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.feed_url, url);
  EXPECT_EQ(a.feed_title, "Global Wire & Co \u2014 World");
  EXPECT_EQ(a.id, "wire-20240731-iran-0042");
  EXPECT_EQ(a.title, "Khamenei orders direct strike on Israel after Haniyeh killing in Tehran");
  EXPECT_EQ(a.link, "https://wire.example.com/world/2024/07/31/iran-khamenei-orders-strike-israel");
  EXPECT_EQ(rfc3339(a.published), "2024-07-31T17:40:00Z");
  EXPECT_FALSE(a.updated);
  EXPECT_THAT(a.authors, ElementsAre("Parisa Hafezi", "Jonathan Saul"));
  EXPECT_THAT(a.categories, ElementsAre("World", "Middle East"));
  EXPECT_EQ(a.summary,
            "Iran\u2019s supreme leader, Ayatollah Ali Khamenei, ordered a direct strike on Israel after Hamas "
            "leader Ismail Haniyeh was killed in Tehran, officials said \u2014 raising fears of a wider war.");
}

TEST(RssParser, TurnsContentEncodedIntoPlainTextParagraphs) {
  const auto feed = parse_fixture("wire_rss.xml", "https://wire.example.com/world/rss.xml");
  ASSERT_FALSE(feed.articles.empty());
  const std::string& content = feed.articles[0].content;
  EXPECT_THAT(content, StartsWith("DUBAI (Wire) \u2014 Iran\u2019s supreme leader, Ayatollah Ali Khamenei"));
  EXPECT_THAT(content, HasSubstr("said on Wednesday.\nCommanders of the Revolutionary Guards (IRGC) and of the "
                                 "Quds Force, led by Ismail Qaani, met allies from Hezbollah, the Houthis"));
  EXPECT_THAT(content, HasSubstr("Hassan Nasrallah said the fighting in Gaza and along the border with Lebanon had "
                                 "entered \"a new phase\", while the Houthis in Yemen"));
  EXPECT_THAT(content, Not(HasSubstr("trackView")));
  EXPECT_THAT(content, Not(HasSubstr("<p>")));
}

TEST(RssParser, TakesGuidOverLinkAsIdentity) {
  const auto feed = parse_fixture("wire_rss.xml", "https://wire.example.com/world/rss.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& sport = feed.articles[1];
  EXPECT_EQ(sport.id, "https://wire.example.com/sport/2024/07/31/real-madrid-barcelona");
  EXPECT_EQ(sport.title, "Real Madrid beat Barcelona 3-1 in El Cl\u00e1sico at the Bernab\u00e9u");
  EXPECT_EQ(rfc3339(sport.published), "2024-07-31T19:15:00Z");
  EXPECT_THAT(sport.authors, ElementsAre("Maria Lopez"));
  EXPECT_EQ(sport.summary, "Goals from Vin\u00edcius J\u00fanior and Jude Bellingham sealed the win in Madrid, Spain.");
  EXPECT_EQ(sport.content, "");
}

TEST(RssParser, FallsBackToLinkThenToContentHashForIdentity) {
  const auto feed = parse_fixture("missing_fields_rss.xml", "https://sparse.example.net/feed.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 4u);  // the empty <item> is dropped
  EXPECT_EQ(feed.articles[0].id, "https://sparse.example.net/a");
  EXPECT_EQ(feed.articles[1].id, sha256_hex("No guid, no link, no date\n\nOnly a title and a description."));
  EXPECT_EQ(feed.articles[1].link, "");
  EXPECT_FALSE(feed.articles[1].published);
  EXPECT_EQ(feed.articles[2].id,
            sha256_hex("\nThu, 01 Aug 2024 10:00:00 GMT\nNo title at all, just text about Lebanon."));
  EXPECT_EQ(feed.articles[2].title, "");
  EXPECT_EQ(rfc3339(feed.articles[2].published), "2024-08-01T10:00:00Z");
}

TEST(RssParser, GivesStableDistinctHashIdentities) {
  const auto first = parse_fixture("missing_fields_rss.xml", "https://sparse.example.net/feed.xml");
  const auto second = parse_fixture("missing_fields_rss.xml", "https://sparse.example.net/feed.xml");
  ASSERT_EQ(first.articles.size(), 4u);
  ASSERT_EQ(second.articles.size(), 4u);
  EXPECT_EQ(first.articles[1].id, second.articles[1].id);
  EXPECT_NE(first.articles[1].id, first.articles[2].id);
}

TEST(RssParser, UsesPermalinkGuidAsLinkWhenLinkIsMissing) {
  const auto feed = parse_fixture("missing_fields_rss.xml", "https://sparse.example.net/feed.xml");
  ASSERT_EQ(feed.articles.size(), 4u);
  EXPECT_EQ(feed.articles[3].id, "https://sparse.example.net/b");
  EXPECT_EQ(feed.articles[3].link, "https://sparse.example.net/b");
  EXPECT_FALSE(feed.articles[3].published);  // "not a date at all"
}

TEST(RssParser, DoesNotUseNonPermalinkGuidAsLink) {
  const auto feed = parse_feed(rss_with_item("<title>x</title><guid isPermaLink=\"false\">https://t.example/g</guid>"),
                               "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].id, "https://t.example/g");
  EXPECT_EQ(feed.articles[0].link, "");
}

TEST(RssParser, ResolvesRelativeLinksAgainstTheFeedUrl) {
  const auto feed = parse_fixture("relative_rss.xml", "https://rel.example.org/feeds/rss.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.link, "https://rel.example.org/home/");
  EXPECT_EQ(feed.articles[0].link, "https://rel.example.org/feeds/stories/1.html");
  EXPECT_EQ(feed.articles[0].id, "https://rel.example.org/feeds/stories/1.html");
  EXPECT_EQ(feed.articles[1].link, "https://cdn.example.org/stories/2.html");
}

TEST(RssParser, ResolvesAgainstChannelLinkWhenReadFromAFile) {
  const auto feed = parse_feed(rss_with_item("<title>x</title><link>news/1.html</link>"), "/var/lib/newsalert/t.xml");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].link, "https://t.example/news/1.html");
  EXPECT_EQ(feed.articles[0].feed_url, "/var/lib/newsalert/t.xml");
}

TEST(RssParser, DecodesEntitiesAndStripsMarkupInTitles) {
  const auto feed = parse_feed(
      rss_with_item("<title><![CDATA[Tom &amp; <b>Jerry</b>]]></title><guid>1</guid></item><item>"
                    "<title>AT&amp;T buys &lt;em&gt;Time&lt;/em&gt; &amp;amp; more&#8230;</title><guid>2</guid>"),
      "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[0].title, "Tom & Jerry");
  EXPECT_EQ(feed.articles[1].title, "AT&T buys Time & more\u2026");
}

TEST(RssParser, ReadsUnescapedHtmlInsideDescription) {
  const auto feed = parse_feed(
      rss_with_item("<guid>1</guid><description><p>Raw <b>markup</b> &amp; text</p><p>Second</p></description>"),
      "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].summary, "Raw markup & text\nSecond");
}

TEST(RssParser, FallsBackToContentForMissingSummary) {
  const auto feed = parse_feed(
      rss_with_item("<guid>1</guid><content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded>",
                    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""),
      "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].content, "Body");
  EXPECT_EQ(feed.articles[0].summary, "Body");
}

TEST(RssParser, ReadsDublinCoreByNamespaceWhateverThePrefix) {
  const auto feed = parse_feed(
      rss_with_item("<guid>1</guid><dublin:date>2024-08-01T12:00:00+01:00</dublin:date>"
                    "<dublin:creator>A. Writer</dublin:creator><dublin:subject>Iraq</dublin:subject>",
                    " xmlns:dublin=\"http://purl.org/dc/elements/1.1/\""),
      "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(rfc3339(feed.articles[0].published), "2024-08-01T11:00:00Z");
  EXPECT_THAT(feed.articles[0].authors, ElementsAre("A. Writer"));
  EXPECT_THAT(feed.articles[0].categories, ElementsAre("Iraq"));
}

TEST(RssParser, IgnoresLookalikeElementsFromOtherNamespaces) {
  const auto feed = parse_feed(rss_with_item("<guid>1</guid><title>Real</title><x:title>Fake</x:title>"
                                             "<x:link>https://fake.example/</x:link>",
                                             " xmlns:x=\"urn:example:other\""),
                               "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "Real");
  EXPECT_EQ(feed.articles[0].link, "");
}

TEST(RssParser, ForgivesUndeclaredDublinCorePrefix) {
  const auto feed = parse_feed(rss_with_item("<guid>1</guid><dc:creator>Undeclared</dc:creator>"),
                               "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_THAT(feed.articles[0].authors, ElementsAre("Undeclared"));
}

TEST(RssParser, PrefersPubDateOverDcDate) {
  const auto feed = parse_feed(rss_with_item("<guid>1</guid><dc:date>2020-01-01</dc:date>"
                                             "<pubDate>Thu, 01 Aug 2024 10:00:00 GMT</pubDate>",
                                             " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""),
                               "https://t.example/rss");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(rfc3339(feed.articles[0].published), "2024-08-01T10:00:00Z");
}

TEST(RssParser, ConvertsLatin1DeclaredFeedsAsWindows1252) {
  const auto feed = parse_fixture("latin1_rss.xml", "https://latin.example.com/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.title, "Caf\u00e9 News");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "Iran\u2019s caf\u00e9 \u2013 notes");
}

TEST(RssParser, ConvertsOtherDeclaredEncodingsToUtf8) {
  const auto feed = parse_fixture("cp1251_rss.xml", "https://ru.example.com/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.title, "\u041d\u043e\u0432\u043e\u0441\u0442\u0438");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "\u0418\u0440\u0430\u043d \u0438 \u0418\u0437\u0440\u0430\u0438\u043b\u044c");
}

TEST(RssParser, ReadsUtf16WithByteOrderMark) {
  const std::string ascii = rss_with_item("<title>Wide</title><guid>w-1</guid>");
  std::string utf16 = "\xFF\xFE";
  for (const char c : ascii) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  const auto feed = parse_feed(utf16, "https://t.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "Wide");
}

TEST(RssParser, DoesNotExpandDoctypeEntities) {
  const auto feed = parse_feed(
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<rss version=\"2.0\"><channel><title>&xxe;</title><item><guid>1</guid></item></channel></rss>",
      "https://t.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.title, "&xxe;");
}

TEST(RssParser, KeepsCompleteItemsOfATruncatedFeedAndDropsTheCutOne) {
  const auto feed = parse_fixture("truncated_rss.xml", "https://wire.example.com/world/rss.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_THAT(feed.warning, HasSubstr("XML error at offset"));
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].id, "wire-20240731-iran-0042");
  EXPECT_THAT(feed.articles[0].content, HasSubstr("Hassan Nasrallah"));
}

TEST(RdfParser, ReadsRss1WithUnusualPrefixes) {
  const auto feed = parse_fixture("rdf_rss1.xml", "https://journal.example.org/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::rdf);
  EXPECT_EQ(feed.title, "Regional Journal");
  EXPECT_EQ(feed.link, "https://journal.example.org/");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id, "https://journal.example.org/2024/yemen-port");
  EXPECT_EQ(a.link, "https://journal.example.org/2024/yemen-port?utm=rss");
  EXPECT_EQ(a.title, "Houthis claim attack near Yemen port");
  EXPECT_EQ(a.summary, "Shipping in the Red Sea disrupted again.");
  EXPECT_EQ(rfc3339(a.published), "2024-08-02T04:15:00Z");
  EXPECT_THAT(a.authors, ElementsAre("Ahmed Al-Haj"));
  EXPECT_THAT(a.categories, ElementsAre("Yemen"));
}

TEST(RdfParser, TakesRdfAboutAsIdentityWhenLinkIsMissing) {
  const auto feed = parse_fixture("rdf_rss1.xml", "https://journal.example.org/rss");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[1].id, "https://journal.example.org/2024/no-link");
  EXPECT_EQ(feed.articles[1].link, "");
  EXPECT_EQ(rfc3339(feed.articles[1].published), "2024-08-02T00:00:00Z");
}

TEST(AtomParser, ReadsEveryFieldOfAnEntry) {
  const auto feed = parse_fixture("wire_atom.xml", "https://wire.example.com/mideast/atom.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::atom);
  EXPECT_EQ(feed.title, "Global Wire: Middle East");
  EXPECT_EQ(feed.link, "https://wire.example.com/mideast/");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id, "tag:wire.example.com,2024:mideast/iran-officials-khamenei");
  EXPECT_EQ(a.title, "Iranian officials say Khamenei\u2019s order targets Israel");
  EXPECT_EQ(a.link, "https://wire.example.com/mideast/2024/08/01/iran-officials-khamenei");
  EXPECT_EQ(rfc3339(a.published), "2024-08-01T05:25:00Z");
  EXPECT_EQ(rfc3339(a.updated), "2024-08-01T09:10:00Z");
  EXPECT_THAT(a.authors, ElementsAre("Parisa Hafezi"));
  EXPECT_THAT(a.categories, ElementsAre("Iran", "Israel"));
  EXPECT_EQ(a.summary,
            "Iranian officials said Khamenei\u2019s order came after talks with the Revolutionary Guards and "
            "Hezbollah.");
  EXPECT_EQ(a.content,
            "Iranian officials said Khamenei\u2019s order followed the killing of Ismail Haniyeh in Tehran.\n"
            "Allies in Lebanon, Yemen and Iraq were told to prepare, one official said.");
  EXPECT_EQ(a.feed_title, "Global Wire: Middle East");
}

TEST(AtomParser, InheritsFeedAuthorAndKeepsMissingPublishedEmpty) {
  const auto feed = parse_fixture("wire_atom.xml", "https://wire.example.com/mideast/atom.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& sport = feed.articles[1];
  EXPECT_EQ(sport.title, "Atl\u00e9tico Madrid sign striker ahead of La Liga opener");
  EXPECT_EQ(sport.link, "https://wire.example.com/sport/2024/08/01/atletico-striker");
  EXPECT_THAT(sport.authors, ElementsAre("Global Wire Middle East desk"));
  EXPECT_FALSE(sport.published);
  EXPECT_EQ(rfc3339(sport.updated), "2024-08-01T07:00:00Z");
}

TEST(AtomParser, ResolvesLinksThroughNestedXmlBase) {
  const auto feed = parse_fixture("xml_base_atom.xml", "https://feeds.example.com/relative.atom");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.link, "https://blog.example.com/news/");
  ASSERT_EQ(feed.articles.size(), 3u);
  EXPECT_EQ(feed.articles[0].link, "https://blog.example.com/news/2024/first.html");
  EXPECT_EQ(feed.articles[1].link, "https://blog.example.com/archive/2023/second.html#comments");
  EXPECT_EQ(feed.articles[2].link, "https://blog.example.com/about");
}

TEST(AtomParser, KeepsMarkupLikeTextInTextConstructs) {
  const auto feed = parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
      "<title type=\"text\">a &lt;b&gt; c  &amp;amp;</title></entry></feed>",
      "https://t.example/atom");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "a <b> c &amp;");
}

TEST(AtomParser, ReadsAtom03) {
  const auto feed = parse_feed(
      "<?xml version=\"1.0\"?><feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
      "<title>Old Atom</title><link rel=\"alternate\" type=\"text/html\" href=\"https://old.example/\"/>"
      "<entry><title>Entry</title><link rel=\"alternate\" href=\"https://old.example/1\"/>"
      "<id>tag:old.example,2005:1</id><issued>2005-07-31T12:29:29Z</issued><modified>2005-08-01T00:00:00Z</modified>"
      "<content type=\"text/html\" mode=\"escaped\">&lt;p&gt;Body &amp;amp; soul&lt;/p&gt;</content></entry></feed>",
      "https://old.example/atom.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::atom);
  EXPECT_EQ(feed.link, "https://old.example/");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].link, "https://old.example/1");
  EXPECT_EQ(rfc3339(feed.articles[0].published), "2005-07-31T12:29:29Z");
  EXPECT_EQ(rfc3339(feed.articles[0].updated), "2005-08-01T00:00:00Z");
  EXPECT_EQ(feed.articles[0].content, "Body & soul");
}

TEST(FeedParser, ReportsAnHtmlPageAsNotAFeed) {
  const auto feed = parse_fixture("html_page.html", "https://wire.example.com/");
  EXPECT_FALSE(feed.ok());
  EXPECT_THAT(feed.error, StartsWith("not a feed: root element <html>"));
  EXPECT_TRUE(feed.articles.empty());
}

TEST(FeedParser, ReportsEmptyInput) {
  EXPECT_EQ(parse_feed("", "https://t.example/").error, "empty document");
  EXPECT_EQ(parse_feed(" \n\t ", "https://t.example/").error, "empty document");
}

TEST(FeedParser, ReportsTextThatIsNotXml) {
  const auto feed = parse_feed("Service Unavailable", "https://t.example/");
  EXPECT_FALSE(feed.ok());
  EXPECT_THAT(feed.error, StartsWith("not a feed"));
}

TEST(FeedParser, ReportsXmlThatIsNotAFeed) {
  const auto feed = parse_feed("<?xml version=\"1.0\"?><config><a/></config>", "https://t.example/");
  EXPECT_EQ(feed.error, "not a feed: root element <config>");
}

TEST(FeedParser, ReportsAFeedTruncatedBeforeAnyItem) {
  const auto feed = parse_feed("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cut", "https://t.example/");
  EXPECT_FALSE(feed.ok());
  EXPECT_THAT(feed.error, HasSubstr("XML error at offset"));
}

TEST(FeedParser, SurvivesBinaryGarbage) {
  const char bytes[] = "\x00\xff\xfe<\x01<<&&#;]]>\x89PNG";
  const std::string garbage(bytes, sizeof bytes - 1);
  const auto feed = parse_feed(garbage, "https://t.example/");
  EXPECT_FALSE(feed.ok());
}

TEST(FeedParser, AcceptsBlankLinesBeforeTheXmlDeclaration) {
  const auto feed = parse_feed("\n\n  " + rss_with_item("<guid>1</guid>"), "https://t.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.articles.size(), 1u);
}

TEST(FeedParser, ReadsAFeedAfterMuchLeadingWhitespace) {
  const std::string doc = std::string(200'000, ' ') + "\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                          "<title>T</title><item><title>One</title><guid>1</guid></item></channel></rss>";
  const auto feed = parse_feed(doc, "http://example.org/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "One");
}
