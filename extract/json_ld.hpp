// The article object of a page's JSON-LD (schema.org NewsArticle, Article, BlogPosting...), read with nlohmann-json.
#pragma once

#include <string>
#include <vector>

namespace newsalert::extract {

struct JsonLdArticle {
  std::string headline;
  std::string author;
  std::string date_published;
  std::string article_body;
  std::string publisher;
};

// The first object (top level, in an array or in an @graph) whose @type is an article type or that
// carries articleBody. Scripts that are not JSON, or nest deeper than a page's metadata ever does,
// are passed over (the parser recurses, so depth is checked before it runs).
JsonLdArticle read_json_ld(const std::vector<std::string>& scripts);

}  // namespace newsalert::extract
