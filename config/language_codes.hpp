// The ISO 639-1 language codes a watchlist's `languages:` and a tagged alias may name.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::config {

// True for a two-letter ISO 639-1 code in lower case ("en", "fr"; not "EN", "eng" or "en-GB").
bool is_language_code(std::string_view code);

// The part of a detected language that `languages:` lists name: "zh-Hant" -> "zh", "en" -> "en".
std::string_view base_language(std::string_view lang);

}  // namespace newsalert::config
