// The Bot API sendMessage stand-in: request checks, the HTML style's parse, answers.
#include "tests/support/telegram_bot_api.hpp"

#include <algorithm>
#include <set>

namespace newsalert::testing {

namespace {

// UTF-16 code units: how the Bot API counts the 4,096 characters of a message.
std::size_t utf16_length(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) n += b >= 0xF0 ? 2 : 1;
  }
  return n;
}

// The tags of the HTML style, from the Bot API's formatting options.
const std::set<std::string>& allowed_tags() {
  static const std::set<std::string> tags = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                                             "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote"};
  return tags;
}

bool parse_entity(const std::string& html, std::size_t& i, std::string& text) {
  const auto end = html.find(';', i);
  if (end == std::string::npos || end - i > 10) return false;
  const std::string name = html.substr(i + 1, end - i - 1);
  static const std::pair<const char*, const char*> named[] = {{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}};
  for (const auto& [n, value] : named)
    if (name == n) {
      text += value;
      i = end + 1;
      return true;
    }
  if (name.size() > 1 && name[0] == '#' && std::all_of(name.begin() + 1, name.end(), ::isdigit)) {
    const long code = std::stol(name.substr(1));
    if (code < 0x80) text += static_cast<char>(code);
    else text += "?";   // length is all these tests need from other characters
    i = end + 1;
    return true;
  }
  return false;
}

}  // namespace

bool TelegramBotApi::parse_html(const std::string& html, std::string& text, std::string& error) {
  std::vector<std::string> open;
  for (std::size_t i = 0; i < html.size();) {
    const char c = html[i];
    if (c == '&') {
      if (!parse_entity(html, i, text)) {
        error = "can't parse entities: unsupported start tag or entity at byte offset " + std::to_string(i);
        return false;
      }
    } else if (c == '<') {
      const auto end = html.find('>', i);
      if (end == std::string::npos) {
        error = "can't parse entities: unclosed start tag at byte offset " + std::to_string(i);
        return false;
      }
      std::string tag = html.substr(i + 1, end - i - 1);
      const bool closing = !tag.empty() && tag[0] == '/';
      if (closing) tag.erase(0, 1);
      const std::string name = tag.substr(0, tag.find(' '));
      if (!allowed_tags().contains(name)) {
        error = "can't parse entities: unsupported start tag \"" + name + "\" at byte offset " + std::to_string(i);
        return false;
      }
      if (closing) {
        if (open.empty() || open.back() != name) {
          error = "can't parse entities: can't find end tag corresponding to start tag \"" + (open.empty() ? name : open.back()) + "\"";
          return false;
        }
        open.pop_back();
      } else {
        if (name == "a" && tag.find("href=\"") == std::string::npos) {
          error = "can't parse entities: a tag without href at byte offset " + std::to_string(i);
          return false;
        }
        open.push_back(name);
      }
      i = end + 1;
    } else if (c == '>') {
      error = "can't parse entities: unexpected end tag at byte offset " + std::to_string(i);
      return false;
    } else {
      text += c;
      ++i;
    }
  }
  if (!open.empty()) {
    error = "can't parse entities: can't find end tag corresponding to start tag \"" + open.back() + "\"";
    return false;
  }
  return true;
}

TelegramBotApi::TelegramBotApi(HttpServer& server, std::string token, std::vector<std::string> chats)
    : chats_(std::move(chats)) {
  server.route("/bot" + token + "/sendMessage", [this](const RecordedRequest& request) { return handle(request); });
}

void TelegramBotApi::rate_limit(int count, int seconds) {
  std::lock_guard lock(mutex_);
  rate_limited_ = count;
  retry_after_ = seconds;
}

std::vector<TelegramMessage> TelegramBotApi::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<std::string> TelegramBotApi::refusals() const {
  std::lock_guard lock(mutex_);
  return refusals_;
}

Response TelegramBotApi::refuse(int code, const std::string& description, const nlohmann::json& parameters) {
  refusals_.push_back(description);
  nlohmann::json body = {{"ok", false}, {"error_code", code}, {"description", description}};
  if (!parameters.is_null()) body["parameters"] = parameters;
  return {code, {{"Content-Type", "application/json"}}, body.dump()};
}

Response TelegramBotApi::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST" && request.method != "GET") return refuse(405, "Method Not Allowed");
  if (!request.header("content-type").starts_with("application/json"))
    return refuse(400, "Bad Request: expected an application/json body");
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) return refuse(400, "Bad Request: can't parse JSON object");
  const auto chat = body.find("chat_id");
  if (chat == body.end() || !(chat->is_string() || chat->is_number_integer())) return refuse(400, "Bad Request: chat_id is empty");
  const std::string chat_id = chat->is_string() ? chat->get<std::string>() : std::to_string(chat->get<long long>());
  if (std::find(chats_.begin(), chats_.end(), chat_id) == chats_.end()) return refuse(400, "Bad Request: chat not found");
  const auto text = body.find("text");
  if (text == body.end() || !text->is_string() || text->get<std::string>().empty())
    return refuse(400, "Bad Request: message text is empty");
  const auto mode = body.find("parse_mode");
  std::string visible = text->get<std::string>();
  if (mode != body.end()) {
    if (*mode != "HTML") return refuse(400, "Bad Request: unsupported parse_mode in this receiver");
    std::string error;
    visible.clear();
    if (!parse_html(text->get<std::string>(), visible, error)) return refuse(400, "Bad Request: " + error);
  }
  if (utf16_length(visible) > 4096) return refuse(400, "Bad Request: message is too long");
  if (rate_limited_ > 0) {
    --rate_limited_;
    return refuse(429, "Too Many Requests: retry after " + std::to_string(retry_after_), {{"retry_after", retry_after_}});
  }
  messages_.push_back({chat_id, text->get<std::string>(), visible});
  const nlohmann::json ok = {
      {"ok", true},
      {"result", {{"message_id", messages_.size()}, {"chat", {{"id", chat_id}}}, {"date", 0}, {"text", visible}}}};
  return {200, {{"Content-Type", "application/json"}}, ok.dump()};
}

}  // namespace newsalert::testing
