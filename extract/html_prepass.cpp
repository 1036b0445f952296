// The raw-HTML pass run before parsing: one forward scan, bulk copies between tags.
#include "extract/html_prepass.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace newsalert::extract {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool name_in(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals_ascii(name, n); });
}

// Elements that never have content, and those whose end tag the parser supplies itself when the next
// sibling opens: neither deepens the stack of open elements for long, so neither counts to the limit.
bool uncounted(std::string_view name) {
  return name_in(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                        "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody",
                        "thead", "tfoot", "colgroup", "rp", "rt", "html", "head", "body", "image", "keygen", "basefont",
                        "bgsound", "frame"});
}

// Elements dropped with their content: their text is never article text, or is not HTML at all.
bool dropped_with_content(std::string_view name) {
  return name_in(name,
                 {"script", "style", "noscript", "template", "textarea", "iframe", "noembed", "noframes", "xmp"});
}

// Position of the first "</name" at or after from (case-insensitive), or npos.
std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name) {
  while (from < html.size()) {
    const void* hit = std::memchr(html.data() + from, '<', html.size() - from);
    if (hit == nullptr) return std::string_view::npos;
    const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - html.data());
    if (at + 2 + name.size() <= html.size() && html[at + 1] == '/' && iequals_ascii(html.substr(at + 2, name.size()), name))
      return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

// One tag as scanned: its name, its attributes' extents, and where it ends.
struct Tag {
  std::string_view name;
  bool closing = false;
  std::size_t end = 0;  // one past '>' (or the input's end)
  std::size_t attributes_begin = 0;
  std::size_t attributes_kept_end = 0;  // past the last attribute kept
  bool truncated = false;
  bool json_ld = false;
};

std::size_t skip_spaces(std::string_view html, std::size_t i) {
  while (i < html.size() && is_space(html[i])) ++i;
  return i;
}

// Scans attributes from i to the tag's '>' as the HTML tokenizer would (quoted values may hold '>').
void scan_attributes(std::string_view html, std::size_t i, Tag& tag) {
  int count = 0;
  tag.attributes_begin = tag.attributes_kept_end = i;
  while (true) {
    i = skip_spaces(html, i);
    if (i >= html.size()) break;
    if (html[i] == '>') {
      ++i;
      break;
    }
    if (html[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t name_begin = i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '=' && html[i] != '/') ++i;
    if (i == name_begin) ++i;  // a stray '=' starts a name of its own
    const std::string_view attribute = html.substr(name_begin, i - name_begin);
    std::string_view value;
    std::size_t j = skip_spaces(html, i);
    if (j < html.size() && html[j] == '=') {
      j = skip_spaces(html, j + 1);
      if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
        const std::size_t close = html.find(html[j], j + 1);
        const std::size_t stop = close == std::string_view::npos ? html.size() : close;
        value = html.substr(j + 1, stop - j - 1);
        j = std::min(html.size(), stop + 1);
      } else {
        const std::size_t value_begin = j;
        while (j < html.size() && !is_space(html[j]) && html[j] != '>') ++j;
        value = html.substr(value_begin, j - value_begin);
      }
      i = j;
    }
    if (iequals_ascii(attribute, "type") && value.find("ld+json") != std::string_view::npos) tag.json_ld = true;
    if (++count <= kMaxAttributes) tag.attributes_kept_end = i;
    else tag.truncated = true;
  }
  tag.end = i;
}

Tag scan_tag(std::string_view html, std::size_t lt) {
  Tag tag;
  std::size_t i = lt + 1;
  if (html[i] == '/') {
    tag.closing = true;
    ++i;
  }
  const std::size_t name_begin = i;
  while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '/') ++i;
  tag.name = html.substr(name_begin, i - name_begin);
  scan_attributes(html, i, tag);
  return tag;
}

class Prepass {
 public:
  explicit Prepass(std::string_view html) : html_(html) { out_.html.reserve(html.size()); }

  PrepassedHtml run() {
    std::size_t i = 0;
    while (i < html_.size()) {
      const void* hit = std::memchr(html_.data() + i, '<', html_.size() - i);
      const std::size_t lt = hit == nullptr ? html_.size() : static_cast<std::size_t>(static_cast<const char*>(hit) - html_.data());
      out_.html.append(html_.substr(i, lt - i));
      if (lt >= html_.size()) break;
      i = markup(lt);
    }
    return std::move(out_);
  }

 private:
  // Handles the markup starting at lt; returns where copying resumes.
  std::size_t markup(std::size_t lt) {
    const char next = lt + 1 < html_.size() ? html_[lt + 1] : '\0';
    if (html_.substr(lt, 4) == "<!--") {
      const std::size_t close = html_.find("-->", lt + 4);
      return close == std::string_view::npos ? html_.size() : close + 3;
    }
    if (next == '!' || next == '?') {
      const std::size_t close = html_.find('>', lt);
      const std::size_t end = close == std::string_view::npos ? html_.size() : close + 1;
      if (next == '!') out_.html.append(html_.substr(lt, end - lt));  // the doctype sets quirks mode
      return end;
    }
    if (!is_alpha(next) && !(next == '/' && lt + 2 < html_.size() && is_alpha(html_[lt + 2]))) {
      out_.html.push_back('<');
      return lt + 1;
    }
    const Tag tag = scan_tag(html_, lt);
    if (tag.closing) return end_tag(tag, lt);
    return start_tag(tag, lt);
  }

  std::size_t start_tag(const Tag& tag, std::size_t lt) {
    if (iequals_ascii(tag.name, "plaintext")) return html_.size();
    if (dropped_with_content(tag.name)) {
      const std::size_t close = find_end_tag(html_, tag.end, to_lower(tag.name));
      if (tag.json_ld && iequals_ascii(tag.name, "script"))
        out_.json_ld.emplace_back(html_.substr(tag.end, (close == std::string_view::npos ? html_.size() : close) - tag.end));
      if (close == std::string_view::npos) return html_.size();
      const std::size_t gt = html_.find('>', close);
      return gt == std::string_view::npos ? html_.size() : gt + 1;
    }
    // "<div/>" opens a div in HTML, so a self-closing slash does not exempt a tag.
    if (kept_ >= kMaxElements) return tag.end;
    ++kept_;
    const bool counted = !uncounted(tag.name);
    if (counted && open_ >= kMaxOpenElements) {
      ++dropped_;
      return tag.end;
    }
    if (counted) ++open_;
    if (!tag.truncated) {
      out_.html.append(html_.substr(lt, tag.end - lt));
    } else {
      out_.html.append(html_.substr(lt, tag.attributes_kept_end - lt));
      out_.html.push_back('>');
    }
    return tag.end;
  }

  std::size_t end_tag(const Tag& tag, std::size_t lt) {
    if (kept_ >= kMaxElements) return tag.end;   // the tree stays as it was when the limit came
    if (!uncounted(tag.name)) {
      if (dropped_ > 0) {
        --dropped_;
        return tag.end;
      }
      if (open_ > 0) --open_;
    }
    out_.html.append(html_.substr(lt, tag.end - lt));
    return tag.end;
  }

  static std::string to_lower(std::string_view name) {
    std::string s(name);
    for (char& c : s) c = lower(c);
    return s;
  }

  std::string_view html_;
  PrepassedHtml out_;
  int open_ = 0;
  int dropped_ = 0;
  int kept_ = 0;   // start tags copied
};

}  // namespace

PrepassedHtml prepass_html(std::string_view html) { return Prepass(html).run(); }

}  // namespace newsalert::extract
