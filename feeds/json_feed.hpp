// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org) into draft entries.
#pragma once

#include "feeds/entry_identity.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::feeds {

struct ParsedFeed;

// Fills feed.title/link/format and appends one draft per item; sets feed.error when the text is not
// a JSON object with an "items" array. Relative URLs resolve against home_page_url, then base_url.
void read_json_feed(std::string_view text, const std::string& base_url, ParsedFeed& feed,
                    std::vector<DraftEntry>& entries);

}  // namespace newsalert::feeds
