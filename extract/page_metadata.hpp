// What a page says about its article outside the text: <meta> (og:, article:, author), <link rel>, <time>, <html lang> and JSON-LD.
#pragma once

#include "common/time.hpp"
#include "extract/dom.hpp"

#include <optional>
#include <string>
#include <vector>

namespace newsalert::extract {

struct PageMetadata {
  std::string canonical;        // <link rel=canonical> href, else og:url (as written)
  std::string title;            // og:title, else JSON-LD headline, else <title>
  std::string site_name;        // og:site_name, else JSON-LD publisher name
  std::string byline;           // JSON-LD author, meta author, rel=author, byline/author class or itemprop
  std::optional<TimePoint> published;
  std::string lang;             // <html lang> as written
  std::string json_ld_body;     // JSON-LD articleBody
};

// JSON-LD first (the most specific), then what <meta>, <link> and the markup add where it is silent.
PageMetadata read_metadata(const Dom& dom, const std::vector<std::string>& json_ld);

// " | Site", " - Site", " — Site" (or "Site | ") cut from a title when Site is the site's name.
std::string trim_site_name(std::string title, std::string_view site_name);

}  // namespace newsalert::extract
