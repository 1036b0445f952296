// Renders subtrees of the flat Dom to plain text: block elements become paragraph breaks, whitespace collapses.
#pragma once

#include "extract/dom.hpp"

#include <string>
#include <vector>

namespace newsalert::extract {

class TextRenderer {
 public:
  explicit TextRenderer(const Dom& dom) : dom_(dom) {}
  // Appends the subtree of root, skipping every node whose skip flag is set (and its subtree).
  void render(int root, const std::vector<char>& skip);
  // Paragraphs joined by "\n\n", lines within one by "\n", no leading or trailing space.
  std::string finish();

 private:
  void text(std::string_view s);
  void line_break();
  void paragraph_break();

  const Dom& dom_;
  std::string out_;
  enum class Pending { none, space, line, paragraph } pending_ = Pending::none;
};

}  // namespace newsalert::extract
