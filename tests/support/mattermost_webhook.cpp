// The Mattermost incoming webhook stand-in: the documented body, its limit, and what a post would
// notify.
#include "tests/support/mattermost_webhook.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>

namespace newsalert::testing {

namespace {

// A post holds at most 16,383 characters (Mattermost's MaxPostSize since 5.0).
constexpr std::size_t kMaxPostChars = 16'383;

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

}  // namespace

std::vector<std::string> MattermostWebhook::references(const std::string& text, char sigil) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != sigil || (i > 0 && is_name_char(text[i - 1]))) continue;
    std::size_t end = i + 1;
    while (end < text.size() && is_name_char(text[end])) ++end;
    if (end > i + 1) out.push_back(text.substr(i, end - i));
  }
  return out;
}

MattermostWebhook::MattermostWebhook(HttpServer& server, const std::string& path) {
  server.route(path, [this](const RecordedRequest& request) { return handle(request); });
}

std::vector<MattermostPost> MattermostWebhook::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

Response MattermostWebhook::refuse(const std::string& message) {
  refusals_.push_back(message);
  const nlohmann::json body = {{"id", "web.incoming_webhook.parse.app_error"}, {"message", message},
                               {"detailed_error", ""}, {"request_id", "req"}, {"status_code", 400}};
  return {400, {{"Content-Type", "application/json"}}, body.dump()};
}

Response MattermostWebhook::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST") return {405, {}, ""};
  const std::string type = request.header("content-type");
  std::string json_text = request.body;
  if (type.starts_with("application/x-www-form-urlencoded")) json_text = parse_form(request.body)["payload"];
  else if (!type.starts_with("application/json")) return refuse("Unable to parse incoming data");
  const auto body = nlohmann::json::parse(json_text, nullptr, false);
  if (!body.is_object()) return refuse("Unable to parse incoming data");
  const auto text = body.find("text");
  const bool has_text = text != body.end() && text->is_string() && !text->get<std::string>().empty();
  if (!has_text && !body.contains("attachments")) return refuse("No text specified");
  const std::string post = has_text ? text->get<std::string>() : "";
  if (character_count(post) > kMaxPostChars) return refuse("text is longer than " + std::to_string(kMaxPostChars) + " characters");
  if (take_rate_limit()) return {429, {{"Content-Type", "text/plain"}}, "too many requests\n"};
  posts_.push_back({post, references(post, '@'), references(post, '~')});
  return answer_or_drop({200, {{"Content-Type", "text/plain"}}, "ok"});
}

}  // namespace newsalert::testing
