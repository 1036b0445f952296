// The web console's files as the admin listener serves them: found by request path, with a type.
#pragma once

#include <cstddef>
#include <string_view>

namespace newsalert::console {

struct Asset {
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;   // a quoted strong validator: the file's SHA-256
};

// The asset for a GET of `path`: "/" is the console's page, "/console/NAME" its other files.
// Nullptr for any other path.
const Asset* find_asset(std::string_view path);

// The headers every console answer carries: the page loads only its own files and talks only to
// this listener, and no other site may frame it.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace detail {
struct EmbeddedFile {
  std::string_view name;
  std::string_view body;
  std::string_view sha256;
};
extern const EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace detail

}  // namespace newsalert::console
