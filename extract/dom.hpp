// The parsed page as extraction reads it: a flat, pre-order array of elements and text, owned with the parser's output.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace newsalert::extract {

// The elements extraction treats differently; every other element is `other`.
enum class Tag : std::uint8_t {
  other, a, address, article, aside, blockquote, body, br, button, dd, div, dl, dt, embed, fieldset, figcaption, figure,
  footer, form, h1, h2, h3, h4, h5, h6, head, header, hr, html, iframe, img, input, li, link, main, menu, meta, nav,
  object, ol, p, pre, section, select, svg, table, td, th, time, title, tr, ul, math, canvas, dialog, video, audio,
  picture, span, font, b, i, em, strong, center, details, summary, label, option, caption, tbody, thead, tfoot
};

struct DomNode {
  bool is_text = false;
  Tag tag = Tag::other;
  int parent = -1;             // index of the parent element; -1 for the root
  int end = 0;                 // one past the last node of this node's subtree (pre-order)
  std::string_view text;       // a text node's characters (entities decoded)
  std::string_view class_name; // class attribute
  std::string_view id;         // id attribute
};

// A parsed HTML document. Node 0 is the <html> element; a node's descendants are the indices after it
// up to its `end`, so subtrees are ranges and every walk over them is a loop, never a recursion.
class Dom {
 public:
  // Parses UTF-8 HTML with the HTML5 algorithm (libgumbo). Never fails: any input gives a tree.
  explicit Dom(std::string_view html);
  ~Dom();
  Dom(const Dom&) = delete;
  Dom& operator=(const Dom&) = delete;

  const std::vector<DomNode>& nodes() const { return nodes_; }
  const DomNode& operator[](int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  // The value of an element's attribute (lower-case name), empty when absent.
  std::string_view attribute(int node, const char* name) const;
  bool has_attribute(int node, const char* name) const;

 private:
  struct Parsed;
  std::unique_ptr<Parsed> parsed_;
  std::vector<DomNode> nodes_;
  std::vector<const void*> handles_;  // the parser's node behind each DomNode, for attribute look-ups
};

bool is_heading(Tag tag);
// Elements that start a new paragraph of text (a line of their own when rendered).
bool is_block(Tag tag);

}  // namespace newsalert::extract
