// The Matrix send endpoint stand-in: the path, the access token, the m.room.message content and its
// HTML, transactions and the spec's error answers.
#include "tests/support/matrix_homeserver.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <set>

namespace newsalert::testing {

namespace {

constexpr std::string_view kPrefix = "/_matrix/client/v3/rooms/";
// An event may not exceed 65,536 bytes (spec: "Size limits"); the content alone must stay below.
constexpr std::size_t kMaxContentBytes = 65'536;

// The tags the spec lists for org.matrix.custom.html ("m.room.message msgtypes", m.text).
const std::set<std::string, std::less<>>& allowed_tags() {
  static const std::set<std::string, std::less<>> tags = {
      "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li", "b",
      "i", "u", "strong", "em", "s", "code", "hr", "br", "div", "table", "thead", "tbody", "tr", "th", "td", "caption",
      "pre", "span", "img", "details", "summary", "mx-reply"};
  return tags;
}

bool is_void(std::string_view tag) { return tag == "br" || tag == "hr" || tag == "img"; }

// The path's segments after the prefix, percent-decoded: room id, "send", event type, txn id.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  path.remove_prefix(kPrefix.size());
  for (std::size_t start = 0;;) {
    const auto end = path.find('/', start);
    out.push_back(form_decode(path.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

bool check_entity(const std::string& html, std::size_t at, std::string& error) {
  const auto end = html.find(';', at);
  const std::string name = end == std::string::npos ? "" : html.substr(at + 1, end - at - 1);
  static const std::set<std::string> named = {"amp", "lt", "gt", "quot", "apos", "#39", "nbsp"};
  const bool numeric = name.size() > 1 && name[0] == '#' && std::all_of(name.begin() + 1, name.end(), ::isdigit);
  if (named.contains(name) || numeric) return true;
  error = "a bare '&' at byte " + std::to_string(at) + " (text must be HTML-escaped)";
  return false;
}

// One tag `<...>` at `at`: allowed, and an anchor's href in a scheme the spec permits.
bool check_tag(const std::string& tag, std::vector<std::string>& open, std::string& error) {
  const bool closing = tag.starts_with('/');
  const std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" /", 1) - (closing ? 1 : 0));
  if (!allowed_tags().contains(name)) {
    error = "tag <" + name + "> is not one the spec allows";
    return false;
  }
  if (closing) {
    if (open.empty() || open.back() != name) {
      error = "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
      return false;
    }
    open.pop_back();
    return true;
  }
  if (name == "a") {
    const auto href = tag.find("href=\"");
    const std::string target = href == std::string::npos ? "" : tag.substr(href + 6, tag.find('"', href + 6) - href - 6);
    static const std::vector<std::string> schemes = {"https:", "http:", "ftp:", "mailto:", "magnet:"};
    if (std::none_of(schemes.begin(), schemes.end(), [&](const auto& s) { return target.starts_with(s); })) {
      error = "<a> without an href in a permitted scheme: " + tag;
      return false;
    }
  }
  if (!is_void(name)) open.push_back(name);
  return true;
}

}  // namespace

bool MatrixHomeserver::check_html(const std::string& html, std::string& error) {
  std::vector<std::string> open;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '&' && !check_entity(html, i, error)) return false;
    if (html[i] != '<') continue;
    const auto end = html.find('>', i);
    if (end == std::string::npos) {
      error = "a '<' at byte " + std::to_string(i) + " that opens no tag";
      return false;
    }
    if (!check_tag(html.substr(i + 1, end - i - 1), open, error)) return false;
    i = end;
  }
  if (!open.empty()) {
    error = "<" + open.back() + "> is never closed";
    return false;
  }
  return true;
}

MatrixHomeserver::MatrixHomeserver(HttpServer& server, std::string token, std::vector<std::string> rooms)
    : token_(std::move(token)), rooms_(std::move(rooms)) {
  server.route_prefix(std::string(kPrefix), [this](const RecordedRequest& request) { return handle(request); });
}

void MatrixHomeserver::rate_limit(int count, long retry_after_ms) {
  ScriptedApi::rate_limit(count);
  std::lock_guard lock(mutex_);
  retry_after_ms_ = retry_after_ms;
}

std::vector<MatrixEvent> MatrixHomeserver::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

Response MatrixHomeserver::refuse(int status, const std::string& errcode, const std::string& error, nlohmann::json extra) {
  refusals_.push_back(errcode + ": " + error);
  nlohmann::json body = extra.is_object() ? extra : nlohmann::json::object();
  body["errcode"] = errcode;
  body["error"] = error;
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

Response MatrixHomeserver::check_content(const nlohmann::json& content) {
  if (!content.is_object()) return refuse(400, "M_NOT_JSON", "Content not JSON.");
  if (content.dump().size() > kMaxContentBytes) return refuse(413, "M_TOO_LARGE", "event too large");
  const auto text = content.find("body");
  if (content.value("msgtype", "") != "m.text" || text == content.end() || !text->is_string() ||
      text->get<std::string>().empty())
    return refuse(400, "M_BAD_JSON", "m.text needs a msgtype and a non-empty string body");
  if (!content.contains("format")) return {};
  if (content["format"] != "org.matrix.custom.html" || !content.contains("formatted_body") ||
      !content["formatted_body"].is_string())
    return refuse(400, "M_BAD_JSON", "format must be org.matrix.custom.html with a string formatted_body");
  if (std::string error; !check_html(content["formatted_body"].get<std::string>(), error))
    return refuse(400, "M_BAD_JSON", "formatted_body: " + error);
  return {};
}

Response MatrixHomeserver::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  const auto parts = segments(request.path);
  if (parts.size() != 4 || parts[1] != "send" || parts[3].empty())
    return refuse(404, "M_UNRECOGNIZED", "Unrecognized request");
  if (request.method != "PUT") return refuse(405, "M_UNRECOGNIZED", "Unrecognized request");
  const std::string auth = request.header("authorization");
  if (auth.empty()) return refuse(401, "M_MISSING_TOKEN", "Missing access token");
  if (auth != "Bearer " + token_) return refuse(401, "M_UNKNOWN_TOKEN", "Unknown access token");
  if (!request.header("content-type").starts_with("application/json"))
    return refuse(400, "M_NOT_JSON", "Content not JSON.");
  const auto& room = parts[0];
  if (std::find(rooms_.begin(), rooms_.end(), room) == rooms_.end())
    return refuse(403, "M_FORBIDDEN", "User is not in room " + room);
  if (parts[2] != "m.room.message") return refuse(400, "M_BAD_JSON", "this homeserver takes m.room.message only");
  const auto content = nlohmann::json::parse(request.body, nullptr, false);
  if (Response bad = check_content(content); bad.status != 200) return bad;
  // A repeated transaction id from the same token is the same request: the first event's id again.
  const auto key = std::make_pair(auth, parts[3]);
  if (const auto known = transactions_.find(key); known != transactions_.end())
    return {200, {{"Content-Type", "application/json"}}, nlohmann::json{{"event_id", known->second}}.dump()};
  if (take_rate_limit())
    return refuse(429, "M_LIMIT_EXCEEDED", "Too many requests", {{"retry_after_ms", retry_after_ms_}});
  const std::string event_id = "$event" + std::to_string(events_.size() + 1) + ":example.org";
  transactions_.emplace(key, event_id);
  events_.push_back({room, parts[3], event_id, content});
  return answer_or_drop({200, {{"Content-Type", "application/json"}}, nlohmann::json{{"event_id", event_id}}.dump()});
}

}  // namespace newsalert::testing
