// A single-pass tag balancer: enough of an HTML-style tree builder to rescue feeds that are not XML.
#include "feeds/xml_repair.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace newsalert::feeds {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool is_void_html(std::string_view name) { return name == "br" || name == "img" || name == "hr"; }

// True when s[0] == '&' starts a character or entity reference ("&amp;", "&#39;", "&nbsp;").
bool is_reference(std::string_view s) {
  std::size_t i = 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    if (i < s.size() && (s[i] == 'x' || s[i] == 'X')) ++i;
  }
  const std::size_t start = i;
  while (i < s.size() && i < 40 && is_alnum(s[i])) ++i;
  return i > start && i < s.size() && s[i] == ';';
}

class Balancer {
 public:
  explicit Balancer(std::string_view in) : in_(in) { out_.reserve(in.size() + in.size() / 16); }

  std::string run() {
    while (i_ < in_.size()) {
      const auto lt = in_.find_first_of("<&", i_);
      if (lt == std::string_view::npos) {
        out_.append(in_.substr(i_));
        break;
      }
      out_.append(in_.substr(i_, lt - i_));
      i_ = lt;
      if (in_[i_] == '&') {
        out_.append(is_reference(in_.substr(i_)) ? "&" : "&amp;");
        ++i_;
      } else {
        markup();
      }
    }
    return std::move(out_);
  }

 private:
  // Copies up to and including the terminator, or the rest of the input when it is missing.
  void copy_through(std::string_view terminator) {
    const auto end = in_.find(terminator, i_);
    const auto stop = end == std::string_view::npos ? in_.size() : end + terminator.size();
    out_.append(in_.substr(i_, stop - i_));
    i_ = stop;
  }

  void markup() {
    const auto rest = in_.substr(i_);
    if (rest.starts_with("<!--")) return copy_through("-->");
    if (rest.starts_with("<![CDATA[")) return copy_through("]]>");
    if (rest.starts_with("<?")) return copy_through("?>");
    if (rest.starts_with("<!")) return doctype();
    if (rest.size() > 2 && rest[1] == '/' && is_name_start(rest[2])) return end_tag();
    if (rest.size() > 1 && is_name_start(rest[1])) return start_tag();
    out_.append("&lt;");
    ++i_;
  }

  void doctype() {
    std::size_t j = i_ + 2;
    int depth = 0;
    while (j < in_.size()) {
      if (in_[j] == '[') ++depth;
      else if (in_[j] == ']') --depth;
      else if (in_[j] == '>' && depth <= 0) break;
      ++j;
    }
    const auto stop = std::min(j + 1, in_.size());
    out_.append(in_.substr(i_, stop - i_));
    i_ = stop;
  }

  std::string_view name_at(std::size_t& j) const {
    const std::size_t start = j;
    while (j < in_.size() && is_name_char(in_[j])) ++j;
    return in_.substr(start, j - start);
  }

  void end_tag() {
    std::size_t j = i_ + 2;
    const auto name = name_at(j);
    const auto gt = in_.find('>', j);
    i_ = gt == std::string_view::npos ? in_.size() : gt + 1;
    // Closes nothing that is open: dropped without a scan, so a run of stray end tags under deep
    // markup costs linear time, not open elements times end tags.
    const auto count = open_count_.find(name);
    if (count == open_count_.end() || count->second == 0) return;
    // Every element the scan passes is closed and popped, so scanning is paid for by the pushes.
    const auto match = std::find(open_.rbegin(), open_.rend(), name);
    const auto keep = static_cast<std::size_t>(open_.rend() - match) - 1;
    while (open_.size() > keep) {
      out_.append("</").append(open_.back()).append(">");
      --open_count_[open_.back()];
      open_.pop_back();
    }
  }

  void start_tag() {
    std::size_t j = i_ + 1;
    const auto name = name_at(j);
    out_.push_back('<');
    out_.append(name);
    bool self_closing = false;
    while (j < in_.size()) {
      while (j < in_.size() && is_space(in_[j])) ++j;
      if (j >= in_.size()) break;
      const char c = in_[j];
      if (c == '>') {
        ++j;
        break;
      }
      if (c == '/') {
        ++j;
        if (j < in_.size() && in_[j] == '>') {
          self_closing = true;
          ++j;
          break;
        }
        continue;
      }
      if (c == '<') break;  // the tag was never closed; let the next one start
      if (!is_name_start(c)) {
        ++j;
        continue;
      }
      const auto attr = name_at(j);
      std::size_t k = j;
      while (k < in_.size() && is_space(in_[k])) ++k;
      out_.push_back(' ');
      out_.append(attr).append("=\"");
      if (k < in_.size() && in_[k] == '=') {
        ++k;
        while (k < in_.size() && is_space(in_[k])) ++k;
        if (k < in_.size() && (in_[k] == '"' || in_[k] == '\'')) {
          const char q = in_[k];
          const auto end = in_.find(q, k + 1);
          const auto stop = end == std::string_view::npos ? in_.size() : end;
          append_attribute_value(in_.substr(k + 1, stop - k - 1));
          j = std::min(stop + 1, in_.size());
        } else {
          std::size_t e = k;
          while (e < in_.size() && !is_space(in_[e]) && in_[e] != '>') ++e;
          append_attribute_value(in_.substr(k, e - k));
          j = e;
        }
      } else {
        out_.append(attr);  // <option selected> means selected="selected"
      }
      out_.push_back('"');
    }
    i_ = j;
    if (self_closing || is_void_html(name)) {
      out_.append("/>");
    } else {
      out_.push_back('>');
      open_.push_back(name);
      ++open_count_[name];
    }
  }

  void append_attribute_value(std::string_view value) {
    for (std::size_t k = 0; k < value.size(); ++k) {
      const char c = value[k];
      if (c == '"') out_.append("&quot;");
      else if (c == '<') out_.append("&lt;");
      else if (c == '&' && !is_reference(value.substr(k))) out_.append("&amp;");
      else out_.push_back(c);
    }
  }

  std::string_view in_;
  std::size_t i_ = 0;
  std::string out_;
  std::vector<std::string_view> open_;
  std::unordered_map<std::string_view, std::size_t> open_count_;
};

}  // namespace

std::string balance_tags(std::string_view xml) { return Balancer(xml).run(); }

}  // namespace newsalert::feeds
