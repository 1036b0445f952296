// Turns the generic JSON payload (alert, digest or follow-up) into the body a webhook's format
// expects: the JSON contract itself, Slack Block Kit, Discord embeds, a Teams Adaptive Card, an
// ntfy message or a user template.
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

// `payload` is the stored JSON body. Throws nlohmann::json::exception when it is not JSON.
FormattedBody format_body(const config::WebhookConfig& webhook, const std::string& payload);

}  // namespace newsalert::alerts
