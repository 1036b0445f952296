// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org) into draft entries.
#pragma once

#include "feeds/entry_identity.hpp"
#include "feeds/parse_limits.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::feeds {

struct ParsedFeed;

// Fills feed.title/link/format and appends one draft per item; sets feed.error when the text is not
// a JSON object with an "items" array, or nests deeper than limits.max_json_depth. Items past
// limits.max_entries are counted in entries.dropped and never built, not even as JSON values.
// Relative URLs resolve against home_page_url, then base_url.
void read_json_feed(std::string_view text, const std::string& base_url, const ParseLimits& limits,
                    ParsedFeed& feed, DraftEntries& entries);

}  // namespace newsalert::feeds
