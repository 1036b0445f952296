// The Pushover Message API stand-in: the documented parameters, limits, HTML tags and answers.
#include "tests/support/pushover_api.hpp"

#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace newsalert::testing {

namespace {

bool is_key(const std::string& s) {
  return s.size() == 30 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string field(const PushoverMessage& m, const char* key) {
  const auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

// Pushover's documented limits, in characters.
void check_lengths(const PushoverMessage& m, std::vector<std::string>& out) {
  static const std::pair<const char*, std::size_t> limits[] = {{"message", 1024}, {"title", 250}, {"url", 512}, {"url_title", 100}};
  for (const auto& [key, max] : limits)
    if (character_count(field(m, key)) > max)
      out.push_back(std::string(key) + " is too long (at most " + std::to_string(max) + " characters)");
}

// One opening tag's text (between < and >), checked against Pushover's list; its name, or "".
std::string open_tag(const std::string& tag, std::vector<std::string>& out) {
  static const std::regex simple(R"((b|i|u))");
  static const std::regex font(R"re(font color="(#[0-9a-fA-F]{6}|[a-z]+)")re");
  static const std::regex anchor(R"re(a href="(https?://[^"<>]+)")re");
  if (std::regex_match(tag, simple)) return tag;
  if (std::regex_match(tag, font)) return "font";
  if (std::regex_match(tag, anchor)) return "a";
  out.push_back("message contains a tag Pushover does not support: <" + tag + ">");
  return "";
}

}  // namespace

std::vector<std::string> PushoverApi::html_problems(const std::string& html) {
  std::vector<std::string> out;
  std::vector<std::string> open;
  static const std::regex entity(R"(&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);)");
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '&') {
      std::smatch match;
      const std::string rest = html.substr(i, 12);
      if (!std::regex_search(rest, match, entity, std::regex_constants::match_continuous)) out.push_back("message contains a bare '&'");
      continue;
    }
    if (html[i] != '<') continue;
    const std::size_t end = html.find('>', i);
    if (end == std::string::npos) {
      out.push_back("message contains a bare '<'");
      break;
    }
    const std::string tag = html.substr(i + 1, end - i - 1);
    i = end;
    if (!tag.starts_with('/')) {
      if (const std::string name = open_tag(tag, out); !name.empty()) open.push_back(name);
    } else if (open.empty() || open.back() != tag.substr(1)) {
      out.push_back("message closes a tag that is not open: <" + tag + ">");
    } else {
      open.pop_back();
    }
  }
  if (!open.empty()) out.push_back("message leaves <" + open.back() + "> unclosed");
  return out;
}

std::vector<std::string> PushoverApi::problems(const PushoverMessage& m) {
  std::vector<std::string> out;
  if (!is_key(field(m, "token"))) out.push_back("application token is invalid");
  if (!is_key(field(m, "user"))) out.push_back("user identifier is not a valid user, group, or subscribed user key");
  if (field(m, "message").find_first_not_of(" \t\r\n") == std::string::npos) out.push_back("message cannot be blank");
  check_lengths(m, out);
  const std::string html = field(m, "html");
  if (!html.empty() && html != "0" && html != "1") out.push_back("html must be 0 or 1");
  if (html == "1")
    for (auto& p : html_problems(field(m, "message"))) out.push_back(std::move(p));
  static const std::regex priority("-2|-1|0|1|2");
  const std::string p = field(m, "priority");
  if (m.contains("priority") && !std::regex_match(p, priority)) out.push_back("priority is invalid");
  if (p == "2" && (field(m, "retry").empty() || field(m, "expire").empty()))
    out.push_back("retry and expire are required for emergency priority");
  static const std::regex digits("[0-9]{1,12}");
  if (m.contains("timestamp") && !std::regex_match(field(m, "timestamp"), digits)) out.push_back("timestamp is invalid");
  if (m.contains("url_title") && !m.contains("url")) out.push_back("url_title given without a url");
  return out;
}

PushoverApi::PushoverApi(HttpServer& server, std::string token, std::string user)
    : token_(std::move(token)), user_(std::move(user)) {
  server.route("/1/messages.json", [this](const RecordedRequest& request) { return handle(request); });
}

std::vector<PushoverMessage> PushoverApi::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

Response PushoverApi::refuse(int status, const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
  refusals_.push_back(joined);
  const nlohmann::json body = {{"status", 0}, {"errors", errors}, {"request", "req-" + std::to_string(refusals_.size())}};
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

Response PushoverApi::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST") return {405, {}, ""};
  PushoverMessage m;
  if (request.header("content-type").starts_with("application/x-www-form-urlencoded")) {
    for (auto& [key, value] : parse_form(request.body)) m[key] = std::move(value);
  } else if (request.header("content-type").starts_with("application/json")) {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) return refuse(400, {"request body is not valid JSON"});
    for (const auto& [key, value] : body.items()) m[key] = value.is_string() ? value.get<std::string>() : value.dump();
  } else {
    return refuse(400, {"message cannot be blank"});
  }
  if (const auto found = problems(m); !found.empty()) return refuse(400, found);
  if (field(m, "token") != token_) return refuse(400, {"application token is invalid"});
  if (field(m, "user") != user_) return refuse(400, {"user identifier is invalid"});
  if (take_rate_limit()) return refuse(429, {"application has exceeded its message limit"});
  if (take_failure()) return {503, {{"Content-Type", "text/html"}}, "<h1>Service Unavailable</h1>"};
  messages_.push_back(std::move(m));
  const nlohmann::json ok = {{"status", 1}, {"request", "req-ok-" + std::to_string(messages_.size())}};
  return answer_or_drop({200, {{"Content-Type", "application/json"}}, ok.dump()});
}

}  // namespace newsalert::testing
