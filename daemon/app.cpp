// Wiring of the daemon: one io_context runs the poll loops, the delivery loops and the signals.
#include "daemon/app.hpp"

#include "alerts/delivery.hpp"
#include "alerts/payload.hpp"
#include "alerts/story_gate.hpp"
#include "common/log_exception.hpp"
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
#include <map>
#include <unordered_set>

namespace asio = boost::asio;

namespace newsalert::daemon {

namespace {

net::HttpClientOptions http_options(const config::Config& config) {
  net::HttpClientOptions options;
  options.user_agent = config.user_agent;
  options.max_connections = config.poll.concurrency;
  options.max_per_host = config.poll.per_host;
  return options;
}

}  // namespace

struct App::Impl {
  Impl(config::Config cfg, std::ostream& alert_lines)
      : config(std::move(cfg)),
        signals(io, SIGINT, SIGTERM),
        store(store::StateStore::default_file(config.state_dir)),
        http(io, http_options(config)),
        matcher(config.watchlists),
        delivery(io, http, store, config.webhooks, alert_lines),
        gate(store, config.watchlists, targets_of(config), [this] { delivery.wake(); }),
        random(std::random_device{}()) {}

  static std::map<std::string, std::vector<std::string>> targets_of(const config::Config& config) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& watchlist : config.watchlists) {
      auto& targets = out[watchlist.name];
      if (!watchlist.notify.empty()) targets = watchlist.notify;
      else
        for (const auto& webhook : config.webhooks) targets.push_back(webhook.name);
    }
    return out;
  }

  asio::awaitable<void> poll_loop(const config::FeedConfig& feed, Millis first_delay) {
    const Millis interval = feed.interval.value_or(config.poll.interval);
    asio::steady_timer& timer = *timers.emplace_back(std::make_unique<asio::steady_timer>(io));
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
      if (outcome.result == feeds::FetchResult::failed) {
        ++state.error_streak;
        state.last_error = outcome.error;
        store.save_feed_state(feed.url, state);
      } else {
        state.error_streak = 0;
        state.last_error.clear();
        state.last_success = now;
        if (outcome.result == feeds::FetchResult::not_modified) {
          store.save_feed_state(feed.url, state);
          spdlog::debug("feed {}: not modified ({} ms)", feed.url, outcome.elapsed.count());
        } else {
          commit(feed, outcome.feed, state, now);
        }
      }
      const Millis delay = feeds::next_poll_delay(interval, state.error_streak, jitter());
      if (state.error_streak > 0)
        spdlog::warn("feed {}: poll failed ({}), failure {} in a row; next try in {}", feed.url, state.last_error,
                     state.error_streak, format_duration(delay));
      timer.expires_after(delay);
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
        // Copies of a known story and throttled stories add nothing here (see StoryGate).
        for (auto& entry : gate.admit(match, article, now)) alerts.push_back(std::move(entry));
        spdlog::info("match: watchlist '{}' on \"{}\" ({}) from {}", match.watchlist, article.title, article.link,
                     feed.url);
      }
    }
    const std::size_t queued = store.commit_poll(feed.url, state, seen, alerts, now);
    spdlog::debug("feed {}: {} entries, {} new, {} matches, {} alerts queued", feed.url, parsed.articles.size(),
                  seen.size(), matches, queued);
    if (queued > 0) {
      std::vector<std::string> targets;
      for (const auto& alert : alerts) targets.push_back(alert.webhook);
      delivery.wake(targets);
    }
  }

  double jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  // Digests are due when a throttle period or quiet hours end, independent of any poll.
  asio::awaitable<void> digest_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    while (!stopping) {
      gate.flush(Clock::now());
      timer.expires_after(std::chrono::seconds(5));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

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
      spdlog::info("received {}, shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
      asio::co_spawn(io, shut_down(), [](std::exception_ptr e) { log_exception("shutdown", e); });
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
    asio::co_spawn(io, digest_loop(), [](std::exception_ptr e) { log_exception("digest loop", e); });
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
  alerts::StoryGate gate;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::mt19937_64 random;
  bool stopping = false;
  std::size_t polls_running = 0;
};

App::App(config::Config config, std::ostream& alert_lines)
    : impl_(std::make_unique<Impl>(std::move(config), alert_lines)) {}

App::~App() = default;

int App::run() { return impl_->run(); }

}  // namespace newsalert::daemon
