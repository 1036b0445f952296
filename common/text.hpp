// Small string helpers used across the libraries: trimming, ASCII case, form encoding.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace newsalert {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
// Equal but for the case of ASCII letters ("User-Agent" and "user-agent"), without a copy.
bool iequals_ascii(std::string_view a, std::string_view b);

// application/x-www-form-urlencoded pieces (WebSub requests and callbacks): percent-encodes
// everything but unreserved characters; decodes %XX and '+'; splits "a=1&b=2" into a map.
std::string form_encode(std::string_view text);
std::string form_decode(std::string_view text);
std::map<std::string, std::string> parse_form(std::string_view text);

}  // namespace newsalert
