// HTML-to-text conversion and entity decoding on the markup feeds actually carry.
#include "feeds/html_text.hpp"

#include <gtest/gtest.h>

using newsalert::feeds::collapse_whitespace;
using newsalert::feeds::decode_entities;
using newsalert::feeds::html_to_text;

TEST(DecodeEntities, DecodesNumericReferences) {
  EXPECT_EQ(decode_entities("Iran&#8217;s &#x2014; &#X41;&#65;"), "Iran\u2019s \u2014 AA");
}

TEST(DecodeEntities, DecodesNamedReferencesFromHtml4) {
  EXPECT_EQ(decode_entities("&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos;"), "<b> & \"q\" 'a'");
  EXPECT_EQ(decode_entities("caf&eacute; &mdash; &ndash; &hellip; &lsquo;&rsquo;&ldquo;&rdquo; &euro; &alpha;"),
            "caf\u00e9 \u2014 \u2013 \u2026 \u2018\u2019\u201c\u201d \u20ac \u03b1");
}

TEST(DecodeEntities, TurnsNbspIntoPlainSpace) { EXPECT_EQ(decode_entities("a&nbsp;b"), "a b"); }

TEST(DecodeEntities, ReadsWindows1252RangeOfNumericReferences) {
  EXPECT_EQ(decode_entities("it&#146;s &#150; ok"), "it\u2019s \u2013 ok");
}

TEST(DecodeEntities, KeepsUnknownOrMalformedReferencesAsWritten) {
  EXPECT_EQ(decode_entities("AT&T &unknown; & &#; &#xZZ; a&b"), "AT&T &unknown; & &#; &#xZZ; a&b");
}

TEST(DecodeEntities, ReplacesInvalidCodePoints) {
  EXPECT_EQ(decode_entities("&#0;&#xD800;&#x110000;"), "\uFFFD\uFFFD\uFFFD");
}

TEST(HtmlToText, StripsTagsAndKeepsWords) {
  EXPECT_EQ(html_to_text("<p>Strike on <b>Israel</b> <a href=\"https://x/?a=1&amp;b=2\">ordered</a></p>"),
            "Strike on Israel ordered");
}

TEST(HtmlToText, TurnsBlockElementsIntoLineBreaks) {
  EXPECT_EQ(html_to_text("<p>One</p><p>Two</p>Three<br/>Four<ul><li>a</li><li>b</li></ul><h2>End</h2>"),
            "One\nTwo\nThree\nFour\na\nb\nEnd");
}

TEST(HtmlToText, SeparatesTableCells) {
  EXPECT_EQ(html_to_text("<table><tr><td>Gaza</td><td>Lebanon</td></tr></table>"), "Gaza Lebanon");
}

TEST(HtmlToText, DropsScriptAndStyleContent) {
  EXPECT_EQ(html_to_text("a<script type=\"x\">var s = '</p>';</script>b<STYLE>p{}</STYLE>c"), "a b c");
}

TEST(HtmlToText, DropsCommentsAndDeclarations) {
  EXPECT_EQ(html_to_text("<!DOCTYPE html><!-- hidden <b> -->shown<?php echo 1; ?>"), "shown");
}

TEST(HtmlToText, DecodesEntitiesInText) {
  EXPECT_EQ(html_to_text("Khamenei&#8217;s &ldquo;order&rdquo;&nbsp;&amp; reply"),
            "Khamenei\u2019s \u201corder\u201d & reply");
}

TEST(HtmlToText, KeepsLessThanThatIsNotATag) {
  EXPECT_EQ(html_to_text("3 < 4 and 5<6 <unterminated"), "3 < 4 and 5<6 <unterminated");
}

TEST(HtmlToText, IgnoresGreaterThanInsideQuotedAttributes) {
  EXPECT_EQ(html_to_text("<img alt=\"a > b\" src=x>caption"), "caption");
}

TEST(HtmlToText, ReturnsPlainTextWithOnlyWhitespaceCollapsed) {
  EXPECT_EQ(html_to_text("  Iran's   supreme leader\n\t ordered  "), "Iran's supreme leader ordered");
  EXPECT_EQ(html_to_text("plain"), "plain");
  EXPECT_EQ(html_to_text(""), "");
}

TEST(HtmlToText, KeepsCdataAsLiteralText) { EXPECT_EQ(html_to_text("<![CDATA[<b>x</b>]]> y"), "<b>x</b> y"); }

TEST(CollapseWhitespace, LeavesMarkupAlone) { EXPECT_EQ(collapse_whitespace(" <b>a</b>\n\n b "), "<b>a</b> b"); }

// Text is scanned in blocks of 8 or 16 bytes: whatever ends a run (doubled space, a space before a tag or
// reference, a tab, the end) must be seen at every offset within a block and across block edges.
TEST(HtmlToText, CollapsesWhitespaceAtEveryOffsetOfTheTextScan) {
  for (std::size_t k = 1; k <= 40; ++k) {
    const std::string head(k, 'a');
    SCOPED_TRACE(k);
    EXPECT_EQ(html_to_text(head + "  b c<p>d &amp; e\t f "), head + " b c\nd & e f");
    EXPECT_EQ(html_to_text(head + " <br>x y"), head + "\nx y");
    EXPECT_EQ(html_to_text(head + " &lt; z"), head + " < z");
    EXPECT_EQ(html_to_text(head + " \xD0\x9F\xD1\x80 "), head + " \xD0\x9F\xD1\x80");
    EXPECT_EQ(html_to_text(head + " b" + std::string(k, ' ') + "c"), head + " b c");
    EXPECT_EQ(collapse_whitespace(head + "  b <p> c\n"), head + " b <p> c");
    EXPECT_EQ(collapse_whitespace(head + " b&c \x01 d"), head + " b&c \x01 d");
  }
}
