// Small helpers the config loader's files share: node lines, quoted values in messages, names.
// Private to config/, like config_loader.hpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace newsalert::config::detail {

inline constexpr std::size_t kMaxShownValue = 80;

inline int line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

inline std::string quote(std::string_view value) {
  std::string shown(value.substr(0, kMaxShownValue));
  if (value.size() > kMaxShownValue) shown += "...";
  return "'" + shown + "'";
}

// What a node is, for "expected X, got Y" messages.
inline std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: return quote(node.Scalar());
    default: return "nothing";
  }
}

// A watchlist's, webhook's or token's name: safe in file names, URLs and metric labels.
inline bool is_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace newsalert::config::detail
