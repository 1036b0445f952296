// Depth and attribute checks over a pugixml tree, without recursion.
#include "feeds/xml_shape.hpp"

namespace newsalert::feeds {

std::string xml_shape_problem(const pugi::xml_document& doc, const ParseLimits& limits) {
  std::size_t depth = 1;   // of `node`; the root element is level 1
  pugi::xml_node node = doc.first_child();
  while (node) {
    if (node.type() == pugi::node_element) {
      if (depth > limits.max_depth)
        return "elements nested deeper than " + std::to_string(limits.max_depth) + " levels";
      std::size_t attributes = 0;
      for (auto a = node.first_attribute(); a; a = a.next_attribute())
        if (++attributes > limits.max_attributes)
          return "an element <" + std::string(node.name()).substr(0, 64) + "> has more than " +
                 std::to_string(limits.max_attributes) + " attributes";
    }
    if (node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (!node.next_sibling()) {
      node = node.parent();
      if (!node || node == doc) return {};
      --depth;
    }
    node = node.next_sibling();
  }
  return {};
}

void truncate_utf8(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
}

}  // namespace newsalert::feeds
