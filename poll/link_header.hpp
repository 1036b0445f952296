// The HTTP Link header (RFC 8288) as far as WebSub discovery needs it: rel="hub" and rel="self".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::poll {

struct WebSubLinks {
  std::vector<std::string> hubs;   // absolute, in header order, without repeats
  std::string self;                // the first rel="self", absolute; empty when absent
};

// `value` is one Link header or several joined by ", "; relative targets resolve against base_url.
// Links with other relations, and malformed parts, are skipped.
WebSubLinks parse_link_header(std::string_view value, const std::string& base_url);

}  // namespace newsalert::poll
