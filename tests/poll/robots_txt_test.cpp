// robots.txt as RFC 9309 reads it: groups, the longest rule, wildcards, and the answers that are not files.
#include "poll/robots_txt.hpp"

#include <gtest/gtest.h>

#include <string>

using newsalert::poll::product_token;
using newsalert::poll::RobotsTxt;

TEST(RobotsTxt, TheGroupNamingUsOutranksTheStarGroup) {
  const char* text =
      "User-agent: *\n"
      "Disallow: /\n"
      "\n"
      "User-agent: NewsAlertd\n"
      "Disallow: /private/\n";
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_TRUE(robots.allows("/world/2024/story.html"));
  EXPECT_FALSE(robots.allows("/private/a"));
  const RobotsTxt other = RobotsTxt::parse(text, "otherbot");
  EXPECT_FALSE(other.allows("/world/2024/story.html"));
}

TEST(RobotsTxt, TheLongestMatchingRuleDecidesAndAllowWinsATie) {
  const char* text =
      "User-agent: *\n"
      "Disallow: /news/\n"
      "Allow: /news/world/\n"
      "Disallow: /page\n"
      "Allow: /page\n";
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_FALSE(robots.allows("/news/sport/1"));
  EXPECT_TRUE(robots.allows("/news/world/1"));
  EXPECT_TRUE(robots.allows("/page"));
  EXPECT_TRUE(robots.allows("/about"));
}

TEST(RobotsTxt, WildcardsAndTheEndAnchor) {
  const char* text =
      "User-agent: *\n"
      "Disallow: /*.pdf$\n"
      "Disallow: /*?print=\n"
      "Disallow: /amp/*/gallery\n";
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_FALSE(robots.allows("/files/report.pdf"));
  EXPECT_TRUE(robots.allows("/files/report.pdf.html"));
  EXPECT_FALSE(robots.allows("/story?print=1"));
  EXPECT_TRUE(robots.allows("/story?id=1"));
  EXPECT_FALSE(robots.allows("/amp/2024/05/gallery/1"));
  EXPECT_TRUE(robots.allows("/amp/2024/05/story"));
}

TEST(RobotsTxt, GroupsShareRulesAndRulesBeforeAnyAgentAreIgnored) {
  const char* text =
      "Disallow: /orphan\n"
      "User-agent: a\n"
      "User-agent: newsalertd\n"
      "Disallow: /x\n"
      "User-agent: b\n"
      "Disallow: /y\n"
      "User-agent: newsalertd\n"
      "Disallow: /z\n";
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_TRUE(robots.allows("/orphan"));
  EXPECT_FALSE(robots.allows("/x"));
  EXPECT_TRUE(robots.allows("/y"));
  EXPECT_FALSE(robots.allows("/z"));
}

TEST(RobotsTxt, CommentsCaseEmptyDisallowAndOtherLinesAreReadAsTheRfcSays) {
  const char* text =
      "\xEF\xBB\xBF# a comment\r\n"
      "USER-AGENT: * # everyone\r\n"
      "disallow:\r\n"
      "Crawl-delay: 10\r\n"
      "Sitemap: https://example.org/sitemap.xml\r\n"
      "this line is nonsense\r\n"
      "DISALLOW: /search # no searches\r\n";
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_EQ(robots.rule_count(), 1u);
  EXPECT_FALSE(robots.allows("/search?q=x"));
  EXPECT_TRUE(robots.allows("/"));
}

TEST(RobotsTxt, PercentEscapesCompareWithoutRegardToTheirCase) {
  const RobotsTxt robots = RobotsTxt::parse("User-agent: *\nDisallow: /a%2fb\n", "newsalertd");
  EXPECT_FALSE(robots.allows("/a%2Fb/c"));
}

TEST(RobotsTxt, AnswersThatAreNotFilesOpenOrCloseTheHost) {
  EXPECT_TRUE(RobotsTxt::allow_all().allows("/anything"));
  EXPECT_FALSE(RobotsTxt::disallow_all().allows("/anything"));
  EXPECT_TRUE(RobotsTxt::disallow_all().allows("/robots.txt"));
}

TEST(RobotsTxt, AHugeFileIsReadUpToTheLimitAndAPathologicalPatternStaysCheap) {
  std::string text = "User-agent: *\nDisallow: /early\n";
  while (text.size() < 600 * 1024) text += "Allow: /filler/" + std::to_string(text.size()) + "\n";
  text += "Disallow: /late\n";   // past 500 KiB: ignored
  const RobotsTxt robots = RobotsTxt::parse(text, "newsalertd");
  EXPECT_FALSE(robots.allows("/early"));
  EXPECT_TRUE(robots.allows("/late"));
  const RobotsTxt stars = RobotsTxt::parse("User-agent: *\nDisallow: /" + std::string(2000, '*') + "x$\n", "n");
  EXPECT_TRUE(stars.allows("/" + std::string(4000, 'a')));
  EXPECT_FALSE(stars.allows("/" + std::string(4000, 'a') + "x"));
}

TEST(RobotsTxt, TheProductTokenIsTheUserAgentsFirstWord) {
  EXPECT_EQ(product_token("newsalertd/1.4 (+https://example.org)"), "newsalertd");
  EXPECT_EQ(product_token("  My-Bot_2 x"), "My-Bot_");
  EXPECT_EQ(product_token(""), "");
}
