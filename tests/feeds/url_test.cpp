// Reference resolution against the examples of RFC 3986 section 5.4 and the cases feeds produce.
#include "feeds/url.hpp"

#include <gtest/gtest.h>

#include <utility>

using newsalert::feeds::is_absolute_url;
using newsalert::feeds::resolve_url;

namespace {
constexpr const char* rfc_base = "http://a/b/c/d;p?q";
}

TEST(ResolveUrl, FollowsRfc3986NormalExamples) {
  const std::pair<const char*, const char*> cases[] = {
      {"g:h", "g:h"},           {"g", "http://a/b/c/g"},          {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"},             {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},   {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"}, {"g?y#s", "http://a/b/c/g?y#s"}, {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"}, {"g;x?y#s", "http://a/b/c/g;x?y#s"}, {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},    {"./", "http://a/b/c/"},          {"..", "http://a/b/"},
      {"../", "http://a/b/"},    {"../g", "http://a/b/g"},         {"../..", "http://a/"},
      {"../../", "http://a/"},   {"../../g", "http://a/g"},
  };
  for (const auto& [ref, expected] : cases) EXPECT_EQ(resolve_url(rfc_base, ref), expected) << "ref: " << ref;
}

TEST(ResolveUrl, FollowsRfc3986AbnormalExamples) {
  const std::pair<const char*, const char*> cases[] = {
      {"../../../g", "http://a/g"},  {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},       {"g.", "http://a/b/c/g."},       {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},   {"..g", "http://a/b/c/..g"},     {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},  {"g/./h", "http://a/b/c/g/h"},   {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"}, {"g#s/../x", "http://a/b/c/g#s/../x"},
  };
  for (const auto& [ref, expected] : cases) EXPECT_EQ(resolve_url(rfc_base, ref), expected) << "ref: " << ref;
}

TEST(ResolveUrl, ResolvesProtocolRelativeLinksWithTheBaseScheme) {
  EXPECT_EQ(resolve_url("https://news.example.com/feed.xml", "//cdn.example.net/a/../story"),
            "https://cdn.example.net/story");
}

TEST(ResolveUrl, ReturnsAbsoluteReferencesUntouched) {
  EXPECT_EQ(resolve_url("https://example.com/", "http://other.example/x/../y"), "http://other.example/x/../y");
  EXPECT_EQ(resolve_url("https://example.com/", "mailto:desk@example.com"), "mailto:desk@example.com");
}

TEST(ResolveUrl, ResolvesAgainstHostWithoutPath) {
  EXPECT_EQ(resolve_url("https://example.com", "story/1"), "https://example.com/story/1");
  EXPECT_EQ(resolve_url("https://example.com?x=1", "#top"), "https://example.com?x=1#top");
}

TEST(ResolveUrl, IgnoresSurroundingWhitespace) {
  EXPECT_EQ(resolve_url(" https://example.com/news/ ", "\n   world/1.html \n"), "https://example.com/news/world/1.html");
}

TEST(ResolveUrl, LeavesReferenceAloneWhenBaseIsAFilePath) {
  EXPECT_EQ(resolve_url("/var/lib/feeds/wire.xml", "story/1"), "story/1");
  EXPECT_EQ(resolve_url("", "/story/1"), "/story/1");
  EXPECT_EQ(resolve_url("/tmp/feed.xml", "https://example.com/a"), "https://example.com/a");
}

TEST(IsAbsoluteUrl, RequiresAValidScheme) {
  EXPECT_TRUE(is_absolute_url("https://example.com"));
  EXPECT_TRUE(is_absolute_url("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"));
  EXPECT_FALSE(is_absolute_url("/path/to/feed.xml"));
  EXPECT_FALSE(is_absolute_url("1story:x"));
  EXPECT_FALSE(is_absolute_url("//host/path"));
  EXPECT_FALSE(is_absolute_url(""));
}
