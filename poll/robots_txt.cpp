// robots.txt groups and rules (RFC 9309): parsed once per host, asked once per article fetch.
#include "poll/robots_txt.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>

namespace newsalert::poll {

namespace {

bool is_token_char(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Percent-escapes compare without regard to the case of their hex digits ("%2f" is "%2F").
std::string normalized(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i + 2 < out.size(); ++i)
    if (out[i] == '%') {
      out[i + 1] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 1])));
      out[i + 2] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 2])));
    }
  return out;
}

// Does `pattern` (with `*` and a trailing `$`) match a prefix of `path` (all of it with `$`)?
// Backtracks to the last `*` only, so the work is bounded by pattern length times path length.
bool matches(std::string_view pattern, std::string_view path) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t p = 0, s = 0, star = std::string_view::npos, star_s = 0;
  while (true) {
    if (p == pattern.size()) {
      if (!anchored || s == path.size()) return true;
    } else if (pattern[p] == '*') {
      star = p++;
      star_s = s;
      continue;
    } else if (s < path.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
      continue;
    }
    if (star == std::string_view::npos || star_s >= path.size()) return false;
    p = star + 1;
    s = ++star_s;
  }
}

struct Line {
  std::string_view key;
  std::string_view value;
};

// "Key: value # comment" -> {key, value}; false for lines without a colon.
bool split_line(std::string_view line, Line& out) {
  if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  out = {trim(line.substr(0, colon)), trim(line.substr(colon + 1))};
  return true;
}

}  // namespace

RobotsTxt RobotsTxt::allow_all() { return {}; }

RobotsTxt RobotsTxt::disallow_all() {
  RobotsTxt robots;
  robots.closed_ = true;
  return robots;
}

RobotsTxt RobotsTxt::parse(std::string_view text, std::string_view product) {
  if (text.size() > kRobotsMaxBytes) text = text.substr(0, kRobotsMaxBytes);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  RobotsTxt own, any;
  bool found_own = false;
  // A group is its user-agent lines and the rules after them; a user-agent line after a rule starts
  // the next group.
  bool in_agents = false, for_own = false, for_any = false;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    Line line;
    if (!split_line(raw, line)) continue;
    if (iequals_ascii(line.key, "user-agent")) {
      if (!in_agents) for_own = for_any = false;
      in_agents = true;
      std::string_view token = line.value;
      token = token.substr(0, std::find_if_not(token.begin(), token.end(), is_token_char) - token.begin());
      if (line.value == "*") for_any = true;
      if (!token.empty() && iequals_ascii(token, product)) for_own = found_own = true;
      continue;
    }
    const bool allow = iequals_ascii(line.key, "allow");
    if (!allow && !iequals_ascii(line.key, "disallow")) continue;   // sitemap, crawl-delay, typos: not rules
    in_agents = false;
    if (line.value.empty()) continue;   // "Disallow:" with nothing after it forbids nothing
    if (for_own) own.rules_.push_back({normalized(line.value), allow});
    if (for_any) any.rules_.push_back({normalized(line.value), allow});
  }
  return found_own ? own : any;
}

bool RobotsTxt::allows(std::string_view path_and_query) const {
  if (path_and_query == "/robots.txt") return true;
  if (closed_) return false;
  const std::string path = normalized(path_and_query.empty() ? "/" : path_and_query);
  std::size_t best = 0;
  bool allowed = true;
  for (const Rule& rule : rules_) {
    if (!matches(rule.pattern, path)) continue;
    const std::size_t length = rule.pattern.size();
    if (length > best || (length == best && rule.allow)) {
      best = length;
      allowed = rule.allow;
    }
  }
  return allowed;
}

std::string product_token(std::string_view user_agent) {
  user_agent = trim(user_agent);
  const auto end = std::find_if_not(user_agent.begin(), user_agent.end(), is_token_char);
  return std::string(user_agent.begin(), end);
}

}  // namespace newsalert::poll
