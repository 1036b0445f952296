// A small Link header reader: <uri-reference> followed by ;-separated parameters, links separated
// by commas (which may also appear inside the <...> and inside quoted parameter values).
#include "poll/link_header.hpp"

#include "common/text.hpp"
#include "feeds/url.hpp"

#include <algorithm>

namespace newsalert::poll {

namespace {

// The rel parameter's relation types (space-separated, case-insensitive).
std::vector<std::string> relations(std::string_view params) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < params.size()) {
    const auto semicolon = params.find(';', i);
    if (semicolon == std::string_view::npos) break;
    i = semicolon + 1;
    const auto eq = params.find('=', i);
    const auto next_semicolon = params.find(';', i);
    if (eq == std::string_view::npos || (next_semicolon != std::string_view::npos && next_semicolon < eq)) continue;
    const std::string name = to_lower_ascii(trim(params.substr(i, eq - i)));
    std::size_t v = eq + 1;
    while (v < params.size() && params[v] == ' ') ++v;
    std::string value;
    if (v < params.size() && params[v] == '"') {
      const auto close = params.find('"', v + 1);
      value = std::string(params.substr(v + 1, close == std::string_view::npos ? std::string_view::npos : close - v - 1));
      i = close == std::string_view::npos ? params.size() : close + 1;
    } else {
      const auto end = params.find(';', v);
      value = std::string(trim(params.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v)));
      i = end == std::string_view::npos ? params.size() : end;
    }
    if (name != "rel") continue;
    std::size_t start = 0;
    const std::string lower = to_lower_ascii(value);
    while (start < lower.size()) {
      const auto space = lower.find(' ', start);
      const std::string token = lower.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!token.empty()) out.push_back(token);
      if (space == std::string::npos) break;
      start = space + 1;
    }
  }
  return out;
}

}  // namespace

WebSubLinks parse_link_header(std::string_view value, const std::string& base_url) {
  WebSubLinks links;
  std::size_t i = 0;
  while (i < value.size()) {
    const auto open = value.find('<', i);
    if (open == std::string_view::npos) break;
    const auto close = value.find('>', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view target = trim(value.substr(open + 1, close - open - 1));
    // Parameters run to the next link: a comma outside quotes.
    std::size_t end = close + 1;
    bool quoted = false;
    for (; end < value.size(); ++end) {
      if (value[end] == '"') quoted = !quoted;
      else if (value[end] == ',' && !quoted) break;
    }
    const std::string_view params = value.substr(close + 1, end - close - 1);
    i = end;
    if (target.empty()) continue;
    const std::string url = feeds::resolve_url(base_url, target);
    if (!feeds::is_absolute_url(url)) continue;
    for (const auto& rel : relations(params)) {
      if (rel == "hub" && std::find(links.hubs.begin(), links.hubs.end(), url) == links.hubs.end())
        links.hubs.push_back(url);
      else if (rel == "self" && links.self.empty())
        links.self = url;
    }
  }
  return links;
}

}  // namespace newsalert::poll
