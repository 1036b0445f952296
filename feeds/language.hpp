// The language an article is written in, by Google's Compact Language Detector 2 (libcld2).
#pragma once

#include "common/article.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::feeds {

// The language of UTF-8 text as an ISO 639-1 code ("en", "fr", "zh"; "zh-Hant" for traditional
// Chinese), or empty when the text is too short, too mixed or in no language CLD2 knows. hint is a
// language the context declares ("en-GB", a feed's <language>), which CLD2 weighs in.
std::string detect_language(std::string_view text, std::string_view hint = {});

// Sets every article's lang from its title, summary and content (their first KiB): the detected
// language, or, when the text cannot tell, the language the feed declares (declared, e.g. "en-us"
// from RSS <language>; its primary subtag), or empty. Kept apart from parse_feed because it costs
// more than parsing the entry: callers run it on the entries they show or match.
void detect_languages(std::vector<Article>& articles, std::string_view declared);
// The same for one article.
void detect_language(Article& article, std::string_view declared);

// A declared language tag reduced to what detect_language reports: "en-US" -> "en", "zh-TW" -> "zh-Hant".
std::string primary_language(std::string_view tag);

}  // namespace newsalert::feeds
