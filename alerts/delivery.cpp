// Webhook delivery loops over the SQLite outbox.
#include "alerts/delivery.hpp"

#include "alerts/formatter.hpp"
#include "alerts/retry_policy.hpp"
#include "common/crypto.hpp"
#include "common/log_exception.hpp"
#include "common/log_fields.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace asio = boost::asio;

namespace newsalert::alerts {

namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

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
  for (auto& webhook : webhooks) endpoints_.push_back(make_endpoint(std::move(webhook)));
}

Delivery::~Delivery() = default;

std::unique_ptr<Delivery::Endpoint> Delivery::make_endpoint(config::WebhookConfig webhook) {
  const int failures = webhook.breaker_failures;
  const Millis cooldown = webhook.breaker_cooldown;
  const double rate = webhook.rate;
  return std::unique_ptr<Endpoint>(new Endpoint{std::move(webhook), std::make_unique<asio::steady_timer>(io_),
                                                CircuitBreaker(failures, cooldown),
                                                RateLimiter(rate, std::max(1.0, rate)), {}, false, false, false, false});
}

void Delivery::start() {
  started_ = true;
  for (auto& endpoint : endpoints_) spawn(*endpoint);
}

void Delivery::spawn(Endpoint& endpoint) {
  ++loops_;
  asio::co_spawn(io_, run_loop(endpoint), [this, &endpoint, name = endpoint.config.name](std::exception_ptr error) {
    --loops_;
    endpoint.done = true;
    log_exception("delivery to webhook '" + name + "' stopped", error);
  });
}

std::size_t Delivery::update(std::vector<config::WebhookConfig> webhooks) {
  std::size_t orphaned = 0;
  for (auto& endpoint : endpoints_) {
    if (endpoint->removed) continue;
    const auto kept = std::find_if(webhooks.begin(), webhooks.end(),
                                   [&](const config::WebhookConfig& w) { return w.name == endpoint->config.name; });
    if (kept == webhooks.end()) {
      endpoint->removed = true;
      endpoint->wakeup->cancel();
      const std::size_t waiting = store_.pending_for(endpoint->config.name);
      if (waiting > 0)
        spdlog::warn("webhook '{}' was removed; its {} pending alert(s) stay in the outbox until it is configured again",
                     endpoint->config.name, waiting);
      orphaned += waiting;
      continue;
    }
    // New settings are often the fix for a failing receiver: its backlog is retried at once.
    const auto& old = endpoint->config;
    const bool changed = old.url != kept->url || old.headers != kept->headers || old.secret != kept->secret ||
                         old.format != kept->format || old.timeout != kept->timeout ||
                         old.retry.schedule != kept->retry.schedule;
    if (changed) store_.make_pending_due(Clock::now(), kept->name);
    if (old.rate != kept->rate) endpoint->limiter = RateLimiter(kept->rate, std::max(1.0, kept->rate));
    if (old.breaker_failures != kept->breaker_failures || old.breaker_cooldown != kept->breaker_cooldown)
      endpoint->breaker = CircuitBreaker(kept->breaker_failures, kept->breaker_cooldown);
    endpoint->config = std::move(*kept);
    webhooks.erase(kept);
  }
  // Removed endpoints whose loop and attempts have all ended can go.
  std::erase_if(endpoints_, [](const std::unique_ptr<Endpoint>& e) { return e->removed && e->done && e->in_flight.empty(); });
  for (auto& webhook : webhooks) {
    auto& endpoint = *endpoints_.emplace_back(make_endpoint(std::move(webhook)));
    if (started_ && !stopping_) spawn(endpoint);
  }
  wake();
  return orphaned;
}

void Delivery::poke(Endpoint& endpoint) {
  endpoint.woken = true;
  endpoint.wakeup->cancel();
}

void Delivery::wake() {
  for (auto& endpoint : endpoints_) poke(*endpoint);
}

void Delivery::wake(const std::vector<std::string>& webhooks) {
  for (auto& endpoint : endpoints_)
    if (std::find(webhooks.begin(), webhooks.end(), endpoint->config.name) != webhooks.end()) poke(*endpoint);
}

void Delivery::stop() {
  stopping_ = true;
  wake();
}

void Delivery::launch(Endpoint& endpoint, store::PendingDelivery item) {
  const auto id = item.id;
  endpoint.in_flight.insert(id);
  ++attempts_;
  asio::co_spawn(io_, attempt(endpoint, std::make_shared<const store::PendingDelivery>(std::move(item))), [this, &endpoint, id](std::exception_ptr error) {
    --attempts_;
    endpoint.in_flight.erase(id);
    log_exception("delivery attempt to webhook '" + endpoint.config.name + "'", error);
    poke(endpoint);
  });
}

asio::awaitable<void> Delivery::run_loop(Endpoint& endpoint) {
  const std::string& name = endpoint.config.name;

  if (const auto disabled = store_.disabled_endpoint(name); disabled && disabled->url != endpoint.config.url) {
    store_.enable_endpoint(name);
    spdlog::info("webhook '{}' re-enabled: its URL changed since it answered {}", name, disabled->reason);
  }
  while (!stopping_ && !endpoint.removed) {
    const auto concurrency = static_cast<std::size_t>(std::max(1, endpoint.config.concurrency));
    endpoint.woken = false;
    std::optional<SteadyClock::duration> wait;

    if (const auto disabled = store_.disabled_endpoint(name)) {
      if (!endpoint.disabled)
        spdlog::error("webhook '{}' is disabled ({} since {}); {} alert(s) held in the outbox; "
                      "change its URL or run `newsalertd deliveries retry` to enable it",
                      name, disabled->reason, format_rfc3339(disabled->since), store_.pending_count(name));
      endpoint.disabled = true;
      wait = kIdlePoll;
    } else {
      if (endpoint.disabled) spdlog::info("webhook '{}' enabled again", name);
      endpoint.disabled = false;
      std::size_t started = 0;
      bool more_due = false;
      if (endpoint.in_flight.size() < concurrency) {
        const auto due = store_.due(name, Clock::now(), concurrency + endpoint.in_flight.size());
        for (auto& item : due) {
          if (endpoint.in_flight.contains(item.id)) continue;
          if (endpoint.in_flight.size() >= concurrency) {
            more_due = true;
            break;
          }
          const auto now = SteadyClock::now();
          if (!endpoint.breaker.allow(now)) {
            // Open: wait out the cool-down. Half-open with the probe in flight: its outcome wakes us.
            if (endpoint.breaker.state() == CircuitBreaker::State::open) wait = endpoint.breaker.reopens_at() - now;
            else wait = kIdlePoll;
            break;
          }
          if (const Millis pace = endpoint.limiter.acquire(now); pace.count() > 0) {
            endpoint.breaker.record_neutral();
            wait = pace;
            break;
          }
          launch(endpoint, std::move(item));
          ++started;
        }
        if (!wait && started > 0 && !more_due && due.size() == concurrency + endpoint.in_flight.size() - started)
          more_due = true;   // the query was full: there may be more due behind it
      }
      if (!wait) {
        if (endpoint.in_flight.size() >= concurrency || more_due) {
          wait = kIdlePoll;   // a finishing attempt wakes us
        } else if (const auto next = store_.next_due(name)) {
          const auto until = std::chrono::duration_cast<SteadyClock::duration>(*next - Clock::now());
          // In the past: only attempts in flight are due, and their completion wakes us.
          wait = until <= SteadyClock::duration::zero() ? SteadyClock::duration(kIdlePoll)
                                                        : std::min<SteadyClock::duration>(until, kIdlePoll);
        } else {
          wait = kIdlePoll;
        }
      }
    }
    if (endpoint.woken || stopping_) continue;
    endpoint.wakeup->expires_after(std::max(*wait, SteadyClock::duration(std::chrono::milliseconds(1))));
    boost::system::error_code ec;
    co_await endpoint.wakeup->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Delivery::attempt(Endpoint& endpoint, std::shared_ptr<const store::PendingDelivery> owned) {
  const store::PendingDelivery& item = *owned;
  const auto& webhook = endpoint.config;
  if (webhook.format == config::WebhookFormat::stdout_lines) {
    lines_ << item.payload << '\n';
    lines_.flush();
    endpoint.breaker.record_success();
    record(endpoint, item, lines_ ? 200 : 0, lines_ ? "" : "cannot write to standard output", std::nullopt);
    co_return;
  }

  FormattedBody formatted;
  try {
    formatted = format_body(webhook, item.payload);
  } catch (const std::exception& e) {
    endpoint.breaker.record_neutral();
    store_.mark_dead(item.id, std::string("cannot format the payload: ") + e.what(), Clock::now());
    spdlog::error("alert {} for webhook '{}': cannot format the payload ({}); kept as a dead letter", item.alert_id,
                  webhook.name, e.what());
    co_return;
  }

  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  net::HttpRequest request;
  request.url = webhook.url;
  request.method = "POST";
  request.timeout = webhook.timeout;
  request.max_bytes = 1 << 20;   // receivers' answers are read only for logs
  request.follow_redirects = false;
  request.allow = webhook.allow;
  request.tls_verify = webhook.tls.verify;
  request.ca_file = webhook.tls.ca_file;
  request.pinned_public_key = webhook.tls.pinned_public_key;
  request.headers = {{"Content-Type", formatted.content_type},
                     {"webhook-id", item.alert_id},
                     {"webhook-timestamp", std::to_string(timestamp)}};
  if (webhook.secret)
    request.headers.emplace_back("webhook-signature",
                                 webhook_signature(*webhook.secret, item.alert_id, timestamp, formatted.body));
  for (auto& header : formatted.headers) request.headers.push_back(std::move(header));
  for (const auto& [header, value] : webhook.headers) request.headers.emplace_back(header, value);
  request.body = std::move(formatted.body);

  const net::HttpResponse response = co_await http_.async_fetch(std::move(request), asio::use_awaitable);
  if (response.error == asio::error::operation_aborted) {
    // Cancelled at shutdown: not the endpoint's fault, and not an attempt; the alert stays due.
    endpoint.breaker.record_neutral();
    co_return;
  }
  const long status = response.error ? 0 : response.status;
  std::string error;
  if (response.failure() == net::TransportFailure::blocked)
    error = response.describe() + "; allow it with network.allow or the webhook's allow";
  else if (response.error) error = response.describe();
  else if (!response.is_success()) error = "HTTP " + std::to_string(response.status);

  if (disables_endpoint(status)) {
    // The receiver says the endpoint is gone for good: stop sending to it, keep its alerts.
    endpoint.breaker.record_neutral();
    store_.disable_endpoint(webhook.name, webhook.url, "HTTP 410 Gone", Clock::now());
    poke(endpoint);
    co_return;
  }
  const auto state_before = endpoint.breaker.state();
  if (is_endpoint_failure(status)) endpoint.breaker.record_failure(std::chrono::steady_clock::now());
  else endpoint.breaker.record_success();
  const auto state_after = endpoint.breaker.state();
  if (state_after == CircuitBreaker::State::open && state_before != CircuitBreaker::State::open)
    spdlog::warn("webhook '{}': {} failures in a row; circuit open, next probe in {}", webhook.name,
                 endpoint.breaker.consecutive_failures(), format_duration(webhook.breaker_cooldown));
  else if (state_after == CircuitBreaker::State::closed && state_before == CircuitBreaker::State::half_open)
    spdlog::info("webhook '{}': probe succeeded; circuit closed", webhook.name);
  record(endpoint, item, status, error, parse_retry_after(response.header("retry-after"), Clock::now()));
}

void Delivery::record(const Endpoint& endpoint, const store::PendingDelivery& item, long status,
                      const std::string& error, std::optional<Millis> retry_after) {
  const auto& name = endpoint.config.name;
  const int attempts_made = item.attempts + 1;
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  const RetryDecision decision = decide_retry(status, attempts_made, endpoint.config.retry.schedule, retry_after, jitter);
  const auto now = Clock::now();
  if (observer_) observer_(name, decision.outcome);
  const LogFields fields{{"WEBHOOK", name}, {"WATCHLIST", item.watchlist}, {"ALERT_ID", item.alert_id}};
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
