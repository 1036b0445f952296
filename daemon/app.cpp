// Wiring of the daemon: one io_context runs the poll loops, the delivery loops and the signals.
#include "daemon/app.hpp"

#include "alerts/delivery.hpp"
#include "alerts/payload.hpp"
#include "daemon/systemd_notify.hpp"
#include "feeds/feed_fetcher.hpp"
#include "feeds/poll_schedule.hpp"
#include "match/matcher.hpp"
#include "net/http_client.hpp"
#include "store/state_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace asio = boost::asio;

namespace newsalert::daemon {

namespace {

net::HttpClientOptions http_options(const config::Config& config) {
  net::HttpClientOptions options;
  options.user_agent = config.user_agent;
  options.max_connections = config.poll.concurrency;
  options.max_per_host = config.poll.per_host;
  options.address_policy = std::make_shared<net::AddressPolicy>(config.network.allow);
  return options;
}

void log_exception(std::string_view what, std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", what, e.what());
  }
}

}  // namespace

struct App::Impl {
  // How many recent publication dates the adaptive schedule reads: enough for a feed publishing
  // every hour to show its full weekly pace.
  static constexpr std::size_t kAdaptiveSample = 200;

  Impl(config::Config cfg, std::ostream& alert_lines)
      : config(std::move(cfg)),
        signals(io, SIGINT, SIGTERM),
        store(store::StateStore::default_file(config.state_dir)),
        http(io, http_options(config)),
        matcher(config.watchlists),
        delivery(io, http, store, config.webhooks, alert_lines),
        random(std::random_device{}()) {
    for (const auto& watchlist : config.watchlists) {
      auto& targets = webhooks_of[watchlist.name];
      if (!watchlist.notify.empty()) targets = watchlist.notify;
      else
        for (const auto& webhook : config.webhooks) targets.push_back(webhook.name);
    }
  }

  feeds::PollPolicy poll_policy(const config::FeedConfig& feed) const {
    feeds::PollPolicy policy;
    policy.interval = feed.interval.value_or(config.poll.interval);
    policy.max_interval = std::max(config.poll.max_interval, policy.interval);
    policy.adaptive = config.poll.adaptive;
    return policy;
  }

  asio::awaitable<void> poll_loop(const config::FeedConfig& feed, Millis first_delay) {
    const feeds::PollPolicy policy = poll_policy(feed);
    asio::steady_timer& timer = *timers.emplace_back(std::make_unique<asio::steady_timer>(io));
    // A wait the server asked for (Retry-After, max-age, ttl) outlives a restart; our own backoff
    // does not, since a restart is often the fix for what failed.
    if (const auto not_before = store.feed_state(feed.url).not_before) {
      const auto wait = std::chrono::duration_cast<Millis>(*not_before - Clock::now());
      if (wait > first_delay) {
        first_delay = wait;
        spdlog::debug("feed {}: first poll in {}, as the server asked", feed.url, format_duration(wait));
      }
    }
    timer.expires_after(first_delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    while (!stopping) {
      store::FeedState state = store.feed_state(feed.url);
      feeds::FetchOutcome outcome = co_await feeds::fetch_feed(http, feed, config.poll, state);
      if (stopping) break;   // nothing was committed for this poll; the next start repeats it
      const auto now = Clock::now();
      state.last_poll = now;
      state.etag = outcome.etag;
      state.last_modified = outcome.last_modified;
      if (!outcome.permanent_url.empty() && outcome.permanent_url != state.current_url) {
        spdlog::info("feed {}: moved permanently to {}; polling the new URL from now on", feed.url,
                     outcome.permanent_url);
        state.current_url = outcome.permanent_url;
      }
      if (outcome.result == feeds::FetchResult::failed) {
        ++state.error_streak;
        state.last_error = outcome.error;
      } else {
        state.error_streak = 0;
        state.last_error.clear();
        state.last_success = now;
        if (outcome.result == feeds::FetchResult::updated) {
          state.ttl = outcome.feed.ttl;
          commit(feed, outcome.feed, state, now);
        } else {
          spdlog::debug("feed {}: not modified ({} ms)", feed.url, outcome.elapsed.count());
        }
      }
      const feeds::ServerHints hints{outcome.retry_after, outcome.max_age, state.ttl};
      const std::vector<TimePoint> published =
          policy.adaptive && state.error_streak == 0 ? store.published_times(feed.url, kAdaptiveSample)
                                                     : std::vector<TimePoint>{};
      const feeds::PollDecision next =
          feeds::decide_next_poll(policy, state.error_streak, hints, published, now, jitter());
      const std::optional<TimePoint> not_before =
          next.server_directed() ? std::optional<TimePoint>(now + next.delay) : std::nullopt;
      // An updated feed's state went out with its commit; write again only when the floor moved.
      if (outcome.result != feeds::FetchResult::updated || not_before != state.not_before) {
        state.not_before = not_before;
        store.save_feed_state(feed.url, state);
      }
      if (state.error_streak > 0)
        spdlog::warn("feed {}: poll failed: {}: {}; failure {} in a row; next poll in {} ({})", feed.url,
                     feeds::failure_class_name(outcome.failure), state.last_error, state.error_streak,
                     format_duration(next.delay), feeds::poll_reason_name(next.reason));
      else
        spdlog::debug("feed {}: next poll in {} ({})", feed.url, format_duration(next.delay),
                      feeds::poll_reason_name(next.reason));
      timer.expires_after(next.delay);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // New entries, their matches and the resulting alerts are committed in one transaction.
  void commit(const config::FeedConfig& feed, const feeds::ParsedFeed& parsed, const store::FeedState& state,
              TimePoint now) {
    std::vector<std::string> ids;
    ids.reserve(parsed.articles.size());
    for (const auto& article : parsed.articles) ids.push_back(article.id);
    const auto unseen_ids = store.unseen(feed.url, ids);
    std::unordered_set<std::string> unseen(unseen_ids.begin(), unseen_ids.end());

    std::vector<store::SeenArticle> seen;
    std::vector<store::OutboxEntry> alerts;
    std::size_t matches = 0;
    for (const auto& article : parsed.articles) {
      if (unseen.erase(article.id) == 0) continue;   // seen before, or a repeated id in this document
      seen.push_back({feed.url, article.id, article.link, article.title, article.published});
      if (config.poll.max_age.count() > 0 && article.published && *article.published < now - config.poll.max_age)
        continue;
      for (const auto& match : matcher.match(article)) {
        ++matches;
        const std::string id = alerts::alert_id(match.watchlist, article);
        const std::string payload = alerts::alert_payload(match, article, id, now).dump();
        for (const auto& webhook : webhooks_of[match.watchlist]) alerts.push_back({id, webhook, match.watchlist, payload});
        spdlog::info("match: watchlist '{}' on \"{}\" ({}) from {}", match.watchlist, article.title, article.link,
                     feed.url);
      }
    }
    const std::size_t queued = store.commit_poll(feed.url, state, seen, alerts, now);
    spdlog::debug("feed {}: {} entries, {} new, {} matches, {} alerts queued", feed.url, parsed.articles.size(),
                  seen.size(), matches, queued);
    if (queued > 0) delivery.wake();
  }

  double jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  asio::awaitable<void> watchdog(Millis every) {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    while (!stopping) {
      sd_notify_state("WATCHDOG=1");
      timer.expires_after(every);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Stops polling, lets deliveries in flight finish for up to shutdown_grace, then ends the loop.
  asio::awaitable<void> shut_down() {
    stopping = true;
    sd_notify_state("STOPPING=1");
    for (auto& timer : timers) timer->cancel();
    delivery.stop();
    asio::steady_timer tick(io);
    const auto deadline = std::chrono::steady_clock::now() + config.shutdown_grace;
    boost::system::error_code ec;
    while ((delivery.running() > 0 || polls_running > 0) && std::chrono::steady_clock::now() < deadline) {
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (delivery.running() > 0)
      spdlog::warn("shutdown: {} delivery loop(s) still busy after {}; their alerts stay in the outbox",
                   delivery.running(), format_duration(config.shutdown_grace));
    http.cancel_all();
    io.stop();
  }

  int run() {
    signals.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      spdlog::info("received {}, shutting down (a second signal stops at once)", signo == SIGTERM ? "SIGTERM" : "SIGINT");
      asio::co_spawn(io, shut_down(), [](std::exception_ptr e) { log_exception("shutdown", e); });
      signals.async_wait([this](const boost::system::error_code& again, int) {
        if (again) return;
        spdlog::warn("second signal: stopping now; unfinished deliveries stay in the outbox");
        io.stop();
      });
    });

    const std::size_t count = config.feeds.size();
    for (std::size_t i = 0; i < count; ++i) {
      const auto& feed = config.feeds[i];
      const Millis first = feeds::initial_poll_delay(i, count, feed.interval.value_or(config.poll.interval));
      ++polls_running;
      asio::co_spawn(io, poll_loop(feed, first), [this, url = feed.url](std::exception_ptr e) {
        --polls_running;
        log_exception("poll loop of " + url + " stopped", e);
      });
    }
    if (const std::size_t resumed = store.make_pending_due(Clock::now()))
      spdlog::info("{} pending alert(s) from the last run will be retried now", resumed);
    delivery.start();
    if (const auto every = watchdog_ping_interval())
      asio::co_spawn(io, watchdog(*every), [](std::exception_ptr e) { log_exception("watchdog", e); });

    spdlog::info("newsalertd started: {} feeds, {} watchlists, {} webhooks, {} alerts pending, state in {}",
                 count, config.watchlists.size(), config.webhooks.size(), store.pending_count(),
                 config.state_dir.string());
    sd_notify_state("READY=1\nSTATUS=polling " + std::to_string(count) + " feeds");
    io.run();
    spdlog::info("newsalertd stopped; {} alerts pending", store.pending_count());
    return 0;
  }

  config::Config config;
  asio::io_context io{1};
  asio::signal_set signals;
  store::StateStore store;
  net::HttpClient http;
  match::Matcher matcher;
  alerts::Delivery delivery;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::unordered_map<std::string, std::vector<std::string>> webhooks_of;
  std::mt19937_64 random;
  bool stopping = false;
  std::size_t polls_running = 0;
};

App::App(config::Config config, std::ostream& alert_lines)
    : impl_(std::make_unique<Impl>(std::move(config), alert_lines)) {}

App::~App() = default;

int App::run() { return impl_->run(); }

}  // namespace newsalert::daemon
