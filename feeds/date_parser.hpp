// Reads the dates feeds carry: RFC 822/1123 (RSS pubDate) and RFC 3339/ISO 8601 (Atom, dc:date).
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string_view>

namespace newsalert::feeds {

// Accepts RFC 822/1123 dates with or without the day name and seconds, two-digit years, named zones
// (GMT, UT, UTC, Z, US zones, military letters) and numeric offsets; and ISO 8601/RFC 3339 date-times
// with or without offset (UTC assumed), fractional seconds, or just a date. Failing those, the pieces
// of a date as publishers write them, in any order ("Wednesday, August 14, 2024 - 2:30 pm BST",
// "8/14/2024 02:02:33 PM", "2020/1/10"), when every piece is accounted for. nullopt when unreadable.
// Independent of locale and of the TZ environment.
std::optional<TimePoint> parse_date(std::string_view text);

}  // namespace newsalert::feeds
