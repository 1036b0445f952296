// Class and id hints as Readability reads them, with a few furniture names it does not know (cookie, consent, newsletter).
#include "extract/class_hints.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace newsalert::extract {
namespace {

// Lower-cased into a buffer on the stack when short, so hinting allocates nothing for most elements.
class Lowered {
 public:
  explicit Lowered(std::string_view s) {
    if (s.size() > kInline) s = s.substr(0, kInline);  // a hint is a word, not an essay
    std::transform(s.begin(), s.end(), buffer_.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    view_ = std::string_view(buffer_.data(), s.size());
  }
  std::string_view view() const { return view_; }

 private:
  static constexpr std::size_t kInline = 256;
  std::array<char, kInline> buffer_{};
  std::string_view view_;
};

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
  if (text.empty()) return false;
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return text.find(w) != std::string_view::npos; });
}

// Readability's "hid" as a whole word (not "hidden", which is matched on its own, nor "chide").
bool has_hid_word(std::string_view text) {
  for (std::size_t at = text.find("hid"); at != std::string_view::npos; at = text.find("hid", at + 1)) {
    const bool start = at == 0 || text[at - 1] == ' ';
    const bool stop = at + 3 == text.size() || text[at + 3] == ' ';
    if (start && stop) return true;
  }
  return false;
}

bool positive(std::string_view s) {
  return contains_any(s, {"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post",
                          "text", "blog", "story"});
}

bool negative(std::string_view s) {
  return contains_any(s, {"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr",
                          "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox",
                          "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget", "cookie", "consent",
                          "newsletter", "subscribe", "social", "nav", "menu", "ad-"}) ||
         has_hid_word(s);
}

int weight_of(std::string_view attribute) {
  if (attribute.empty()) return 0;
  const Lowered lowered(attribute);
  int weight = 0;
  if (negative(lowered.view())) weight -= 25;
  if (positive(lowered.view())) weight += 25;
  return weight;
}

}  // namespace

int class_weight(std::string_view class_name, std::string_view id) { return weight_of(class_name) + weight_of(id); }

bool unlikely_candidate(std::string_view class_name, std::string_view id, std::string_view role) {
  if (!role.empty()) {
    const Lowered r(role);
    for (std::string_view furniture : {"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
      if (r.view() == furniture) return true;
  }
  if (class_name.empty() && id.empty()) return false;
  const std::string both = std::string(class_name) + " " + std::string(id);
  const Lowered s(both);
  const bool unlikely = contains_any(
      s.view(), {"-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus",
                 "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss",
                 "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate",
                 "pagination", "pager", "popup", "yom-remote", "cookie", "consent", "newsletter"});
  return unlikely && !contains_any(s.view(), {"and", "article", "body", "column", "content", "main", "mathjax", "shadow"});
}

bool share_box(std::string_view class_name, std::string_view id) {
  const std::string both = std::string(class_name) + " " + std::string(id);
  const Lowered s(both);
  return contains_any(s.view(), {"share", "sharedaddy", "social"});
}

}  // namespace newsalert::extract
