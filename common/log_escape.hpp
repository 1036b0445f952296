// Outside text made safe for a line of a text log or a terminal: one line, nothing a terminal obeys.
#pragma once

#include <string>
#include <string_view>

namespace newsalert {

// Control characters (C0, DEL, C1) become escapes: \n, \r, \t, \x1b, \x7f, \u0085; bytes that are
// not UTF-8 become \xNN; a backslash becomes \\, so a feed cannot write an escape that reads like
// one of ours. Every other character, ASCII or not, is kept as it is.
std::string escape_for_log(std::string_view text);

}  // namespace newsalert
