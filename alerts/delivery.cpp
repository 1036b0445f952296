// Webhook delivery loops over the SQLite outbox.
#include "alerts/delivery.hpp"

#include "alerts/retry_policy.hpp"
#include "common/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace asio = boost::asio;

namespace newsalert::alerts {

std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + hmac_sha256_base64(secret, signed_content);
}

Delivery::Delivery(asio::io_context& io, net::HttpClient& http, store::StateStore& store,
                   std::vector<config::WebhookConfig> webhooks, std::ostream& lines)
    : io_(io), http_(http), store_(store), lines_(lines), random_(std::random_device{}()) {
  endpoints_.reserve(webhooks.size());
  for (auto& webhook : webhooks)
    endpoints_.push_back({std::move(webhook), std::make_unique<asio::steady_timer>(io_)});
}

Delivery::~Delivery() = default;

void Delivery::start() {
  for (auto& endpoint : endpoints_) {
    ++running_;
    asio::co_spawn(io_, run_loop(endpoint), [this, name = endpoint.config.name](std::exception_ptr error) {
      --running_;
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("delivery to webhook '{}' stopped: {}", name, e.what());
      }
    });
  }
}

void Delivery::wake() {
  for (auto& endpoint : endpoints_) endpoint.wakeup->cancel();
}

void Delivery::stop() {
  stopping_ = true;
  wake();
}

asio::awaitable<void> Delivery::run_loop(Endpoint& endpoint) {
  const std::string& name = endpoint.config.name;
  while (!stopping_) {
    const auto due = store_.due(name, Clock::now(), 32);
    for (const auto& item : due) {
      if (stopping_) co_return;
      co_await attempt(endpoint, item);
    }
    if (!due.empty()) continue;

    // Nothing due: sleep until the earliest pending retry, or until wake() says new alerts arrived.
    const auto next = store_.next_due(name);
    if (next) {
      const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - Clock::now());
      endpoint.wakeup->expires_after(std::max(wait, std::chrono::steady_clock::duration::zero()));
    } else {
      endpoint.wakeup->expires_at(std::chrono::steady_clock::time_point::max());
    }
    boost::system::error_code ec;
    co_await endpoint.wakeup->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Delivery::attempt(Endpoint& endpoint, const store::PendingDelivery& item) {
  const auto& webhook = endpoint.config;
  if (webhook.format == config::WebhookFormat::stdout_lines) {
    lines_ << item.payload << '\n';
    lines_.flush();
    record(endpoint, item, lines_ ? 200 : 0, lines_ ? "" : "cannot write to standard output", std::nullopt);
    co_return;
  }

  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  net::HttpRequest request;
  request.url = webhook.url;
  request.method = "POST";
  request.body = item.payload;
  request.timeout = webhook.timeout;
  request.max_bytes = 1 << 20;   // receivers' answers are read only for logs
  request.follow_redirects = false;
  request.allow = webhook.allow;
  request.tls_verify = webhook.tls.verify;
  request.ca_file = webhook.tls.ca_file;
  request.pinned_public_key = webhook.tls.pinned_public_key;
  request.headers = {{"Content-Type", "application/json"},
                     {"webhook-id", item.alert_id},
                     {"webhook-timestamp", std::to_string(timestamp)}};
  if (webhook.secret)
    request.headers.emplace_back("webhook-signature",
                                 webhook_signature(*webhook.secret, item.alert_id, timestamp, item.payload));
  for (const auto& [header, value] : webhook.headers) request.headers.emplace_back(header, value);

  const net::HttpResponse response = co_await http_.async_fetch(std::move(request), asio::use_awaitable);
  std::string error;
  if (response.failure() == net::TransportFailure::blocked)
    error = response.describe() + "; allow it with network.allow or the webhook's allow";
  else if (response.error) error = response.describe();
  else if (!response.is_success()) error = "HTTP " + std::to_string(response.status);
  record(endpoint, item, response.error ? 0 : response.status, error,
         parse_retry_after(response.header("retry-after")));
}

void Delivery::record(const Endpoint& endpoint, const store::PendingDelivery& item, long status,
                      const std::string& error, std::optional<Millis> retry_after) {
  const auto& name = endpoint.config.name;
  const int attempts_made = item.attempts + 1;
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  const RetryDecision decision = decide_retry(status, attempts_made, endpoint.config.retry.schedule, retry_after, jitter);
  const auto now = Clock::now();
  switch (decision.outcome) {
    case AttemptOutcome::delivered:
      store_.mark_delivered(item.id, now);
      spdlog::info("alert {} delivered to webhook '{}' (watchlist '{}', attempt {})", item.alert_id, name,
                   item.watchlist, attempts_made);
      break;
    case AttemptOutcome::retry:
      store_.mark_retry(item.id, now + decision.delay, error);
      spdlog::warn("alert {} to webhook '{}' failed (attempt {}): {}; retrying in {}", item.alert_id, name,
                   attempts_made, error, format_duration(decision.delay));
      break;
    case AttemptOutcome::dead:
      store_.mark_dead(item.id, error, now);
      spdlog::error("alert {} to webhook '{}' failed for good after {} attempt(s): {}; kept as a dead letter",
                    item.alert_id, name, attempts_made, error);
      break;
  }
}

}  // namespace newsalert::alerts
