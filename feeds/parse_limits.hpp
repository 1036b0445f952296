// Bounds on what one feed document can make the parser build (docs/security.md).
#pragma once

#include <cstddef>

namespace newsalert::feeds {

struct ParseLimits {
  std::size_t max_entries = 1000;           // entries kept per document, in document order; the rest are not built
  std::size_t max_field_bytes = 256 << 10;  // text per field; longer text is cut at a character boundary
  std::size_t max_depth = 100;              // element nesting; a deeper document is refused
  std::size_t max_attributes = 64;          // attributes on one element; more and the document is refused
  std::size_t max_json_depth = 100;         // array and object nesting in a JSON Feed; a deeper one is refused
};

}  // namespace newsalert::feeds
