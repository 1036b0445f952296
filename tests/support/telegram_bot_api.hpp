// A loopback stand-in for Telegram's Bot API sendMessage, written from the Bot API documentation
// (core.telegram.org/bots/api#sendmessage, #formatting-options): it refuses requests not shaped as
// documented with the Bot API's own error answers, and can answer rate limits with retry_after.
#pragma once

#include "tests/support/http_server.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace newsalert::testing {

struct TelegramMessage {
  std::string chat_id;
  std::string html;   // `text` as sent
  std::string text;   // after the HTML entities are parsed: what the chat shows
};

class TelegramBotApi {
 public:
  // Serves POST {server}/bot{token}/sendMessage for chats in `chats`.
  TelegramBotApi(HttpServer& server, std::string token, std::vector<std::string> chats);

  // The next `count` valid requests are answered 429 with parameters.retry_after = seconds.
  void rate_limit(int count, int seconds);

  std::vector<TelegramMessage> messages() const;
  // Every answer given that was not {"ok": true}, as its description.
  std::vector<std::string> refusals() const;

  // The parse of Telegram's HTML style: the visible text, or an error like the Bot API's
  // "can't parse entities: ..." when a tag or an entity is not one it supports.
  static bool parse_html(const std::string& html, std::string& text, std::string& error);

 private:
  Response handle(const RecordedRequest& request);
  Response refuse(int code, const std::string& description, const nlohmann::json& parameters = nullptr);

  std::vector<std::string> chats_;
  mutable std::mutex mutex_;
  int rate_limited_ = 0;
  int retry_after_ = 0;
  std::vector<TelegramMessage> messages_;
  std::vector<std::string> refusals_;
};

}  // namespace newsalert::testing
