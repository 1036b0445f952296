// WebSub discovery: the HTTP Link header, and rel="hub"/"self" links in Atom and RSS documents.
#include "feeds/feed_parser.hpp"
#include "poll/link_header.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace newsalert::feeds;
using namespace newsalert::poll;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LinkHeader, FindsHubsAndSelfAmongOtherLinks) {
  const auto links = parse_link_header(
      R"(<https://pubsubhubbub.appspot.com/>; rel="hub", <https://example.org/feed.xml>; rel="self", )"
      R"(<https://example.org/page2>; rel="next", <https://hub2.example/>; rel=hub)",
      "https://example.org/feed.xml");
  EXPECT_THAT(links.hubs, ElementsAre("https://pubsubhubbub.appspot.com/", "https://hub2.example/"));
  EXPECT_EQ(links.self, "https://example.org/feed.xml");
}

TEST(LinkHeader, ReadsSeveralRelationsQuotedCommasAndRelativeTargets) {
  const auto links = parse_link_header(R"(</hub>; title="a, b"; rel="self hub", <ignored>; rel="alternate")",
                                       "https://example.org/feeds/x.xml");
  EXPECT_THAT(links.hubs, ElementsAre("https://example.org/hub"));
  EXPECT_EQ(links.self, "https://example.org/hub");
}

TEST(LinkHeader, MalformedOrEmptyHeadersGiveNothing) {
  EXPECT_THAT(parse_link_header("", "https://example.org/").hubs, IsEmpty());
  EXPECT_THAT(parse_link_header("<https://hub.example/", "https://example.org/").hubs, IsEmpty());
  EXPECT_THAT(parse_link_header("https://hub.example/; rel=hub", "https://example.org/").hubs, IsEmpty());
  EXPECT_THAT(parse_link_header("<>; rel=hub", "https://example.org/").hubs, IsEmpty());
}

TEST(FeedParser, AtomFeedNamesItsHubAndSelf) {
  const auto feed = parse_feed(R"(<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire</title>
  <link rel="alternate" href="https://wire.example/"/>
  <link rel="hub" href="https://hub.example/"/>
  <link rel="self" href="/atom.xml"/>
  <entry><id>1</id><title>One</title><link href="https://wire.example/1"/></entry>
</feed>)",
                               "https://wire.example/atom.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_THAT(feed.hubs, ElementsAre("https://hub.example/"));
  EXPECT_EQ(feed.self, "https://wire.example/atom.xml");
  EXPECT_EQ(feed.link, "https://wire.example/");
  ASSERT_EQ(feed.articles.size(), 1u);
}

TEST(FeedParser, RssFeedNamesItsHubWithAtomLinksWithoutLosingItsHomePage) {
  const auto feed = parse_feed(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>Wire</title>
  <atom:link rel="hub" href="https://hub.example/"/>
  <atom:link rel="self" type="application/rss+xml" href="https://wire.example/rss.xml"/>
  <link>https://wire.example/</link>
  <item><guid>1</guid><title>One</title><link>https://wire.example/1</link></item>
</channel></rss>)",
                               "https://wire.example/rss.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_THAT(feed.hubs, ElementsAre("https://hub.example/"));
  EXPECT_EQ(feed.self, "https://wire.example/rss.xml");
  EXPECT_EQ(feed.link, "https://wire.example/");
}

TEST(FeedParser, RssLinkElementWithRelHubCounts) {
  const auto feed = parse_feed(R"(<rss version="2.0"><channel><title>W</title>
  <link rel="hub" href="https://hub.example/"/>
  <link>https://wire.example/</link>
  <item><guid>1</guid><title>One</title></item></channel></rss>)",
                               "https://wire.example/rss.xml");
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_THAT(feed.hubs, ElementsAre("https://hub.example/"));
  EXPECT_EQ(feed.link, "https://wire.example/");
  EXPECT_EQ(feed.self, "");
}
