// Makes damaged XML well formed enough for pugixml: the "loose" second pass behind the recovered flag.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::feeds {

// Rewrites the document so that every end tag matches a start tag: an end tag closes every element
// opened after its match, an end tag with no open match is dropped, HTML <br>/<img>/<hr> become
// empty elements, unquoted or valueless attributes get quotes, and a '<' or '&' that starts no markup
// or reference is escaped. Elements still open at the end stay open, so a truncated document still
// reads as truncated. Comments, CDATA sections, processing instructions and DOCTYPE pass unchanged.
std::string balance_tags(std::string_view xml);

}  // namespace newsalert::feeds
