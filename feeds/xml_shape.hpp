// Checks a parsed XML tree against ParseLimits before anything walks it recursively.
#pragma once

#include "feeds/parse_limits.hpp"

#include <pugixml.hpp>

#include <string>

namespace newsalert::feeds {

// Empty when the tree is within the limits, else what is wrong ("elements nested deeper than 100").
// Iterative, so a hostile nesting depth cannot exhaust the stack here either.
std::string xml_shape_problem(const pugi::xml_document& doc, const ParseLimits& limits);

// Cuts UTF-8 text to at most max_bytes without splitting a character.
void truncate_utf8(std::string& text, std::size_t max_bytes);

}  // namespace newsalert::feeds
