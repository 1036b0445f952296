// Webhook delivery loops over the SQLite outbox.
#include "alerts/delivery.hpp"

#include "alerts/retry_policy.hpp"
#include "common/crypto.hpp"
#include "common/log_context.hpp"
#include "common/log_exception.hpp"
#include "common/text.hpp"
#include "store/replication.hpp"

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

// While outcomes cannot be written, the loop tries again after this, doubling up to the cap.
constexpr Millis kStoreRetryFirst{1000};
constexpr Millis kStoreRetryMax{30'000};

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + hmac_sha256_base64(secret, signed_content);
}

Delivery::Delivery(asio::io_context& io, Supervisor& supervisor, net::HttpClient& http, store::Outbox& outbox,
                   std::vector<config::WebhookConfig> webhooks, std::ostream& lines)
    : io_(io),
      supervisor_(supervisor),
      mail_(io, http.address_policy()),
      sender_(http, mail_),
      outbox_(outbox),
      lines_(lines),
      record_timer_(io),
      random_(std::random_device{}()) {
  endpoints_.reserve(webhooks.size());
  for (auto& webhook : webhooks) endpoints_.push_back(make_endpoint(std::move(webhook)));
}

Delivery::~Delivery() = default;

std::unique_ptr<Delivery::Endpoint> Delivery::make_endpoint(config::WebhookConfig webhook) {
  const double rate = webhook.rate;
  auto endpoint = std::make_unique<Endpoint>(CircuitBreaker(webhook.breaker_failures, webhook.breaker_cooldown),
                                             RateLimiter(rate, std::max(1.0, rate)));
  endpoint->config = std::move(webhook);
  endpoint->wakeup = std::make_unique<asio::steady_timer>(io_);
  return endpoint;
}

void Delivery::start() {
  started_ = true;
  for (auto& endpoint : endpoints_) spawn(*endpoint);
}

void Delivery::spawn(Endpoint& endpoint) {
  ++loops_;
  const std::string& name = endpoint.config.name;
  supervisor_.spawn(
      "delivery", name, [this, &endpoint] { return run_loop(endpoint); }, webhook_log(name),
      [this, &endpoint] {
        --loops_;
        endpoint.done = true;
      });
}

std::size_t Delivery::update(std::vector<config::WebhookConfig> webhooks) {
  // Held outcomes first, refused ones too: a retry written after the backlog was made due would
  // push it back.
  record_outcomes(true);
  std::size_t orphaned = 0;
  for (auto& endpoint : endpoints_) {
    if (endpoint->removed) continue;
    const auto kept = std::find_if(webhooks.begin(), webhooks.end(),
                                   [&](const config::WebhookConfig& w) { return w.name == endpoint->config.name; });
    if (kept == webhooks.end()) {
      endpoint->removed = true;
      endpoint->wakeup->cancel();
      const std::size_t waiting = outbox_.pending_count(endpoint->config.name);
      if (waiting > 0)
        webhook_log(endpoint->config.name)
            .warn("webhook '{}' was removed; its {} pending alert(s) stay in the outbox until it is configured again",
                  endpoint->config.name, waiting);
      orphaned += waiting;
      continue;
    }
    // New settings are often the fix for a failing receiver: its backlog is retried at once.
    const auto& old = endpoint->config;
    const bool changed = old.url != kept->url || old.headers != kept->headers || old.secret != kept->secret ||
                         old.format != kept->format || old.timeout != kept->timeout ||
                         old.retry.schedule != kept->retry.schedule || old.email != kept->email ||
                         old.token != kept->token || old.chat_id != kept->chat_id || old.room != kept->room ||
                         old.user != kept->user || old.priority != kept->priority;
    if (changed) outbox_.make_pending_due(Clock::now(), kept->name);
    if (old.rate != kept->rate) endpoint->limiter = RateLimiter(kept->rate, std::max(1.0, kept->rate));
    if (old.breaker_failures != kept->breaker_failures || old.breaker_cooldown != kept->breaker_cooldown)
      endpoint->breaker = CircuitBreaker(kept->breaker_failures, kept->breaker_cooldown);
    endpoint->config = std::move(*kept);
    webhooks.erase(kept);
  }
  // Removed endpoints whose loop and attempts have all ended can go.
  std::erase_if(endpoints_, [](const std::unique_ptr<Endpoint>& e) {
    return e->removed && e->done && e->in_flight.empty() && e->unrecorded.empty();
  });
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
  record_outcomes(false);
  wake();
}

void Delivery::cancel_mail() { mail_.cancel_all(); }

void Delivery::launch(Endpoint& endpoint, store::PendingDelivery item) {
  const auto id = item.id;
  endpoint.in_flight.insert(id);
  ++attempts_;
  asio::co_spawn(io_, attempt(endpoint, std::make_shared<const store::PendingDelivery>(std::move(item))), [this, &endpoint, id](std::exception_ptr error) {
    --attempts_;
    endpoint.in_flight.erase(id);
    if (error) webhook_log(endpoint.config.name).error("delivery attempt to webhook '{}' failed: {}", endpoint.config.name,
                                                         describe_exception(error));
    poke(endpoint);
  });
}

asio::awaitable<void> Delivery::run_loop(Endpoint& endpoint) {
  const std::string& name = endpoint.config.name;

  const LogContext log = webhook_log(name);
  if (const auto disabled = outbox_.disabled_endpoint(name); disabled && disabled->url != endpoint.config.url) {
    outbox_.enable_endpoint(name);
    log.info("webhook '{}' re-enabled: its URL changed since it answered {}", name, disabled->reason);
  }
  while (!stopping_ && !endpoint.removed) {
    const auto concurrency = static_cast<std::size_t>(std::max(1, endpoint.config.concurrency));
    endpoint.woken = false;
    std::optional<SteadyClock::duration> wait;

    if (!record_held(endpoint)) {
      // Nothing new starts while the store refuses outcomes: a broken store must not turn into a
      // stream of requests.
      const auto doublings = std::clamp(endpoint.store_failures++ - 1, 0, 5);
      wait = std::min(kStoreRetryMax, kStoreRetryFirst * (1 << doublings));
    } else if (owns_ && !owns_(name)) {
      wait = kIdlePoll;   // another node delivers it; an ownership change wakes us
    } else if (const auto disabled = outbox_.disabled_endpoint(name)) {
      if (!endpoint.disabled)
        log.error("webhook '{}' is disabled ({} since {}); {} alert(s) held in the outbox; "
                  "change its URL or run `newsalertd deliveries retry` to enable it",
                  name, disabled->reason, format_rfc3339(disabled->since), outbox_.pending_count(name));
      endpoint.disabled = true;
      wait = kIdlePoll;
    } else {
      if (endpoint.disabled) log.info("webhook '{}' enabled again", name);
      endpoint.disabled = false;
      std::size_t started = 0;
      bool more_due = false;
      if (endpoint.in_flight.size() < concurrency) {
        // A sent alert whose outcome is not written yet still looks due: it is skipped.
        const std::size_t skipped = endpoint.in_flight.size() + endpoint.held.size();
        const auto due = outbox_.due(name, Clock::now(), concurrency + skipped);
        for (auto& item : due) {
          if (endpoint.in_flight.contains(item.id) || endpoint.held.contains(item.id)) continue;
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
        if (!wait && started > 0 && !more_due && due.size() == concurrency + skipped)
          more_due = true;   // the query was full: there may be more due behind it
      }
      if (!wait) {
        if (endpoint.in_flight.size() >= concurrency || more_due) {
          wait = kIdlePoll;   // a finishing attempt wakes us
        } else if (const auto next = outbox_.next_due(name)) {
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

  const SendResult sent = co_await sender_.send(webhook, item.alert_id, item.payload);
  if (!sent.format_error.empty()) {
    endpoint.breaker.record_neutral();
    const std::string error = "cannot format the payload: " + sent.format_error;
    store_outcome(endpoint, item.id, [this, id = item.id, error, now = Clock::now()] { outbox_.mark_dead(id, error, now); });
    webhook_log(webhook.name)
        .with("ALERT_ID", item.alert_id)
        .error("alert {} for webhook '{}': cannot format the payload ({}); kept as a dead letter", item.alert_id,
               webhook.name, sent.format_error);
    co_return;
  }
  if (sent.cancelled) {
    // Cancelled at shutdown: not the endpoint's fault, and not an attempt; the alert stays due.
    endpoint.breaker.record_neutral();
    co_return;
  }
  const long status = sent.status;
  const std::string& error = sent.error;

  if (disables_endpoint(status)) {
    // The receiver says the endpoint is gone for good: stop sending to it, keep its alerts.
    endpoint.breaker.record_neutral();
    store_outcome(endpoint, item.id, [this, name = webhook.name, url = webhook.url, now = Clock::now()] {
      outbox_.disable_endpoint(name, url, "HTTP 410 Gone", now);
    });
    // Written now: the loop reads the endpoint's state from the store, and must not send the rest
    // of its backlog to a receiver that is gone.
    record_outcomes(false);
    poke(endpoint);
    co_return;
  }
  const auto state_before = endpoint.breaker.state();
  if (is_endpoint_failure(status)) endpoint.breaker.record_failure(std::chrono::steady_clock::now());
  else endpoint.breaker.record_success();
  const auto state_after = endpoint.breaker.state();
  if (state_after == CircuitBreaker::State::open && state_before != CircuitBreaker::State::open)
    webhook_log(webhook.name)
        .warn("webhook '{}': {} failures in a row; circuit open, next probe in {}", webhook.name,
              endpoint.breaker.consecutive_failures(), format_duration(webhook.breaker_cooldown));
  else if (state_after == CircuitBreaker::State::closed && state_before == CircuitBreaker::State::half_open)
    webhook_log(webhook.name).info("webhook '{}': probe succeeded; circuit closed", webhook.name);
  record(endpoint, item, status, error, sent.retry_after);
}

void Delivery::record(Endpoint& endpoint, const store::PendingDelivery& item, long status, const std::string& error,
                      std::optional<Millis> retry_after) {
  const auto& name = endpoint.config.name;
  const int attempts_made = item.attempts + 1;
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  const RetryDecision decision = decide_retry(status, attempts_made, endpoint.config.retry.schedule, retry_after, jitter);
  const auto now = Clock::now();
  if (observer_) observer_(name, decision.outcome);
  const LogContext log = webhook_log(name).with("WATCHLIST", item.watchlist).with("ALERT_ID", item.alert_id);
  switch (decision.outcome) {
    case AttemptOutcome::delivered:
      store_outcome(endpoint, item.id, [this, id = item.id, now] { outbox_.mark_delivered(id, now); });
      log.info("alert {} delivered to webhook '{}' (watchlist '{}', attempt {})", item.alert_id, name, item.watchlist,
               attempts_made);
      break;
    case AttemptOutcome::retry:
      store_outcome(endpoint, item.id, [this, id = item.id, next = now + decision.delay, error] {
        outbox_.mark_retry(id, next, error);
      });
      log.warn("alert {} to webhook '{}' failed (attempt {}): {}; retrying in {}", item.alert_id, name, attempts_made,
               error, format_duration(decision.delay));
      break;
    case AttemptOutcome::dead:
      store_outcome(endpoint, item.id, [this, id = item.id, error, now] { outbox_.mark_dead(id, error, now); });
      log.error("alert {} to webhook '{}' failed for good after {} attempt(s): {}; kept as a dead letter",
                item.alert_id, name, attempts_made, error);
      break;
  }
}

void Delivery::store_outcome(Endpoint& endpoint, std::int64_t id, std::function<void()> write) {
  // Behind outcomes already waiting, in order: a later write must not overtake an earlier one.
  endpoint.unrecorded.emplace_back(id, std::move(write));
  endpoint.held.insert(id);
  if (endpoint.store_failures > 0) return;   // its loop writes them before it starts anything new
  // No waiting once this node no longer delivers the webhook: its new owner must find the outcome.
  const bool handed_over = owns_ && !owns_(endpoint.config.name);
  if (stopping_ || handed_over || endpoint.unrecorded.size() >= kRecordBatch) {
    record_outcomes(false);
    return;
  }
  if (recording_due_) return;
  recording_due_ = true;
  record_timer_.expires_after(kRecordWithin);
  record_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != asio::error::operation_aborted) record_outcomes(false);
  });
}

void Delivery::write_held(const std::vector<Endpoint*>& endpoints) {
  store::retry_on_conflict([&] {
    outbox_.write_together([&] {
      for (const auto* endpoint : endpoints)
        for (const auto& outcome : endpoint->unrecorded) outcome.second();
    });
  });
  for (auto* endpoint : endpoints) {
    endpoint->unrecorded.clear();
    endpoint->held.clear();
  }
}

void Delivery::record_outcomes() { record_outcomes(true); }

void Delivery::record_outcomes(bool retry_failed) {
  recording_due_ = false;
  record_timer_.cancel();
  std::vector<Endpoint*> ready;
  for (auto& endpoint : endpoints_)
    if (!endpoint->unrecorded.empty() && (retry_failed || endpoint->store_failures == 0)) ready.push_back(endpoint.get());
  if (ready.empty()) return;
  try {
    write_held(ready);
  } catch (const std::exception& e) {
    for (auto* endpoint : ready) {
      if (endpoint->store_failures == 0)
        webhook_log(endpoint->config.name)
            .error("webhook '{}': cannot record the outcome of an attempt: {}; outcomes are kept in memory and "
                   "written again, and no new attempt starts until they are",
                   endpoint->config.name, e.what());
      endpoint->store_failures = std::max(endpoint->store_failures, 1);
      poke(*endpoint);
    }
    return;
  }
  for (auto* endpoint : ready) {
    if (endpoint->store_failures > 0)
      webhook_log(endpoint->config.name).info("webhook '{}': outcomes recorded again", endpoint->config.name);
    endpoint->store_failures = 0;
    poke(*endpoint);   // a retry's new time or a freed row changes what the loop waits for
  }
}

bool Delivery::record_held(Endpoint& endpoint) {
  if (endpoint.store_failures == 0) return true;
  if (!endpoint.unrecorded.empty()) {
    try {
      write_held({&endpoint});
    } catch (const std::exception& e) {
      webhook_log(endpoint.config.name)
          .debug("webhook '{}': {} outcome(s) still not recorded: {}", endpoint.config.name,
                 endpoint.unrecorded.size(), e.what());
      return false;
    }
  }
  endpoint.store_failures = 0;
  webhook_log(endpoint.config.name).info("webhook '{}': outcomes recorded again; delivering", endpoint.config.name);
  return true;
}

std::size_t Delivery::unrecorded() const {
  std::size_t count = 0;
  for (const auto& endpoint : endpoints_) count += endpoint->unrecorded.size();
  return count;
}

}  // namespace newsalert::alerts
