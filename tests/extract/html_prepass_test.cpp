// The pre-pass: what it takes out before parsing, and the two limits that keep parsing linear.
#include "extract/html_prepass.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using newsalert::extract::kMaxAttributes;
using newsalert::extract::kMaxElements;
using newsalert::extract::kMaxOpenElements;
using newsalert::extract::prepass_html;

TEST(HtmlPrepass, DropsScriptsStylesAndCommentsButKeepsJsonLd) {
  const auto out = prepass_html(
      "<p>a</p><script>if (a < b) document.write('<p>x</p>')</script><STYLE>p{}</style><!-- note -->"
      "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</SCRIPT><p>b</p>");
  EXPECT_EQ(out.html, "<p>a</p><p>b</p>");
  ASSERT_EQ(out.json_ld.size(), 1u);
  EXPECT_EQ(out.json_ld[0], "{\"@type\":\"NewsArticle\"}");
}

TEST(HtmlPrepass, KeepsTagsTextAndQuotedAngleBrackets) {
  const std::string html = "<!DOCTYPE html><div title=\"a > b\" class='x'>1 < 2 &amp; 3</div><br/>";
  EXPECT_EQ(prepass_html(html).html, html);
}

TEST(HtmlPrepass, BoundsOpenElementsAndDropsTheMatchingEndTags) {
  std::string html;
  for (int i = 0; i < kMaxOpenElements + 50; ++i) html += "<div>";
  html += "x";
  for (int i = 0; i < kMaxOpenElements + 50; ++i) html += "</div>";
  html += "<p>after</p>";
  std::string expected;
  for (int i = 0; i < kMaxOpenElements; ++i) expected += "<div>";
  expected += "x";
  for (int i = 0; i < kMaxOpenElements; ++i) expected += "</div>";
  expected += "<p>after</p>";
  EXPECT_EQ(prepass_html(html).html, expected);
}

TEST(HtmlPrepass, ParagraphsAndListItemsDoNotCountAsOpen) {
  std::string html;
  for (int i = 0; i < kMaxOpenElements * 2; ++i) html += "<p>line<li>item";
  EXPECT_EQ(prepass_html(html).html, html);
}

TEST(HtmlPrepass, KeepsOnlyTheFirstAttributesOfATag) {
  std::string html = "<div";
  for (int i = 0; i < kMaxAttributes + 10; ++i) html += " a" + std::to_string(i) + "=\"v\"";
  html += ">x</div>";
  std::string expected = "<div";
  for (int i = 0; i < kMaxAttributes; ++i) expected += " a" + std::to_string(i) + "=\"v\"";
  expected += ">x</div>";
  EXPECT_EQ(prepass_html(html).html, expected);
}

TEST(HtmlPrepass, MillionsOfTinyElementsKeepTheirTextButNotTheirTags) {
  std::string html = "<html><body><article>";
  for (int i = 0; i < kMaxElements * 3; ++i) html += "<b a=1>x</b>";
  html += "<p>The end.</p></article></body></html>";
  const std::string out = prepass_html(html).html;
  std::size_t tags = 0;
  for (std::size_t at = out.find("<b "); at != std::string::npos; at = out.find("<b ", at + 1)) ++tags;
  EXPECT_LT(tags, static_cast<std::size_t>(kMaxElements));
  EXPECT_EQ(std::count(out.begin(), out.end(), 'x'), kMaxElements * 3);
  EXPECT_NE(out.find("The end."), std::string::npos);
}
