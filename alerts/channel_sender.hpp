// Sends one payload to one webhook now, in the webhook's format: an HTTP POST (signed when it has
// a secret) or an e-mail. Returns what the far end answered; what that means for the outbox is
// the caller's to decide (the delivery loops, `newsalertd notify-test`).
#pragma once

#include "config/config.hpp"
#include "net/http_client.hpp"
#include "net/mail_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace newsalert::alerts {

struct SendResult {
  bool cancelled = false;     // aborted at shutdown: not an attempt
  std::string format_error;   // the payload could not be rendered; nothing was sent
  // The HTTP status (0: no answer). An e-mail's SMTP reply is put on the same scale so that the
  // retry policy applies unchanged: 200 accepted, 400 refused for good (5xx), 503 "not now" (4xx).
  long status = 0;
  std::string error;          // "" when delivered; else what went wrong, as logged and stored
  std::string answer;         // the response body, or the SMTP server's reply
  std::optional<Millis> retry_after;
  bool blocked = false;       // the SSRF guard refused the address
};

class ChannelSender {
 public:
  ChannelSender(net::HttpClient& http, net::MailClient& mail) : http_(http), mail_(mail) {}

  boost::asio::awaitable<SendResult> send(const config::WebhookConfig& webhook, const std::string& alert_id,
                                          const std::string& payload);

 private:
  boost::asio::awaitable<SendResult> post(const config::WebhookConfig& webhook, const std::string& alert_id,
                                          const std::string& payload);
  boost::asio::awaitable<SendResult> mail(const config::WebhookConfig& webhook, const std::string& alert_id,
                                          const std::string& payload);

  net::HttpClient& http_;
  net::MailClient& mail_;
};

}  // namespace newsalert::alerts
