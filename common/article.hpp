// The normalized article: what every feed format is turned into, and what watchlists match.
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace newsalert {

struct Article {
  std::string feed_url;    // the feed it was read from
  std::string feed_title;
  std::string id;          // stable identity within the feed: guid / atom:id, else link
  std::string title;       // plain text
  std::string link;        // absolute URL, or empty
  std::optional<TimePoint> published;
  std::optional<TimePoint> updated;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string summary;     // plain text
  std::string content;     // plain text
  std::string summary_html;  // the summary as the feed wrote it (HTML, or text for plain-text fields)
  std::string content_html;  // the content as the feed wrote it
  std::string full_text;   // the main text of the page `link` points to (full_text:), plain; else empty
  std::string image;       // absolute URL of the entry's picture (media:thumbnail, image enclosure), or empty
  std::string lang;        // ISO 639-1 code of the language it is written in ("en"), or empty; set by
                           // feeds::detect_languages, not by the parser
};

}  // namespace newsalert
