// A web page's article: its main text and what the page says about it (title, byline, date, language, canonical URL).
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace newsalert::extract {

struct ExtractedPage {
  std::string url;                         // the page's canonical URL (<link rel=canonical>, og:url) resolved against the given url, else the given url
  std::string title;                       // og:title / JSON-LD headline / <title> (site-name suffix like " | Site" or " - Site" trimmed when it matches og:site_name)
  std::string byline;                      // JSON-LD author name, meta author, rel=author, class/itemprop hints
  std::optional<TimePoint> published;      // article:published_time, JSON-LD datePublished, <time datetime> ; parsed with feeds/date_parser
  std::string lang;                        // <html lang> primary subtag, else feeds::detect_language(text)
  std::string text;                        // the main text: plain text, paragraphs separated by "\n\n"; empty when the page has no article
};

// Never throws on any input; bounded work (linear-ish in input size; no recursion over the DOM, since
// hostile pages nest deeply: explicit stacks and flat ranges instead). The bytes are decoded as a
// browser would (BOM, <meta charset>, else UTF-8 or windows-1252).
ExtractedPage extract_article(std::string_view html, std::string_view url);

// As above, with the HTTP Content-Type the page was served with (its charset outranks <meta>).
ExtractedPage extract_article(std::string_view html, std::string_view url, std::string_view content_type);

// The whole page's visible text (the body without scripts, styles and hidden elements): the
// baseline extraction is measured against.
std::string page_visible_text(std::string_view html);

}  // namespace newsalert::extract
