// Turns the bytes of a feed document (RSS 0.9x/1.0/2.0, Atom) into normalized articles.
#pragma once

#include "common/article.hpp"
#include "common/time.hpp"
#include "feeds/parse_limits.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::feeds {

enum class FeedFormat { unknown, rss, rdf, atom };

struct ParsedFeed {
  FeedFormat format = FeedFormat::unknown;
  std::string title;
  std::string link;             // the site's home page, absolute
  std::optional<Millis> ttl;    // RSS <channel><ttl>: minutes the feed may be cached
  std::vector<Article> articles;
  std::string error;            // non-empty when the document could not be read as a feed
  std::string warning;          // set when the XML was damaged (e.g. truncated) but entries were recovered
  bool ok() const { return error.empty(); }
};

// base_url is the URL the document was fetched from (or a file path); relative links resolve against it
// (and against xml:base where present). Each article's feed_url is set to base_url.
// A document deeper or with more attributes than `limits` allow is refused; entries past
// limits.max_entries are dropped and fields are cut to limits.max_field_bytes (both with a warning).
ParsedFeed parse_feed(std::string_view document, const std::string& base_url, const ParseLimits& limits = {});

}  // namespace newsalert::feeds
