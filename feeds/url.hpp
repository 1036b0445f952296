// RFC 3986 reference resolution, so every link an article carries is absolute.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::feeds {

// True when the text starts with a valid scheme followed by ':' ("https:", "mailto:", ...).
bool is_absolute_url(std::string_view url);

// Resolves ref against base as in RFC 3986 section 5.2 (dot segments, protocol-relative refs, query and
// fragment rules). An absolute ref is returned as is; when base is not an absolute URL (a file path, or
// empty) there is nothing to resolve against and ref is returned. Surrounding whitespace is ignored.
std::string resolve_url(std::string_view base, std::string_view ref);

// A link as feeds write them: like resolve_url, except that a reference starting with a host name
// ("www.example.com/post", "news.example.co.uk/2024/story") is that host over https, not a path under
// the base's host.
std::string resolve_link(std::string_view base, std::string_view ref);

// "scheme://host[:port]" lower-cased, without user info and without the scheme's default port;
// empty when the URL has no authority. Two URLs with the same origin may share credentials.
std::string url_origin(std::string_view url);

}  // namespace newsalert::feeds
