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

// Builds the document as nlohmann's own DOM parser would, except that nesting deeper than max_depth
// stops the parse, and elements of the top-level "items" list are kept only while they can become
// entries: objects, up to max_items of them. The rest are counted (objects) and skipped, never built.
class FeedBuilder final : public nlohmann::json_sax<json> {
 public:
  FeedBuilder(std::size_t max_depth, std::size_t max_items) : max_depth_(max_depth), max_items_(max_items) {}

  bool null() override { return value(nullptr); }
  bool boolean(bool v) override { return value(v); }
  bool number_integer(number_integer_t v) override { return value(v); }
  bool number_unsigned(number_unsigned_t v) override { return value(v); }
  bool number_float(number_float_t v, const string_t&) override { return value(v); }
  bool string(string_t& v) override { return value(v); }
  bool binary(binary_t& v) override { return value(json::binary(v)); }   // not in JSON text
  bool key(string_t& k) override {
    if (skipping_ == 0) key_ = k;
    return true;
  }
  bool start_object(std::size_t) override { return open(json::value_t::object); }
  bool start_array(std::size_t) override { return open(json::value_t::array); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  json& root() { return root_; }
  bool too_deep() const { return too_deep_; }
  std::size_t dropped() const { return dropped_; }

 private:
  bool in_items() const { return items_ != nullptr && !open_.empty() && open_.back() == items_; }

  // Where a new value goes: the root, the end of the open array, or the open object's last key.
  json* place(json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    return &(parent[key_] = std::move(v));
  }

  bool value(json v) {
    if (skipping_ == 0 && !in_items()) place(std::move(v));   // a bare value in "items" is never an entry
    return true;
  }

  bool open(json::value_t type) {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;   // stops the parse
    }
    if (skipping_ > 0 || (in_items() && (type != json::value_t::object || over_limit()))) {
      ++skipping_;
      return true;
    }
    const bool items = open_.size() == 1 && open_.back()->is_object() && key_ == "items";
    json* added = place(json(type));
    open_.push_back(added);
    if (items && type == json::value_t::array) {
      items_ = added;   // a repeated "items" key replaces the list, as it does in the document
      dropped_ = 0;
    }
    return true;
  }

  bool over_limit() {
    if (items_->size() < max_items_) return false;
    ++dropped_;
    return true;
  }

  bool close() {
    --depth_;
    if (skipping_ > 0) --skipping_;
    else open_.pop_back();
    return true;
  }

  const std::size_t max_depth_;
  const std::size_t max_items_;
  json root_;
  std::vector<json*> open_;   // the arrays and objects being filled, outermost first
  string_t key_;
  json* items_ = nullptr;
  std::size_t depth_ = 0;
  std::size_t skipping_ = 0;   // how deep inside a skipped value the parser is
  std::size_t dropped_ = 0;
  bool too_deep_ = false;
};

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

// One item as a draft entry; false when it has nothing to alert on.
bool read_item(const json& item, const std::string& base, const std::vector<std::string>& feed_authors,
               DraftEntry& e) {
  Article& a = e.article;
  a.id = std::string(trim(string_at(item, "id")));
  a.title = html_to_text(string_at(item, "title"));
  std::string url = string_at(item, "url");
  if (trim(url).empty()) url = string_at(item, "external_url");
  if (!trim(url).empty()) a.link = resolve_link(base, url);
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
  if (!trim(image).empty()) a.image = resolve_link(base, image);
  return !(a.title.empty() && a.link.empty() && a.summary.empty() && a.id.empty());
}

}  // namespace

void read_json_feed(std::string_view text, const std::string& base_url, const ParseLimits& limits,
                    ParsedFeed& feed, DraftEntries& entries) {
  FeedBuilder builder(limits.max_json_depth, limits.max_entries);
  const bool parsed = json::sax_parse(text.begin(), text.end(), &builder);
  if (builder.too_deep()) {
    feed.error = "refused: JSON nested deeper than " + std::to_string(limits.max_json_depth) + " levels";
    return;
  }
  if (!parsed) {
    feed.error = "not a feed: invalid JSON";
    return;
  }
  const json& doc = builder.root();
  const auto items = doc.is_object() ? doc.find("items") : doc.end();
  if (!doc.is_object() || items == doc.end() || !items->is_array()) {
    feed.error = "not a feed: JSON without an \"items\" list";
    return;
  }
  feed.format = FeedFormat::json;
  feed.title = collapse_whitespace(string_at(doc, "title"));
  feed.link = resolve_url(base_url, string_at(doc, "home_page_url"));
  feed.language = collapse_whitespace(string_at(doc, "language"));
  const std::string& base = is_absolute_url(feed.link) ? feed.link : base_url;
  const auto feed_authors = authors_of(doc);
  for (const auto& item : *items) {
    DraftEntry e;
    e.article.feed_url = base_url;
    e.article.feed_title = feed.title;
    if (read_item(item, base, feed_authors, e)) entries.kept.push_back(std::move(e));
  }
  entries.dropped = builder.dropped();
}

}  // namespace newsalert::feeds
