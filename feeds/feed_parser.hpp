// Turns the bytes of a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into normalized articles.
#pragma once

#include "common/article.hpp"
#include "common/time.hpp"
#include "feeds/parse_limits.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::feeds {

enum class FeedFormat { unknown, rss, rdf, atom, json };

struct ParsedFeed {
  FeedFormat format = FeedFormat::unknown;
  std::string title;
  std::string link;             // the site's home page, absolute
  std::optional<Millis> ttl;    // RSS <channel><ttl>: minutes the feed may be cached
  std::vector<std::string> hubs;   // WebSub hubs: <link rel="hub"> (Atom, or atom:link in RSS), absolute
  std::string self;             // <link rel="self">: the topic URL to subscribe to, absolute
  std::vector<Article> articles;
  std::string error;            // non-empty when the document could not be read as a feed
  std::string warning;          // what was repaired: bad bytes, junk, broken or truncated markup
  bool recovered = false;       // the document was damaged and read anyway (feedparser's "bozo")
  std::string charset;          // what the bytes were read as, e.g. "windows-1251"
  std::string language;         // the language the feed declares (RSS <language>, dc:language, xml:lang
                                // on an Atom feed, JSON Feed "language"), as written, or empty
  bool ok() const { return error.empty(); }
};

// base_url is the URL the document was fetched from (or a file path); relative links resolve against it
// (and against xml:base where present). Each article's feed_url is set to base_url. content_type is the
// HTTP Content-Type header, if any: its charset parameter outranks the XML declaration (docs/feeds.md).
// A document deeper or with more attributes than `limits` allow is refused; entries past
// limits.max_entries are counted but never built, and fields are cut to limits.max_field_bytes (both
// with a warning).
ParsedFeed parse_feed(std::string_view document, const std::string& base_url, std::string_view content_type = {},
                      const ParseLimits& limits = {});
inline ParsedFeed parse_feed(std::string_view document, const std::string& base_url, const ParseLimits& limits) {
  return parse_feed(document, base_url, {}, limits);
}

}  // namespace newsalert::feeds
