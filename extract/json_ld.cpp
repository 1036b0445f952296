// JSON-LD article metadata: tolerant of @graph, arrays of types, authors as strings, objects or lists.
#include "extract/json_ld.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace newsalert::extract {
namespace {

// schema.org metadata nests a few levels (graph, article, author); past this it is not metadata.
constexpr int kMaxDepth = 32;

bool shallow_enough(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

bool article_type(const nlohmann::json& type) {
  if (type.is_array()) {
    for (const auto& t : type)
      if (article_type(t)) return true;
    return false;
  }
  if (!type.is_string()) return false;
  const std::string& t = type.get_ref<const std::string&>();
  return t.find("Article") != std::string::npos || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting" ||
         t == "SocialMediaPosting" || t == "WebPage" || t == "Blog" || t == "Posting";
}

std::string string_of(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : std::string{}; }

// "name" of an object, the string itself, or the names of a list joined with ", ".
std::string name_of(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object()) return j.contains("name") ? name_of(j["name"]) : std::string{};
  if (!j.is_array()) return {};
  std::string names;
  for (const auto& item : j) {
    const std::string name = name_of(item);
    if (!name.empty()) names += (names.empty() ? "" : ", ") + name;
  }
  return names;
}

void collect(const nlohmann::json& j, std::vector<const nlohmann::json*>& objects) {
  if (j.is_array()) {
    for (const auto& item : j) collect(item, objects);
  } else if (j.is_object()) {
    objects.push_back(&j);
    if (j.contains("@graph")) collect(j["@graph"], objects);
  }
}

JsonLdArticle from_object(const nlohmann::json& o) {
  JsonLdArticle a;
  if (o.contains("headline")) a.headline = string_of(o["headline"]);
  if (a.headline.empty() && o.contains("name")) a.headline = string_of(o["name"]);
  if (o.contains("author")) a.author = name_of(o["author"]);
  if (o.contains("datePublished")) a.date_published = string_of(o["datePublished"]);
  if (o.contains("articleBody")) a.article_body = string_of(o["articleBody"]);
  if (o.contains("publisher")) a.publisher = name_of(o["publisher"]);
  return a;
}

}  // namespace

JsonLdArticle read_json_ld(const std::vector<std::string>& scripts) {
  JsonLdArticle fallback;
  bool have_fallback = false;
  for (const auto& script : scripts) {
    if (!shallow_enough(script)) continue;
    const nlohmann::json j = nlohmann::json::parse(script, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    std::vector<const nlohmann::json*> objects;
    collect(j, objects);
    for (const auto* o : objects) {
      const bool typed = o->contains("@type") && article_type((*o)["@type"]);
      if (!typed && !o->contains("articleBody")) continue;
      JsonLdArticle a = from_object(*o);
      // A WebPage wrapping the article is a fallback; the article object itself wins.
      if (!a.article_body.empty() || (typed && (*o)["@type"] != "WebPage")) return a;
      if (!have_fallback) {
        fallback = std::move(a);
        have_fallback = true;
      }
    }
  }
  return fallback;
}

}  // namespace newsalert::extract
