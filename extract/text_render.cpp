// Plain text out of the flat Dom, walked as a range with a stack of open blocks (no recursion).
#include "extract/text_render.hpp"

namespace newsalert::extract {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// U+00A0 no-break space (C2 A0), which entities like &nbsp; turn into, separates words like a space.
bool is_nbsp(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0;
}

}  // namespace

void TextRenderer::render(int root, const std::vector<char>& skip) {
  std::vector<int> blocks;  // ends of the open block elements
  paragraph_break();
  const int end = dom_[root].end;
  for (int i = root; i < end;) {
    while (!blocks.empty() && blocks.back() <= i) {
      blocks.pop_back();
      paragraph_break();
    }
    const DomNode& node = dom_[i];
    if (skip[static_cast<std::size_t>(i)] != 0) {
      i = node.end;
      continue;
    }
    if (node.is_text) {
      text(node.text);
    } else if (node.tag == Tag::br) {
      line_break();
    } else if (is_block(node.tag)) {
      paragraph_break();
      blocks.push_back(node.end);
    }
    ++i;
  }
  paragraph_break();
}

void TextRenderer::text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_space(static_cast<unsigned char>(s[i])) || is_nbsp(s, i)) {
      if (pending_ == Pending::none) pending_ = Pending::space;
      i += is_nbsp(s, i) ? 2 : 1;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && !is_space(static_cast<unsigned char>(s[j])) && !is_nbsp(s, j)) ++j;
    if (!out_.empty()) {
      if (pending_ == Pending::paragraph) out_ += "\n\n";
      else if (pending_ == Pending::line) out_ += '\n';
      else if (pending_ == Pending::space) out_ += ' ';
    }
    pending_ = Pending::none;
    out_.append(s.substr(i, j - i));
    i = j;
  }
}

void TextRenderer::line_break() {
  if (pending_ != Pending::paragraph) pending_ = Pending::line;
}

void TextRenderer::paragraph_break() { pending_ = Pending::paragraph; }

std::string TextRenderer::finish() {
  pending_ = Pending::none;
  return std::move(out_);
}

}  // namespace newsalert::extract
