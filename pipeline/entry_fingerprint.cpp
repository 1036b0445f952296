// Normalized entry text and its fingerprint, for telling an updated entry from churn.
#include "pipeline/entry_fingerprint.hpp"

#include "common/crypto.hpp"

#include <cctype>
#include <string_view>

namespace newsalert::pipeline {
namespace {

bool starts_tag(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size() || text[at] != '<') return false;
  const auto next = static_cast<unsigned char>(text[at + 1]);
  return std::isalpha(next) || next == '/' || next == '!';
}

// Appends `text` folded: tags out, ASCII lower case, white space collapsed to one space.
void append_folded(std::string& out, std::string_view text) {
  bool space = !out.empty();   // fields are separated by one space
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (starts_tag(text, i)) {
      const auto end = text.find('>', i);
      if (end != std::string_view::npos) {
        i = end;
        space = true;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
}

}  // namespace

std::string normalized_text(const Article& article) {
  std::string out;
  out.reserve(article.title.size() + article.summary.size() + article.content.size() + 2);
  append_folded(out, article.title);
  append_folded(out, article.summary);
  // Many feeds repeat the summary as the content; once is what the entry says.
  if (article.content != article.summary) append_folded(out, article.content);
  return out;
}

std::string entry_fingerprint(const Article& article) { return sha256_hex(normalized_text(article)).substr(0, 32); }

}  // namespace newsalert::pipeline
