// extract_article on small pages written to show one thing each: furniture out, metadata in, hostile input survived.
#include "extract/article_extractor.hpp"

#include "common/time.hpp"

#include <gtest/gtest.h>

#include <string>

using newsalert::extract::extract_article;

namespace {

const std::string kParagraph1 =
    "The central bank raised its main interest rate by half a point on Thursday, the largest increase in "
    "two decades, saying that inflation, driven by energy and food prices, had spread to services.";
const std::string kParagraph2 =
    "Economists had expected a smaller move. The governor said further increases were likely, though the "
    "pace would depend on wages, on the currency and on how quickly supply chains recovered.";
const std::string kParagraph3 =
    "Markets fell after the announcement, with the main index closing two percent lower, while the "
    "currency rose against the dollar and the euro for the first time this month.";

// A news page as sites build them: menus, a share box, related links, comments and a cookie banner around
// three paragraphs of article.
std::string news_page() {
  return R"(<!DOCTYPE html><html lang="en-GB"><head><title>Bank raises rates | Daily Courier</title>
<meta property="og:site_name" content="Daily Courier">
<meta property="article:published_time" content="2024-08-14T09:30:00+02:00">
<link rel="canonical" href="/2024/08/14/bank-raises-rates">
</head><body>
<div id="cookie-banner">We use cookies to improve your experience, analyse traffic and show you adverts. Accept all cookies?</div>
<header><nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li></ul></nav></header>
<div class="layout">
<article class="story">
<h1>Bank raises rates</h1>
<p class="byline">By <a rel="author" href="/staff/jane">Jane Smith</a></p>
<div class="share-tools"><a href="#">Share on Facebook, the social network</a> <a href="#">Share on X, formerly Twitter</a> <a href="#">Email this article to a friend</a></div>
<p>)" + kParagraph1 + R"(</p>
<p>)" + kParagraph2 + R"(</p>
<p>)" + kParagraph3 + R"(</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Pension funds warn of losses, as markets tumble in Asia and Europe</a></li><li><a href="/b">Housing market slows for the third month running, agents say</a></li></ul></aside>
<section id="comments" class="comments"><div class="comment"><p>Comment: This is outrageous, savers have been punished for years, and nobody listens.</p></div></section>
</div>
<footer><p>Copyright Daily Courier, all rights reserved. Terms, privacy, contact us for more information.</p></footer>
</body></html>)";
}

TEST(ExtractArticle, KeepsOnlyTheArticlesParagraphs) {
  const auto page = extract_article(news_page(), "https://courier.example/world/?utm_source=rss");
  EXPECT_EQ(page.text.find("cookies"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("Facebook"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("Pension funds"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("outrageous"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("Copyright"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("Business"), std::string::npos) << page.text;
  const auto first = page.text.find(kParagraph1);
  const auto second = page.text.find(kParagraph2);
  const auto third = page.text.find(kParagraph3);
  ASSERT_NE(first, std::string::npos) << page.text;
  ASSERT_NE(second, std::string::npos) << page.text;
  ASSERT_NE(third, std::string::npos) << page.text;
  EXPECT_LT(first, second);
  EXPECT_EQ(page.text.substr(first, kParagraph1.size() + 2 + kParagraph2.size()), kParagraph1 + "\n\n" + kParagraph2);
}

TEST(ExtractArticle, ReadsTitleDateLanguageBylineAndResolvesTheCanonicalUrl) {
  const auto page = extract_article(news_page(), "https://courier.example/world/?utm_source=rss");
  EXPECT_EQ(page.url, "https://courier.example/2024/08/14/bank-raises-rates");
  EXPECT_EQ(page.title, "Bank raises rates");  // " | Daily Courier" is the site's name
  EXPECT_EQ(page.lang, "en");
  EXPECT_EQ(page.byline, "Jane Smith");
  ASSERT_TRUE(page.published.has_value());
  EXPECT_EQ(newsalert::format_rfc3339(*page.published), "2024-08-14T07:30:00Z");
}

TEST(ExtractArticle, WithoutACanonicalLinkTheUrlIsTheOneGiven) {
  const auto page = extract_article("<html><body><p>" + kParagraph1 + "</p></body></html>", "https://x.example/a");
  EXPECT_EQ(page.url, "https://x.example/a");
  EXPECT_EQ(page.text, kParagraph1);
}

TEST(ExtractArticle, ReadsOpenGraphAndJsonLdMetadata) {
  const std::string html = R"(<html><head>
<meta property="og:title" content="Floods close the northern railway">
<meta property="og:url" content="https://rail.example/floods">
<meta name="author" content="Meta Author">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
  {"@type":"WebSite","name":"Rail News"},
  {"@type":"NewsArticle","headline":"Ignored: og:title wins","datePublished":"2023-03-01T12:00:00Z",
   "author":[{"@type":"Person","name":"Ana Lima"},{"@type":"Person","name":"Li Wei"}]}]}</script>
</head><body><p>)" + kParagraph1 + "</p></body></html>";
  const auto page = extract_article(html, "https://rail.example/?id=1");
  EXPECT_EQ(page.title, "Floods close the northern railway");
  EXPECT_EQ(page.url, "https://rail.example/floods");
  EXPECT_EQ(page.byline, "Ana Lima, Li Wei");
  ASSERT_TRUE(page.published.has_value());
  EXPECT_EQ(newsalert::format_rfc3339(*page.published), "2023-03-01T12:00:00Z");
}

TEST(ExtractArticle, UsesJsonLdArticleBodyWhenThePageShowsOnlyATeaser) {
  const std::string body = kParagraph1 + "\n" + kParagraph2 + "\n" + kParagraph3 + "\n" + kParagraph1;
  const std::string html = R"(<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Rates","articleBody":)" +
                           std::string("\"") + [&] {
                             std::string escaped;
                             for (char c : body) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
                             return escaped;
                           }() + R"("}</script></head>
<body><div class="teaser"><p>Subscribe to read the whole story about the bank, its governor and the rates.</p></div></body></html>)";
  const auto page = extract_article(html, "https://x.example/");
  EXPECT_EQ(page.title, "Rates");
  EXPECT_EQ(page.text.find("Subscribe"), std::string::npos) << page.text;
  EXPECT_NE(page.text.find(kParagraph2 + "\n\n" + kParagraph3), std::string::npos) << page.text;
}

TEST(ExtractArticle, MetaAuthorAndTimeElementWhenThereIsNoJsonLd) {
  const std::string html = R"(<html lang="fr"><head><meta name="author" content="Claire Dubois"></head><body>
<article><time datetime="2022-11-05T08:00:00Z">5 novembre</time><p>)" + kParagraph1 + "</p></article></body></html>";
  const auto page = extract_article(html, "https://x.example/");
  EXPECT_EQ(page.byline, "Claire Dubois");
  EXPECT_EQ(page.lang, "fr");  // <html lang> outranks what the (English) text would say
  ASSERT_TRUE(page.published.has_value());
  EXPECT_EQ(newsalert::format_rfc3339(*page.published), "2022-11-05T08:00:00Z");
}

TEST(ExtractArticle, DetectsTheLanguageWhenThePageDoesNotDeclareIt) {
  const std::string html =
      "<html><body><article><p>Le gouvernement a annoncé jeudi une hausse des tarifs de l'électricité, qui "
      "entrera en vigueur au premier janvier, malgré l'opposition des syndicats et des associations de "
      "consommateurs.</p><p>Le ministre a défendu une mesure nécessaire pour les finances publiques.</p>"
      "</article></body></html>";
  EXPECT_EQ(extract_article(html, "https://x.example/").lang, "fr");
}

TEST(ExtractArticle, APageWithNoArticleGivesNoText) {
  const std::string html = R"(<html><head><title>Log in</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-consent">We use cookies to give you the best experience on our website and for adverts.</div>
<form><label>User name</label><input name="u"><button>Log in to your account</button></form>
<footer>Copyright 2024 Example Media Group Limited, all rights reserved, registered in England.</footer>
</body></html>)";
  const auto page = extract_article(html, "https://x.example/login");
  EXPECT_EQ(page.text, "");
  EXPECT_EQ(page.lang, "");
  EXPECT_EQ(page.title, "Log in");
}

TEST(ExtractArticle, HostileDeepNestingReturns) {
  std::string html = "<html><body>";
  while (html.size() < (1u << 20)) html += "<div>";
  html += "<p>" + kParagraph1 + "</p>";
  const auto page = extract_article(html, "https://x.example/");
  EXPECT_NE(page.text.find("central bank"), std::string::npos);
}

TEST(ExtractArticle, HostileInputsReturnWithoutCrashing) {
  std::string attributes = "<div";
  for (int i = 0; i < 100000; ++i) attributes += " a" + std::to_string(i) + "=x";
  attributes += "><p>" + kParagraph1 + "</p></div>";
  EXPECT_NE(extract_article(attributes, "").text.find("central bank"), std::string::npos);

  std::string bold;
  while (bold.size() < (1u << 20)) bold += "<b><i><a href=x>";
  EXPECT_EQ(extract_article(bold, "").text, "");

  std::string ld = "<script type=\"application/ld+json\">";
  ld += std::string(200000, '[');
  ld += "</script><p>" + kParagraph1 + "</p>";
  EXPECT_NE(extract_article(ld, "").text.find("central bank"), std::string::npos);

  // No <html>, <head> or <body>, unterminated tags and comments, a NUL byte, invalid UTF-8.
  for (const std::string& odd : {std::string("plain text only, no tags at all"), std::string("<p>cut off <a href=\"x"),
                                std::string("<!-- never closed <p>text"), std::string("a\0b<p>\xff\xfe x</p>", 14),
                                std::string(""), std::string("<script>never closed")}) {
    const auto page = extract_article(odd, "not a url");
    EXPECT_EQ(page.url, "not a url");
  }
}

TEST(ExtractArticle, BlocksBecomeParagraphsAndEntitiesAreDecoded) {
  const std::string html =
      "<html><body><div class=\"post-content\"><p>Caf&eacute; owners &amp; workers said&nbsp;the strike, which "
      "began on Monday, would go on.</p><ul><li>First point, with a comma, and more words here</li></ul>"
      "<p>Second   paragraph,\n spread over\tlines, ends here with enough words to count as prose.</p>"
      "</div></body></html>";
  const auto page = extract_article(html, "");
  EXPECT_EQ(page.text,
            "Café owners & workers said the strike, which began on Monday, would go on.\n\n"
            "First point, with a comma, and more words here\n\n"
            "Second paragraph, spread over lines, ends here with enough words to count as prose.");
}

}  // namespace

namespace {

TEST(ExtractArticle, ValidUtf8IsReadAsUtf8WhateverAStaleMetaCharsetSays) {
  const std::string html = "<html><head><meta charset=\"gb2312\"></head><body><p>" + kParagraph1 +
                           " Le café était fermé à Zürich.</p></body></html>";
  EXPECT_NE(extract_article(html, "").text.find("café était fermé à Zürich"), std::string::npos);
  // Bytes that are not UTF-8 are read in the charset the page declares.
  const std::string latin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>" + kParagraph1 +
                             " Le caf\xe9 \xe9tait ferm\xe9.</p></body></html>";
  EXPECT_NE(extract_article(latin1, "").text.find("Le café était fermé."), std::string::npos);
  // A charset the server sent outranks both.
  EXPECT_NE(extract_article(latin1, "", "text/html; charset=windows-1252").text.find("café"), std::string::npos);
}

}  // namespace
