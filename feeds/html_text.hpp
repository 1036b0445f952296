// Turns the HTML found in feed titles, descriptions and content into plain text for matching and alerts.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::feeds {

// Replaces character references: numeric (&#8217; &#x2019;) and the HTML 4 named set plus &apos;.
// &nbsp; becomes a plain space so that word matching sees a word boundary. Unknown or malformed
// references are kept as written. Nothing else changes.
std::string decode_entities(std::string_view text);

// Runs of whitespace become one space; leading and trailing whitespace goes. For text that is not HTML.
std::string collapse_whitespace(std::string_view text);

// Strips tags and comments, drops <script>/<style> content, turns block elements into line breaks and
// cells/list items into separators, decodes entities, collapses whitespace (runs of spaces to one space,
// line breaks kept as a single '\n') and trims. Plain text comes back with only its whitespace collapsed.
// One pass, no allocation beyond the result.
std::string html_to_text(std::string_view html);

}  // namespace newsalert::feeds
