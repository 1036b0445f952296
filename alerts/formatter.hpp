// Turns the generic JSON payload (alert, digest or follow-up) into the body a webhook's format
// expects: the JSON contract itself, Slack Block Kit, Discord embeds, a Teams Adaptive Card, an
// ntfy message, a Telegram sendMessage, a Matrix m.room.message, a PagerDuty event, an Opsgenie
// alert, a Mattermost post, a Pushover or Gotify message or a user template; and the text and HTML
// of an e-mail.
#pragma once

#include "config/config.hpp"

#include <string>
#include <utility>
#include <vector>

namespace newsalert::alerts {

struct FormattedBody {
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;   // format-specific (ntfy's Title, Click, ...)
};

// An e-mail's content: a one-line subject and the same message as plain text and as HTML.
struct MailContent {
  std::string subject;
  std::string text;
  std::string html;
};

// `payload` as an e-mail. Throws nlohmann::json::exception when it is not JSON.
MailContent format_mail(const std::string& payload);

// `payload` is the stored JSON body. Throws nlohmann::json::exception when it is not JSON.
FormattedBody format_body(const config::WebhookConfig& webhook, const std::string& payload);

}  // namespace newsalert::alerts
