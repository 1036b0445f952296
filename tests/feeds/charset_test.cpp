// Charset detection precedence and conversion: what bytes a feed's text is read as.
#include "feeds/charset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace newsalert::feeds;
using ::testing::HasSubstr;

namespace {

// "Привет" in windows-1251 and in KOI8-R: the same letters, different bytes.
const std::string kCp1251 = "\xCF\xF0\xE8\xE2\xE5\xF2";
const std::string kKoi8r = "\xF0\xD2\xC9\xD7\xC5\xD4";
const std::string kPrivet = "\u041f\u0440\u0438\u0432\u0435\u0442";

std::string xml(const std::string& encoding, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"" + encoding + "\"?><t>" + body + "</t>";
}

}  // namespace

TEST(Charset, ReadsContentTypeParameters) {
  EXPECT_EQ(media_type_of("Application/RSS+XML; charset=\"KOI8-R\""), "application/rss+xml");
  EXPECT_EQ(charset_of("Application/RSS+XML; charset=\"KOI8-R\""), "koi8-r");
  EXPECT_EQ(charset_of("text/xml;charset=utf-8;q=1"), "utf-8");
  EXPECT_EQ(charset_of("text/xml"), "");
}

TEST(Charset, HttpCharsetOutranksTheXmlDeclaration) {
  const auto doc = decode_document(xml("windows-1251", kKoi8r), "application/xml; charset=koi8-r");
  EXPECT_EQ(doc.source, "http");
  EXPECT_EQ(doc.charset, "koi8-r");
  EXPECT_THAT(doc.text, HasSubstr(kPrivet));
}

TEST(Charset, XmlDeclarationDecidesWithoutHttpCharset) {
  const auto doc = decode_document(xml("windows-1251", kCp1251), "text/xml");
  EXPECT_EQ(doc.source, "xml");
  EXPECT_THAT(doc.text, HasSubstr(kPrivet));
}

TEST(Charset, ByteOrderMarkOutranksEverything) {
  const auto doc = decode_document("\xEF\xBB\xBF" + xml("windows-1251", kPrivet), "text/xml; charset=koi8-r");
  EXPECT_EQ(doc.source, "bom");
  EXPECT_THAT(doc.text, HasSubstr(kPrivet));
  EXPECT_FALSE(doc.text.starts_with("\xEF\xBB\xBF"));
}

TEST(Charset, MetaCharsetCountsOnlyForHtml) {
  const std::string page = "<html><head><meta charset=\"windows-1251\"></head><body>" + kCp1251 + "</body></html>";
  const auto html = decode_document(page, "text/html");
  EXPECT_EQ(html.source, "meta");
  EXPECT_THAT(html.text, HasSubstr(kPrivet));
  // The same tag inside a feed's CDATA says nothing about the feed.
  const auto feed = decode_document("<rss><![CDATA[<meta charset=\"windows-1251\">]]>caf\xC3\xA9</rss>", "application/rss+xml");
  EXPECT_EQ(feed.source, "default");
  EXPECT_THAT(feed.text, HasSubstr("caf\u00e9"));
}

TEST(Charset, Latin1IsReadAsWindows1252AndGb2312AsGb18030) {
  EXPECT_THAT(decode_document(xml("ISO-8859-1", "\x93quoted\x94"), "").text, HasSubstr("\u201cquoted\u201d"));
  EXPECT_EQ(decode_document(xml("gb2312", "\xD6\xD0"), "").charset, "gb18030");
  EXPECT_THAT(decode_document(xml("gb2312", "\xD6\xD0"), "").text, HasSubstr("\u4e2d"));
}

TEST(Charset, InvalidUtf8IsReplacedAndReported) {
  const auto doc = decode_document(xml("utf-8", "caf\xE9 ok \xC3\xA9"), "");
  EXPECT_THAT(doc.text, HasSubstr("caf\uFFFD ok \u00e9"));
  EXPECT_THAT(doc.warning, HasSubstr("1 invalid byte sequence(s) in utf-8 replaced"));
}

TEST(Charset, ControlCharactersAreRemovedAndReported) {
  const auto doc = decode_document("<t>a\x01" "b\x0b" "c\td</t>", "");
  EXPECT_EQ(doc.text, "<t>ab c\td</t>");
  EXPECT_THAT(doc.warning, HasSubstr("2 control character(s) removed"));
}

TEST(Charset, UnknownCharsetFallsBackToUtf8WithAWarning) {
  const auto doc = decode_document(xml("x-no-such-charset", "caf\xC3\xA9"), "");
  EXPECT_EQ(doc.charset, "utf-8");
  EXPECT_THAT(doc.text, HasSubstr("caf\u00e9"));
  EXPECT_THAT(doc.warning, HasSubstr("unknown charset 'x-no-such-charset'"));
}

TEST(Charset, UsAsciiLabelReadsUtf8OrWindows1252ByTheBytes) {
  EXPECT_EQ(decode_document(xml("us-ascii", "caf\xC3\xA9"), "").charset, "utf-8");
  EXPECT_EQ(decode_document(xml("us-ascii", "caf\xE9"), "").charset, "windows-1252");
}

TEST(Charset, Utf16WithoutBomIsRecognisedFromTheDeclaration) {
  const std::string ascii = "<?xml version=\"1.0\"?><t>x</t>";
  std::string utf16le;
  for (const char c : ascii) utf16le += std::string{c, '\0'};
  const auto doc = decode_document(utf16le, "");
  EXPECT_EQ(doc.charset, "utf-16le");
  EXPECT_EQ(doc.text, ascii);
}

TEST(Charset, ReadsUndeclaredBytesThatAreNotUtf8AsWindows1252) {
  const auto doc = decode_document("<rss><title>caf\xE9 \x93ok\x94</title></rss>", "");
  EXPECT_EQ(doc.charset, "windows-1252");
  EXPECT_EQ(doc.text, "<rss><title>caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D</title></rss>");
  EXPECT_EQ(doc.warning, "no charset declared and the bytes are not UTF-8: read as windows-1252");
  // A declared charset is kept even when the bytes break it.
  EXPECT_EQ(decode_document("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>caf\xE9</rss>", "").charset, "utf-8");
}
