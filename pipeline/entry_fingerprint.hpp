// What an entry says, reduced to a fingerprint: equal for the same text however a feed rewrites
// its dates, links, whitespace or markup, so only a material change of an entry seen before counts.
#pragma once

#include "common/article.hpp"

#include <string>

namespace newsalert::pipeline {

// The entry's title, summary and content, lower-cased (ASCII), with tags left in the text dropped
// and every run of white space one space; dates and digits in the text stay, the entry's date
// fields, link and id are not part of it.
std::string normalized_text(const Article& article);

// 32 hex digits of SHA-256 of normalized_text.
std::string entry_fingerprint(const Article& article);

}  // namespace newsalert::pipeline
