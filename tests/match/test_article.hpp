// A test article from a title and a body, for the matcher's tests.
#pragma once

#include "common/article.hpp"

#include <string>

namespace newsalert::match::testing {

inline Article article(std::string title, std::string content = {}) {
  Article a;
  a.id = "t";
  a.title = std::move(title);
  a.content = std::move(content);
  return a;
}

}  // namespace newsalert::match::testing
