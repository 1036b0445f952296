// The Gotify message stand-in: the documented body, extras, token placement and error answers.
#include "tests/support/gotify_server.hpp"

#include "common/text.hpp"

#include <cctype>

namespace newsalert::testing {

namespace {

using nlohmann::json;

const char* reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 429: return "Too Many Requests";
    default: return "Error";
  }
}

void check_extras(const json& extras, std::vector<std::string>& out) {
  if (!extras.is_object()) {
    out.push_back("Field 'extras' must be an object");
    return;
  }
  if (const auto display = extras.find("client::display"); display != extras.end()) {
    const auto type = display->is_object() ? display->find("contentType") : display->end();
    if (type == display->end() || !type->is_string() || (*type != "text/plain" && *type != "text/markdown"))
      out.push_back("client::display.contentType must be text/plain or text/markdown");
  }
  if (const auto notification = extras.find("client::notification"); notification != extras.end()) {
    const auto click = notification->is_object() ? notification->find("click") : notification->end();
    if (click == notification->end() || !click->is_object() || !click->contains("url") || !(*click)["url"].is_string())
      out.push_back("client::notification.click.url must be a string");
  }
}

// The end of a link target starting at `i` (after "(" or "<"), or npos.
std::size_t target_end(const std::string& text, std::size_t i, char close) {
  const std::size_t end = text.find(close, i);
  return end == std::string::npos || text.find_first_of(" \n", i) < end ? std::string::npos : end;
}

// A bare link GFM would make at `i` (http://, https://, www.), or "".
std::string bare_link(const std::string& text, std::size_t i) {
  if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) return "";
  const std::string lower = to_lower_ascii(std::string_view(text).substr(i, 8));
  if (!lower.starts_with("http://") && !lower.starts_with("https://") && !lower.starts_with("www.")) return "";
  const std::size_t end = text.find_first_of(" \n<>", i);
  return text.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

}  // namespace

std::vector<std::string> GotifyServer::markdown_links(const std::string& markdown) {
  std::vector<std::string> out;
  bool in_brackets = false;
  for (std::size_t i = 0; i < markdown.size(); ++i) {
    const char c = markdown[i];
    if (c == '\\') {
      ++i;   // an escaped character is literal text
      continue;
    }
    if (c == '[') in_brackets = true;
    if (c == ']' && in_brackets && markdown.compare(i + 1, 1, "(") == 0) {
      in_brackets = false;
      if (const std::size_t end = target_end(markdown, i + 2, ')'); end != std::string::npos) {
        out.push_back(markdown.substr(i + 2, end - i - 2));
        i = end;
      }
      continue;
    }
    if (c == '<') {
      const std::size_t end = target_end(markdown, i + 1, '>');
      const std::string inside = end == std::string::npos ? "" : markdown.substr(i + 1, end - i - 1);
      if (inside.find(':') == std::string::npos && inside.find('@') == std::string::npos) continue;
      out.push_back(inside);
      i = end;
      continue;
    }
    if (const std::string bare = bare_link(markdown, i); !bare.empty()) {
      out.push_back(bare);
      i += bare.size() - 1;
    }
  }
  return out;
}

std::vector<std::string> GotifyServer::problems(const json& body) {
  if (!body.is_object()) return {"the request body is not a JSON object"};
  std::vector<std::string> out;
  const auto message = body.find("message");
  if (message == body.end() || !message->is_string() || message->get<std::string>().empty())
    out.push_back("Field 'message' is required");
  if (body.contains("title") && !body["title"].is_string()) out.push_back("Field 'title' must be a string");
  if (body.contains("priority") && !body["priority"].is_number_integer()) out.push_back("Field 'priority' must be an integer");
  if (body.contains("extras")) check_extras(body["extras"], out);
  return out;
}

GotifyServer::GotifyServer(HttpServer& server, std::string token) : token_(std::move(token)) {
  server.route("/message", [this](const RecordedRequest& request) { return handle(request); });
}

std::vector<GotifyMessage> GotifyServer::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

Response GotifyServer::error(int status, const std::string& description) {
  refusals_.push_back(description);
  const json body = {{"error", reason(status)}, {"errorCode", status}, {"errorDescription", description}};
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

Response GotifyServer::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST") return {405, {}, ""};
  if (request.header("x-gotify-key") != token_)
    return error(401, "you need to provide a valid access token or user credentials to access this api");
  if (!request.header("content-type").starts_with("application/json"))
    return error(400, "the request body is not JSON");
  const auto body = json::parse(request.body, nullptr, false);
  if (const auto found = problems(body); !found.empty()) {
    std::string joined;
    for (const auto& p : found) joined += (joined.empty() ? "" : "; ") + p;
    return error(400, joined);
  }
  if (take_rate_limit()) return error(429, "too many requests");
  if (take_failure()) return {502, {{"Content-Type", "text/plain"}}, "Bad Gateway"};
  const bool markdown = body.value(json::json_pointer("/extras/client::display/contentType"), std::string()) == "text/markdown";
  messages_.push_back({body, markdown ? markdown_links(body["message"].get<std::string>()) : std::vector<std::string>{}});
  json answer = body;
  answer["id"] = messages_.size();
  answer["appid"] = 1;
  answer["date"] = "2026-12-03T10:00:00Z";
  return answer_or_drop({200, {{"Content-Type", "application/json"}}, answer.dump()});
}

}  // namespace newsalert::testing
