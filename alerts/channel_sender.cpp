// One send to a webhook: the HTTP request or the e-mail, and the answer as a SendResult.
#include "alerts/channel_sender.hpp"

#include "alerts/delivery.hpp"
#include "alerts/formatter.hpp"
#include "alerts/mail_message.hpp"
#include "alerts/retry_policy.hpp"
#include "common/text.hpp"
#include "config/mail_address.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;

namespace newsalert::alerts {

namespace {

net::MailRequest mail_request(const config::WebhookConfig& webhook, std::string message) {
  net::MailRequest request;
  request.url = webhook.url;
  request.require_tls = webhook.email.starttls;
  request.username = webhook.email.username;
  request.password = webhook.email.password.value_or("");
  if (const auto from = config::parse_mail_address(webhook.email.from)) request.envelope_from = from->address;
  for (const auto& to : webhook.email.to)
    if (const auto parsed = config::parse_mail_address(to)) request.envelope_to.push_back(parsed->address);
  request.message = std::move(message);
  request.timeout = webhook.timeout;
  request.allow = webhook.allow;
  request.tls_verify = webhook.tls.verify;
  request.ca_file = webhook.tls.ca_file;
  request.pinned_public_key = webhook.tls.pinned_public_key;
  return request;
}

// Where and how a format's request goes: a webhook's own URL, or a method of the API at `url`.
struct ApiCall {
  std::string url;
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
};

ApiCall api_call(const config::WebhookConfig& webhook, const std::string& alert_id) {
  std::string base = webhook.url;
  while (base.ends_with('/')) base.pop_back();
  const std::string token = webhook.token.value_or("");
  switch (webhook.format) {
    case config::WebhookFormat::telegram:
      // The token is a path segment, as Telegram documents it.
      return {base + "/bot" + token + "/sendMessage", "POST", {}};
    case config::WebhookFormat::matrix:
      // The transaction id is the alert id: a retry after a lost answer is the same transaction,
      // which the homeserver answers with the event it already made.
      return {base + "/_matrix/client/v3/rooms/" + form_encode(webhook.room) + "/send/m.room.message/" +
                  form_encode(alert_id),
              "PUT",
              {{"Authorization", "Bearer " + token}}};
    case config::WebhookFormat::pagerduty:
      // The routing key travels in the body.
      return {base + "/v2/enqueue", "POST", {}};
    case config::WebhookFormat::opsgenie:
      return {base + "/v2/alerts", "POST", {{"Authorization", "GenieKey " + token}}};
    case config::WebhookFormat::pushover:
      // The token and user key travel in the form body.
      return {base + "/1/messages.json", "POST", {}};
    case config::WebhookFormat::gotify:
      // In a header, not the ?token= query Gotify also reads: URLs end up in logs.
      return {base + "/message", "POST", {{"X-Gotify-Key", token}}};
    default:
      return {webhook.url, "POST", {}};
  }
}

std::string json_string(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A Bot API error answer: {"ok": false, "error_code": 429, "description": "...",
// "parameters": {"retry_after": 5}}.
void read_telegram_answer(const nlohmann::json& answer, SendResult& result) {
  if (const std::string d = json_string(answer, "description"); !d.empty()) result.error += ": " + d;
  const auto parameters = answer.find("parameters");
  if (parameters == answer.end() || !parameters->is_object()) return;
  if (const auto r = parameters->find("retry_after"); r != parameters->end() && r->is_number_integer() && r->get<long>() >= 0)
    result.retry_after = Millis(r->get<long>() * 1000);
}

// A Matrix error answer: {"errcode": "M_LIMIT_EXCEEDED", "error": "...", "retry_after_ms": 2000}.
void read_matrix_answer(const nlohmann::json& answer, SendResult& result) {
  const std::string code = json_string(answer, "errcode");
  const std::string text = json_string(answer, "error");
  if (!code.empty()) result.error += ": " + code;
  if (!text.empty()) result.error += ": " + text;
  if (const auto r = answer.find("retry_after_ms"); r != answer.end() && r->is_number_integer() && r->get<long>() >= 0)
    result.retry_after = Millis(r->get<long>());
}

// An answer's "errors": ["...", "..."] joined into the error text.
void append_error_list(const nlohmann::json& answer, SendResult& result) {
  const auto errors = answer.find("errors");
  if (errors == answer.end() || !errors->is_array()) return;
  std::string reasons;
  for (const auto& e : *errors)
    if (e.is_string()) reasons += (reasons.empty() ? "" : "; ") + e.get<std::string>();
  if (!reasons.empty()) result.error += ": " + reasons;
}

// An Events API v2 error answer: {"status": "invalid event", "message": "Event object is invalid",
// "errors": ["..."]}.
void read_pagerduty_answer(const nlohmann::json& answer, SendResult& result) {
  if (const std::string message = json_string(answer, "message"); !message.empty()) result.error += ": " + message;
  append_error_list(answer, result);
}

// A Gotify error answer: {"error": "Unauthorized", "errorCode": 401, "errorDescription": "..."}.
void read_gotify_answer(const nlohmann::json& answer, SendResult& result) {
  if (const std::string error = json_string(answer, "error"); !error.empty()) result.error += ": " + error;
  if (const std::string d = json_string(answer, "errorDescription"); !d.empty()) result.error += ": " + d;
}

// An Opsgenie or Mattermost error answer: {"message": "...", "errors": {"field": "what is wrong"}}
// (Opsgenie adds errors to a 422).
void read_message_answer(const nlohmann::json& answer, SendResult& result) {
  if (const std::string message = json_string(answer, "message"); !message.empty()) result.error += ": " + message;
  const auto errors = answer.find("errors");
  if (errors == answer.end() || !errors->is_object()) return;
  std::string fields;
  for (const auto& [field, text] : errors->items())
    if (text.is_string()) fields += (fields.empty() ? "" : "; ") + field + ": " + text.get<std::string>();
  if (!fields.empty()) result.error += " (" + fields + ")";
}

// An API's error answer adds its own words to the error text and may say when to try again.
void read_answer(config::WebhookFormat format, const std::string& body, SendResult& result) {
  if (result.error.empty()) return;
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object()) return;
  if (format == config::WebhookFormat::telegram) read_telegram_answer(answer, result);
  else if (format == config::WebhookFormat::matrix) read_matrix_answer(answer, result);
  else if (format == config::WebhookFormat::pagerduty) read_pagerduty_answer(answer, result);
  // A Pushover error answer: {"status": 0, "user": "invalid", "errors": ["..."], "request": "..."}.
  else if (format == config::WebhookFormat::pushover) append_error_list(answer, result);
  else if (format == config::WebhookFormat::gotify) read_gotify_answer(answer, result);
  else if (format == config::WebhookFormat::opsgenie || format == config::WebhookFormat::mattermost)
    read_message_answer(answer, result);
}

}  // namespace

asio::awaitable<SendResult> ChannelSender::send(const config::WebhookConfig& webhook, const std::string& alert_id,
                                                const std::string& payload) {
  if (webhook.format == config::WebhookFormat::email) co_return co_await mail(webhook, alert_id, payload);
  co_return co_await post(webhook, alert_id, payload);
}

asio::awaitable<SendResult> ChannelSender::post(const config::WebhookConfig& webhook, const std::string& alert_id,
                                                const std::string& payload) {
  SendResult result;
  FormattedBody formatted;
  try {
    formatted = format_body(webhook, payload);
  } catch (const std::exception& e) {
    result.format_error = e.what();
    co_return result;
  }
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  ApiCall call = api_call(webhook, alert_id);
  net::HttpRequest request;
  request.url = std::move(call.url);
  request.method = std::move(call.method);
  request.timeout = webhook.timeout;
  request.max_bytes = 1 << 20;   // receivers' answers are read only for logs
  request.follow_redirects = false;
  request.allow = webhook.allow;
  request.tls_verify = webhook.tls.verify;
  request.ca_file = webhook.tls.ca_file;
  request.pinned_public_key = webhook.tls.pinned_public_key;
  request.headers = {{"Content-Type", formatted.content_type},
                     {"webhook-id", alert_id},
                     {"webhook-timestamp", std::to_string(timestamp)}};
  if (webhook.secret)
    request.headers.emplace_back("webhook-signature", webhook_signature(*webhook.secret, alert_id, timestamp, formatted.body));
  for (auto& header : call.headers) request.headers.push_back(std::move(header));
  for (auto& header : formatted.headers) request.headers.push_back(std::move(header));
  for (const auto& [header, value] : webhook.headers) request.headers.emplace_back(header, value);
  request.body = std::move(formatted.body);

  const net::HttpResponse response = co_await http_.async_fetch(std::move(request), asio::use_awaitable);
  if (response.error == asio::error::operation_aborted) {
    result.cancelled = true;
    co_return result;
  }
  result.status = response.error ? 0 : response.status;
  result.answer = response.body;
  result.blocked = response.failure() == net::TransportFailure::blocked;
  if (result.blocked) result.error = response.describe() + "; allow it with network.allow or the webhook's allow";
  else if (response.error) result.error = response.describe();
  else if (!response.is_success()) result.error = "HTTP " + std::to_string(response.status);
  result.retry_after = parse_retry_after(response.header("retry-after"), Clock::now());
  if (!response.error) read_answer(webhook.format, response.body, result);
  co_return result;
}

asio::awaitable<SendResult> ChannelSender::mail(const config::WebhookConfig& webhook, const std::string& alert_id,
                                                const std::string& payload) {
  SendResult result;
  std::string message;
  try {
    message = mail_message(webhook.email, alert_id, format_mail(payload), Clock::now());
  } catch (const std::exception& e) {
    result.format_error = e.what();
    co_return result;
  }
  net::MailRequest request = mail_request(webhook, std::move(message));
  const net::MailResponse response = co_await mail_.async_send(std::move(request), asio::use_awaitable);
  if (response.error == asio::error::operation_aborted) {
    result.cancelled = true;
    co_return result;
  }
  result.answer = response.reply;
  result.blocked = !response.blocked.empty() && response.error;
  if (response.is_success()) {
    result.status = 200;
    co_return result;
  }
  result.error = response.describe();
  if (result.blocked) result.error += "; allow it with network.allow or the webhook's allow";
  if (response.is_permanent()) result.status = 400;
  else if (response.code >= 400) result.status = 503;
  co_return result;
}

}  // namespace newsalert::alerts
