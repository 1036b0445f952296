// JSON Feed reader: nlohmann-json stays inside this file.
#include "feeds/json_feed.hpp"

#include "common/text.hpp"
#include "feeds/date_parser.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/html_text.hpp"
#include "feeds/url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace newsalert::feeds {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  // Ids must be strings by the spec; numbers are common enough to accept as written.
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number()) return it->dump();
  return {};
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (value.empty() || std::find(list.begin(), list.end(), value) != list.end()) return;
  list.push_back(std::move(value));
}

// 1.1 has "authors" (a list); 1.0 had "author" (one object).
std::vector<std::string> authors_of(const json& object) {
  std::vector<std::string> names;
  const auto add = [&](const json& person) {
    if (person.is_object()) add_unique(names, collapse_whitespace(string_at(person, "name")));
  };
  if (const auto it = object.find("authors"); it != object.end() && it->is_array())
    for (const auto& person : *it) add(person);
  if (const auto it = object.find("author"); it != object.end()) add(*it);
  return names;
}

}  // namespace

void read_json_feed(std::string_view text, const std::string& base_url, ParsedFeed& feed,
                    std::vector<DraftEntry>& entries) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    feed.error = "not a feed: invalid JSON";
    return;
  }
  const auto items = doc.is_object() ? doc.find("items") : doc.end();
  if (!doc.is_object() || items == doc.end() || !items->is_array()) {
    feed.error = "not a feed: JSON without an \"items\" list";
    return;
  }
  feed.format = FeedFormat::json;
  feed.title = collapse_whitespace(string_at(doc, "title"));
  feed.link = resolve_url(base_url, string_at(doc, "home_page_url"));
  const std::string& base = is_absolute_url(feed.link) ? feed.link : base_url;
  const auto feed_authors = authors_of(doc);
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    DraftEntry e;
    Article& a = e.article;
    a.feed_url = base_url;
    a.feed_title = feed.title;
    a.id = std::string(trim(string_at(item, "id")));
    a.title = html_to_text(string_at(item, "title"));
    std::string url = string_at(item, "url");
    if (trim(url).empty()) url = string_at(item, "external_url");
    if (!trim(url).empty()) a.link = resolve_url(base, url);
    e.date_text = string_at(item, "date_published");
    a.published = parse_date(e.date_text);
    if (!a.published) e.date_text.clear();
    a.updated = parse_date(string_at(item, "date_modified"));
    a.authors = authors_of(item);
    if (a.authors.empty()) a.authors = feed_authors;
    if (const auto tags = item.find("tags"); tags != item.end() && tags->is_array())
      for (const auto& tag : *tags)
        if (tag.is_string()) add_unique(a.categories, collapse_whitespace(tag.get<std::string>()));
    a.content_html = string_at(item, "content_html");
    a.content = a.content_html.empty() ? collapse_whitespace(string_at(item, "content_text"))
                                       : html_to_text(a.content_html);
    a.summary_html = string_at(item, "summary");
    a.summary = html_to_text(a.summary_html);
    if (a.summary.empty()) {
      a.summary = a.content;
      a.summary_html = a.content_html;
    }
    std::string image = string_at(item, "image");
    if (trim(image).empty()) image = string_at(item, "banner_image");
    if (!trim(image).empty()) a.image = resolve_url(base, image);
    if (a.title.empty() && a.link.empty() && a.summary.empty() && a.id.empty()) continue;
    entries.push_back(std::move(e));
  }
}

}  // namespace newsalert::feeds
