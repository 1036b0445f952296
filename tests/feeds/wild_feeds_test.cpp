// Feeds as publishers actually break them (tests/data/wild/, written by make_wild.py there).
#include "feeds/feed_parser.hpp"

#include "common/time.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace newsalert;
using namespace newsalert::feeds;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kFeedUrl = "https://wild.example/feed.xml";

ParsedFeed parse_wild(const std::string& name, const std::string& base_url = kFeedUrl) {
  std::ifstream in(std::string(NEWSALERT_TEST_DATA_DIR) + "/wild/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return parse_feed(s.str(), base_url);
}

std::string rfc3339(const std::optional<TimePoint>& t) { return t ? format_rfc3339(*t) : "none"; }

}  // namespace

TEST(WildFeeds, RepairsDoubleEncodedUtf8PerField) {
  const auto feed = parse_wild("double_encoded_utf8.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[0].title, "Routes verglaçantes à Genève");
  EXPECT_EQ(feed.articles[0].summary, "L’hiver arrive — prudence.");  // windows-1252's ’ and —
  EXPECT_EQ(feed.articles[1].title, "Ángel Di María");                 // through Latin-1's C1 range
  EXPECT_EQ(feed.articles[1].summary, "Zürich, déjà vu: already right.");
  EXPECT_EQ(feed.charset, "utf-8");
  EXPECT_EQ(feed.warning, "3 double-encoded UTF-8 field(s) repaired");
  EXPECT_EQ(feed.articles[0].summary_html, "L’hiver arrive — prudence.");
}

TEST(WildFeeds, LeavesGenuineLatin1Alone) {
  const auto feed = parse_wild("latin1_genuine.xml");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "Routes verglaçantes à Genève");
  EXPECT_EQ(feed.articles[0].summary, "SÃO PAULO: Â© 3°C, «Ça va» ±2");
  EXPECT_FALSE(feed.recovered) << feed.warning;
}

TEST(WildFeeds, ReadsUndeclaredNonUtf8BytesAsWindows1252) {
  const auto feed = parse_wild("undeclared_windows1252.xml");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.charset, "windows-1252");
  EXPECT_EQ(feed.articles[0].title, "Café “quoted” – déjà");
  EXPECT_EQ(feed.articles[0].summary, "Prix : 5 € ; l’été");
  EXPECT_EQ(feed.warning, "no charset declared and the bytes are not UTF-8: read as windows-1252");
}

TEST(WildFeeds, ResolvesARelativePermalinkGuidWhenThereIsNoLink) {
  const auto feed = parse_wild("relative_permalink_guid.xml");
  ASSERT_EQ(feed.articles.size(), 3u);
  EXPECT_EQ(feed.articles[0].link, "https://blog.wild.example/blog/post");  // against xml:base
  EXPECT_EQ(feed.articles[0].id, "/blog/post");
  EXPECT_EQ(feed.articles[1].link, "https://wild.example/posts/42.html");   // against the feed URL
  EXPECT_EQ(feed.articles[2].link, "");                                     // isPermaLink="false"
}

TEST(WildFeeds, TakesAnAtomWebIdAsTheLinkWhenThereIsNoLink) {
  const auto feed = parse_wild("atom_id_as_link.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[0].link, "https://atom.wild.example/2024/08/14/story");
  EXPECT_EQ(feed.articles[1].link, "");  // a tag: URI is no address
}

TEST(WildFeeds, RecognisesMisspelledNamespaceUris) {
  const auto feed = parse_wild("namespace_variants.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.content, "Body from the content module.");  // no trailing slash
  EXPECT_THAT(a.authors, ::testing::ElementsAre("Ana Ruiz"));  // https
  EXPECT_EQ(rfc3339(a.published), "2024-08-14T09:00:00Z");
  EXPECT_EQ(feed.articles[1].summary, "Described by media.");  // upper case
}

TEST(WildFeeds, ReadsAFeedInsideAnHtmlPage) {
  const auto feed = parse_wild("feed_in_html.html");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::atom);
  EXPECT_EQ(feed.title, "Wrapped Atom");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "Inside the page");
  EXPECT_EQ(feed.articles[0].link, "https://html.wild.example/1");
  EXPECT_EQ(feed.warning, "read the feed inside an HTML page");
}

TEST(WildFeeds, ReadsAnRssFeedInsideAnXhtmlPage) {
  const auto feed = parse_wild("rss_in_xhtml.xhtml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(feed.format, FeedFormat::rss);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].id, "x-1");
}

TEST(WildFeeds, AnItemListedTwiceKeepsItsGuid) {
  const auto twice = parse_wild("item_listed_twice.xml");
  const auto once = parse_wild("item_listed_once.xml");
  ASSERT_EQ(twice.articles.size(), 2u);
  ASSERT_EQ(once.articles.size(), 1u);
  EXPECT_EQ(twice.articles[0].id, "twice-1");
  EXPECT_EQ(twice.articles[1].id, "once-1");
  // The same id with or without the copy: the story does not alert again when the copy leaves.
  EXPECT_EQ(once.articles[0].id, twice.articles[0].id);
}

TEST(WildFeeds, AnItemWithoutGuidListedTwiceKeepsItsLinkAsId) {
  const auto feed = parse_wild("item_without_guid_listed_twice.xml");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].id, "https://wild.example/noguid");
}

TEST(WildFeeds, KeepsTheLastItemWhenCutOffRightAfterIt) {
  const auto feed = parse_wild("cut_after_item.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_TRUE(feed.recovered);
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[1].id, "cut-2");
}

TEST(WildFeeds, KeepsTheLastAtomEntryWhenCutOffRightAfterIt) {
  const auto feed = parse_wild("cut_after_entry.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[1].id, "tag:cut,2");
}

TEST(WildFeeds, ReadsTheTextElementsOfOlderFeeds) {
  const auto feed = parse_wild("legacy_text_elements.xml");
  ASSERT_EQ(feed.articles.size(), 6u);
  EXPECT_EQ(feed.articles[0].content, "XHTML body text.");   // <xhtml:body>
  EXPECT_EQ(feed.articles[1].content, "Plain body text.");   // <body>
  EXPECT_EQ(feed.articles[2].content, "Full item text.");    // <fullitem>
  EXPECT_EQ(feed.articles[3].summary, "Episode summary.");   // <itunes:summary>
  EXPECT_EQ(feed.articles[0].summary, "XHTML body text.");   // the body stands in for a summary
}

TEST(WildFeeds, KeepsAnEntryWhoseOnlyContentIsItsDateOrItsId) {
  const auto feed = parse_wild("legacy_text_elements.xml");
  ASSERT_EQ(feed.articles.size(), 6u);
  EXPECT_EQ(rfc3339(feed.articles[4].published), "2024-08-14T07:00:00Z");
  EXPECT_EQ(feed.articles[4].id.size(), 64u);  // the hash of the date
  EXPECT_EQ(feed.articles[5].id, "only-an-id");
}

TEST(WildFeeds, ReadsAtom03Base64ContentAndIssued) {
  const auto feed = parse_wild("atom03_base64_issued.xml");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_THAT(feed.articles[0].content, HasSubstr("Encoded in base64, line-wrapped as MIME does."));
  EXPECT_EQ(rfc3339(feed.articles[0].published), "2024-08-14T07:30:00Z");
  EXPECT_EQ(rfc3339(feed.articles[1].published), "2024-08-14T08:00:00Z");
}

TEST(WildFeeds, ReadsDatesAsPublishersWriteThem) {
  const auto feed = parse_wild("dates_as_written.xml");
  ASSERT_EQ(feed.articles.size(), 6u);
  EXPECT_EQ(rfc3339(feed.articles[0].published), "2024-08-14T16:56:00Z");  // 8:56 am PST
  EXPECT_EQ(rfc3339(feed.articles[1].published), "2024-08-14T14:02:33Z");  // 8/14/2024 02:02:33 PM
  EXPECT_EQ(rfc3339(feed.articles[2].published), "2020-01-10T00:00:00Z");  // 2020/1/10
  EXPECT_EQ(rfc3339(feed.articles[3].published), "2020-01-10T09:00:00Z");  // 10:00:00 BST
  EXPECT_EQ(rfc3339(feed.articles[4].published), "2024-08-14T13:30:00Z");  // August 14, 2024 - 14:30 BST
  EXPECT_EQ(rfc3339(feed.articles[5].published), "none");                  // 14/13/2024: no such month
}

TEST(WildFeeds, GivesALinkWithoutSchemeItsHost) {
  const auto feed = parse_wild("link_without_scheme.xml");
  ASSERT_EQ(feed.articles.size(), 3u);
  EXPECT_EQ(feed.articles[0].link, "https://www.example.com/post");
  EXPECT_EQ(feed.articles[1].link, "https://news.example.co.uk/2024/story");
  EXPECT_EQ(feed.articles[2].link, "https://wild.example/story.html");  // a page, not a host
}

TEST(WildFeeds, AGuidThatIsTheFeedsOwnLinkNamesNoEntryWhateverElseIsInTheDocument) {
  const auto both = parse_wild("guid_is_channel_link.xml");
  const auto one_left = parse_wild("guid_is_channel_link_one_left.xml");
  ASSERT_EQ(both.articles.size(), 2u);
  ASSERT_EQ(one_left.articles.size(), 1u);
  EXPECT_EQ(both.articles[1].id, "https://wild.example/s2");
  EXPECT_EQ(one_left.articles[0].id, both.articles[1].id);  // not the channel link once alone
}
