// Article metadata from the page's head and markup, JSON-LD first.
#include "extract/page_metadata.hpp"

#include "common/text.hpp"
#include "extract/json_ld.hpp"
#include "extract/text_render.hpp"
#include "feeds/date_parser.hpp"
#include "feeds/html_text.hpp"

namespace newsalert::extract {
namespace {

// The values <meta property|name=...> carry, first one wins.
struct MetaTags {
  std::string og_title, og_url, og_site_name, published, author;
};

void read_meta(const Dom& dom, int i, MetaTags& m) {
  std::string key = to_lower_ascii(dom.attribute(i, "property"));
  if (key.empty()) key = to_lower_ascii(dom.attribute(i, "name"));
  if (key.empty()) key = to_lower_ascii(dom.attribute(i, "itemprop"));
  const std::string content(trim(dom.attribute(i, "content")));
  if (key.empty() || content.empty()) return;
  const auto set = [&](std::string& field) {
    if (field.empty()) field = content;
  };
  if (key == "og:title") set(m.og_title);
  else if (key == "og:url") set(m.og_url);
  else if (key == "og:site_name") set(m.og_site_name);
  else if (key == "article:published_time" || key == "datepublished" || key == "dc.date.issued" ||
           key == "dcterms.created" || key == "date" || key == "pubdate" || key == "publish-date")
    set(m.published);
  else if ((key == "author" || key == "article:author" || key == "dc.creator" || key == "parsely-author" ||
            key == "sailthru.author") && content.find("://") == std::string::npos)
    set(m.author);
}

// The text of an element, collapsed, for titles and bylines.
std::string text_of(const Dom& dom, int i) {
  TextRenderer renderer(dom);
  const std::vector<char> skip(static_cast<std::size_t>(dom.size()), 0);
  renderer.render(i, skip);
  return feeds::collapse_whitespace(renderer.finish());
}

bool names_author(std::string_view class_name, std::string_view id, std::string_view itemprop) {
  const std::string s = to_lower_ascii(std::string(class_name) + " " + std::string(id));
  return itemprop == "author" || s.find("byline") != std::string::npos || s.find("author") != std::string::npos;
}

// A byline is a name or two, not a paragraph; "By " in front is the page's, not the author's.
std::string clean_byline(std::string text) {
  std::string_view t = trim(text);
  if (t.size() >= 3 && iequals_ascii(t.substr(0, 3), "by ")) t = trim(t.substr(3));
  return t.size() > 0 && t.size() < 100 ? std::string(t) : std::string{};
}

struct MarkupScan {
  MetaTags meta;
  std::string canonical, title, lang, byline, time;
};

// Elements tried as a byline: a page with hundreds of nested "author" boxes is not read hundreds of times.
constexpr int kBylineTries = 8;

MarkupScan scan_markup(const Dom& dom) {
  MarkupScan scan;
  int byline_tries = 0;
  for (int i = 0; i < dom.size(); ++i) {
    const DomNode& d = dom[i];
    if (d.is_text) continue;
    if (d.tag == Tag::meta) {
      read_meta(dom, i, scan.meta);
    } else if (d.tag == Tag::link) {
      const std::string rel = to_lower_ascii(dom.attribute(i, "rel"));
      if (rel == "canonical" && scan.canonical.empty()) scan.canonical = std::string(trim(dom.attribute(i, "href")));
    } else if (d.tag == Tag::title && scan.title.empty()) {
      scan.title = text_of(dom, i);
    } else if (d.tag == Tag::html && scan.lang.empty()) {
      scan.lang = std::string(trim(dom.attribute(i, "lang")));
    } else if (d.tag == Tag::time && scan.time.empty()) {
      scan.time = std::string(trim(dom.attribute(i, "datetime")));
    } else if (scan.byline.empty() && byline_tries < kBylineTries && (d.tag == Tag::a ? to_lower_ascii(dom.attribute(i, "rel")) == "author"
                                                       : names_author(d.class_name, d.id, dom.attribute(i, "itemprop")))) {
      ++byline_tries;
      scan.byline = clean_byline(text_of(dom, i));
    }
  }
  return scan;
}

std::string first_of(std::initializer_list<const std::string*> values) {
  for (const auto* v : values)
    if (!v->empty()) return *v;
  return {};
}

}  // namespace

std::string trim_site_name(std::string title, std::string_view site_name) {
  if (site_name.empty() || title.size() <= site_name.size()) return title;
  for (std::string_view separator : {" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00bb ", " / "}) {
    const std::string suffix = std::string(separator) + std::string(site_name);
    if (title.size() > suffix.size() && title.ends_with(suffix)) return title.substr(0, title.size() - suffix.size());
    const std::string prefix = std::string(site_name) + std::string(separator);
    if (title.size() > prefix.size() && title.starts_with(prefix)) return title.substr(prefix.size());
  }
  return title;
}

PageMetadata read_metadata(const Dom& dom, const std::vector<std::string>& json_ld) {
  const JsonLdArticle ld = read_json_ld(json_ld);
  const MarkupScan scan = scan_markup(dom);
  PageMetadata m;
  m.canonical = first_of({&scan.canonical, &scan.meta.og_url});
  m.site_name = first_of({&scan.meta.og_site_name, &ld.publisher});
  m.title = trim_site_name(std::string(trim(first_of({&scan.meta.og_title, &ld.headline, &scan.title}))), m.site_name);
  m.byline = first_of({&ld.author, &scan.meta.author, &scan.byline});
  for (const std::string* date : {&scan.meta.published, &ld.date_published, &scan.time}) {
    if (date->empty()) continue;
    m.published = feeds::parse_date(*date);
    if (m.published) break;
  }
  m.lang = scan.lang;
  m.json_ld_body = ld.article_body;
  return m;
}

}  // namespace newsalert::extract
