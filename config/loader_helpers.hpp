// Small helpers the config loader's files share: node lines, quoted values in messages, names, URLs.
// Private to config/, like config_loader.hpp.
#pragma once

#include "common/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
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

// The length of the URL's scheme and "://" when it is one of `schemes` (any case), else 0.
inline std::size_t scheme_length(std::string_view url, std::initializer_list<std::string_view> schemes) {
  const std::string lower = to_lower_ascii(url.substr(0, 8));
  for (const auto scheme : schemes)
    if (lower.starts_with(scheme) && lower.substr(scheme.size()).starts_with("://")) return scheme.size() + 3;
  return 0;
}

// The authority of a URL whose scheme is `rest` characters long: user info, host and port.
inline std::string_view authority_of(std::string_view url, std::size_t rest) {
  const std::string_view authority = url.substr(rest);
  return authority.substr(0, authority.find_first_of("/?#"));
}

// Empty string when the URL after its scheme names a host, else why it does not. `port` is set to
// what follows the host's ':' ("" without one).
inline std::string host_problem(std::string_view url, std::size_t rest, std::string_view* port = nullptr) {
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
    return "contains whitespace";
  std::string_view host = authority_of(url, rest);
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  std::string_view after_host;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    after_host = host.substr(close + 1);
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    after_host = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host.empty()) return "missing host";
  if (port != nullptr) *port = after_host.starts_with(':') ? after_host.substr(1) : after_host;
  return {};
}

// Empty string when the URL is usable, else why it is not.
inline std::string url_problem(std::string_view url) {
  const std::size_t rest = scheme_length(url, {"http", "https"});
  if (rest == 0) return "expected http:// or https://";
  return host_problem(url, rest);
}

// Webhook URLs often carry tokens (Slack, Discord): show only scheme and host in messages.
inline std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url.size() > 8 ? std::string(url.substr(0, 8)) + "..." : std::string(url);
  std::string_view authority = url.substr(scheme_end + 3);
  const auto end = authority.find_first_of("/?#");
  const bool more = end != std::string_view::npos && end + 1 < authority.size();
  authority = authority.substr(0, end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return std::string(url.substr(0, scheme_end + 3)) + std::string(authority) + (more ? "/..." : "");
}

inline std::string index_field(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

}  // namespace newsalert::config::detail
