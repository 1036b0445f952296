// Wiring of the daemon: one io_context runs the poll loops, the delivery loops and the signals.
#include "daemon/app.hpp"

#include "alerts/delivery.hpp"
#include "api/api.hpp"
#include "common/log_context.hpp"
#include "common/log_exception.hpp"
#include "common/supervisor.hpp"
#include "common/url_redaction.hpp"
#include "common/version.hpp"
#include "common/worker_pool.hpp"
#include "config/load_config.hpp"
#include "daemon/cluster_log.hpp"
#include "daemon/cluster_node.hpp"
#include "daemon/admin_server.hpp"
#include "daemon/metrics.hpp"
#include "daemon/status_report.hpp"
#include "daemon/systemd_notify.hpp"
#include "daemon/websub_gate.hpp"
#include "match/matcher.hpp"
#include "net/http_client.hpp"
#include "pipeline/pipeline.hpp"
#include "poll/article_fetcher.hpp"
#include "poll/feed_fetcher.hpp"
#include "poll/poll_schedule.hpp"
#include "poll/websub_subscriber.hpp"
#include "store/database.hpp"
#include "store/state_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <random>
#include <thread>
#include <unordered_map>

namespace asio = boost::asio;

// GCC 12 reports a false -Wmismatched-new-delete for large coroutine frames: Asio's frame
// operator new/delete pair (aligned_new / aligned_delete) is seen through only on one side.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

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

std::string_view result_name(poll::FetchResult result) {
  switch (result) {
    case poll::FetchResult::updated: return "updated";
    case poll::FetchResult::not_modified: return "not_modified";
    case poll::FetchResult::failed: return "failed";
  }
  return "failed";
}

std::string_view outcome_name(alerts::AttemptOutcome outcome) {
  switch (outcome) {
    case alerts::AttemptOutcome::delivered: return "delivered";
    case alerts::AttemptOutcome::retry: return "retry";
    case alerts::AttemptOutcome::dead: return "dead";
  }
  return "dead";
}

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name);
  return names;
}

std::vector<std::string> urls_of(const std::vector<config::FeedConfig>& feeds) {
  std::vector<std::string> urls;
  for (const auto& feed : feeds) urls.push_back(feed.url);
  return urls;
}

bool same_listen(const std::optional<config::HttpListen>& a, const std::optional<config::HttpListen>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->host == b->host && a->port == b->port);
}

bool same_limits(const config::HttpListen& a, const config::HttpListen& b) {
  return a.max_connections == b.max_connections && a.request_timeout == b.request_timeout &&
         a.idle_timeout == b.idle_timeout;
}

// The loop-lag probe: a timer this often, and how late it fires is the lag.
constexpr Millis kLagProbe{100};
// Feed states of polls that found nothing new are written together this often.
constexpr Millis kStateFlush{1000};
constexpr std::size_t kStateBatch = 250;
// Retention runs this often, removing at most kPruneBatch rows per table per transaction.
constexpr Millis kPruneEvery{std::chrono::hours(1)};
constexpr std::size_t kPruneBatch = 5000;

std::size_t worker_threads() {
  // One thread is the event loop; one or two more parse and match. More would only contend.
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(cores > 1 ? cores - 1 : 1, 1, 2);
}

// One configured feed and what its poll loop has seen; reloads update `feed` in place.
struct FeedSlot {
  config::FeedConfig feed;
  std::unique_ptr<asio::steady_timer> timer;
  std::chrono::steady_clock::time_point due;        // when the next poll starts
  std::optional<std::chrono::steady_clock::time_point> last_attempt;
  bool removed = false;
  bool respread = false;   // its current wait was already spread after a pause
  bool owned = true;       // cluster mode: this node polls it
  FeedStatus status;
};

std::filesystem::path state_file(const config::Config& config) {
  return config.cluster ? cluster_state_file(config.state_dir) : store::StateStore::default_file(config.state_dir);
}

// The apply loop looks this often whether entries other nodes appended are due; one that adds
// alerts wakes it at once, so that a webhook's node sees new alerts soon.
constexpr Millis kApplyEvery{100};
// The leader looks this often whether the log has grown enough for a snapshot.
constexpr Millis kSnapshotCheck{5000};
// A feed whose node died is polled within this long (or its interval, when shorter).
constexpr Millis kTakeoverSpread{10'000};

}  // namespace

struct App::Impl {
  // How many recent publication dates the adaptive schedule reads: enough for a feed publishing
  // every hour to show its full weekly pace.
  static constexpr std::size_t kAdaptiveSample = 200;

  Impl(config::Config cfg, std::ostream& alert_lines, StartOptions options)
      : config(std::move(cfg)),
        signals(io, SIGINT, SIGTERM),
        hangup(io, SIGHUP),
        store(state_file(config),
              options.init_state ? store::StateStore::EmptyFile::initialise : store::StateStore::EmptyFile::refuse),
        http(io, http_options(config)),
        pool(worker_threads()),
        delivery(io, supervisor, http, store.outbox(), config.webhooks, alert_lines),
        pipeline(store, pipeline::rules_of(config), std::make_shared<const match::Matcher>(config.watchlists),
                 [this] { delivery.wake(); }),
        pages(http, pool, config.full_text, config.user_agent),
        random(std::random_device{}()) {
    if (config.cluster) join_cluster();
    if (config.websub) start_websub(*config.websub);
    delivery.set_observer([this](const std::string& webhook, alerts::AttemptOutcome outcome) {
      metrics.delivery_outcome(webhook, outcome_name(outcome));
    });
    metrics.declare(names_of(config.watchlists), names_of(config.webhooks));
    if (config.http) start_admin(*config.http);   // throws when the port is taken: start-up stops
    if (websub && config.websub->listen) {
      AdminServer::Handlers handlers;
      add_websub_handlers(handlers);
      websub_listener = std::make_unique<AdminServer>(io, *config.websub->listen, std::move(handlers));
      websub_listener->start(supervisor);
    }
  }

  void join_cluster() {
    cluster = std::make_unique<ClusterNode>(io, *config.cluster, config.fingerprint, store);
    delivery.set_owner([this](const std::string& webhook) { return owns_webhook(webhook); });
  }

  // A webhook taken over from a node that is still alive waits until that node has stopped
  // starting attempts and its last ones have ended.
  bool owns_webhook(const std::string& webhook) {
    if (!cluster->owns("webhook:" + webhook)) return false;
    const auto from = webhook_from.find(webhook);
    return from == webhook_from.end() || std::chrono::steady_clock::now() >= from->second;
  }

  Millis handover_grace() const { return cluster->heartbeat() * 2; }

  // A webhook taken from a live node waits until that node has surely seen the new members (by
  // member_timeout it has, or it is gone for everyone) and its last attempts have ended: two
  // nodes delivering at once would send alerts twice.
  Millis webhook_handover(const config::WebhookConfig& webhook) const {
    // Its last outcomes are written within kRecordWithin, and reach this node within kApplyWithin.
    const auto written = std::chrono::duration_cast<Millis>(alerts::Delivery::kRecordWithin + ClusterNode::kApplyWithin);
    return std::max(config.cluster->member_timeout, webhook.timeout + cluster->heartbeat() + written);
  }

  // The workers changed: feeds and webhooks change hands.
  void ownership_changed() {
    const auto alive = cluster->alive();
    const auto& before = cluster->previous_workers();
    const auto& after = cluster->workers();
    const std::string& self = cluster->node();
    for (auto& slot : feed_slots) {
      const auto handoff = cluster::handoff(slot->feed.url, self, before, after, alive);
      if (handoff == cluster::Handoff::None) continue;
      slot->owned = handoff != cluster::Handoff::Release;
      const Millis grace = handoff == cluster::Handoff::TakeAfter ? handover_grace() : Millis(0);
      if (slot->owned) take_feed(*slot, grace, handoff == cluster::Handoff::TakeNow);
      if (handoff == cluster::Handoff::TakeAfter) websub_after[slot->feed.url] = std::chrono::steady_clock::now() + grace;
      else websub_after.erase(slot->feed.url);
      slot->timer->cancel();
    }
    for (const auto& webhook : config.webhooks) {
      const auto handoff = cluster::handoff("webhook:" + webhook.name, self, before, after, alive);
      if (handoff == cluster::Handoff::TakeAfter)
        webhook_from[webhook.name] = std::chrono::steady_clock::now() + webhook_handover(webhook);
      else if (handoff == cluster::Handoff::TakeNow)
        webhook_from.erase(webhook.name);
    }
    delivery.record_outcomes();   // a webhook given away: its new owner must find what was sent
    delivery.wake();
  }

  // A feed this node polls from now on: its schedule continues from the shared state.
  void take_feed(FeedSlot& slot, Millis grace, bool orphaned) {
    const store::FeedState state = store.feeds().feed_state(slot.feed.url);
    const Millis interval = poll_policy(slot.feed).interval;   // a pushed feed's is the safety net's
    Millis delay;
    if (!state.last_poll) {
      // Never polled: spread as a single node spreads its first polls. Polled within a few seconds,
      // a new cluster's feeds would all fall due in the same few seconds of every interval after.
      const Millis window = poll::spread_window(config.feeds.size(), interval);
      delay = std::max(grace, Millis(static_cast<Millis::rep>(jitter() * static_cast<double>(window.count()))));
    } else {
      // Left by a node that died (its last polls may not have reached the shared state): polled
      // soon, spread so that many feeds changing hands do not start at once.
      const Millis spread(static_cast<Millis::rep>(jitter() * std::min(interval, kTakeoverSpread).count()));
      const auto next = *state.last_poll + interval;
      const Millis scheduled = std::max(grace, std::chrono::duration_cast<Millis>(next - Clock::now()));
      delay = orphaned ? std::min(scheduled, std::max(grace, spread)) : scheduled;
    }
    // What a server asked for (Retry-After, max-age, ttl) holds whoever polls.
    if (state.not_before) delay = std::max(delay, std::chrono::duration_cast<Millis>(*state.not_before - Clock::now()));
    schedule(slot, std::max(delay, Millis(0)));
    feed_log(slot.feed.url).info("feed {}: polled by this node from now on; next poll in {}", slot.feed.url,
                                 format_duration(std::max(delay, Millis(0))));
  }

  bool owns_feed(const FeedSlot& slot) const { return !cluster || slot.owned; }

  // Entries other nodes committed: new alerts wake the delivery loops.
  asio::awaitable<void> apply_loop() {
    asio::steady_timer timer(io);
    apply_timer = &timer;
    const std::unique_ptr<asio::steady_timer*, void (*)(asio::steady_timer**)> forget(
        &apply_timer, [](asio::steady_timer** slot) { *slot = nullptr; });
    boost::system::error_code ec;
    while (!stopping) {
      if (cluster->apply_arrived()) delivery.wake();
      if (websub_gate) websub_gate->refresh();
      timer.expires_after(kApplyEvery);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // The leader compacts the shared log now and then: a snapshot holds what the entries did.
  asio::awaitable<void> snapshot_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    while (!stopping) {
      timer.expires_after(kSnapshotCheck);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopping || !cluster->owns("leader")) continue;
      const auto job = [node = cluster.get(), file = state_file(config), at = cluster->log_position()] {
        return node->snapshot_if_due(file, at);
      };
      co_await pool.run(job);
    }
  }

  void start_websub(const config::WebSubConfig& websub_config) {
    poll::WebSubSubscriber::Callbacks callbacks;
    callbacks.content = [this](const std::string& feed_url, std::string body, std::string content_type) {
      asio::co_spawn(io, process_push(feed_url, std::move(body), std::move(content_type)),
                     [this, feed_url](std::exception_ptr e) { push_failed(feed_url, e); });
    };
    callbacks.state_changed = [this](const std::string& feed_url, bool active) { push_state_changed(feed_url, active); };
    callbacks.pushed = [this](std::string_view result) { metrics.websub_push(result); };
    if (cluster) {
      callbacks.owns = [this](const std::string& feed_url) { return manages_subscription(feed_url); };
      callbacks.catch_up = [this](bool apply_arrived) { websub_gate->catch_up(apply_arrived); };
    }
    websub = std::make_unique<poll::WebSubSubscriber>(io, http, store.websub(), websub_config, std::move(callbacks));
    websub_gate = std::make_unique<WebSubGate>(io, *websub, cluster.get(), [this] { delivery.wake(); });
  }

  // The feed's poller looks after its subscription; a feed no longer configured has no slot, and
  // its owner by name ends the subscription. A lease that would end within a grace of the handover
  // grace's end is renewed at once: a second renewal is harmless, a lapsed lease is not.
  // Asked for every subscription at each maintenance tick: a lookup, not a walk of the feeds.
  bool manages_subscription(const std::string& feed_url) {
    if (!cluster->owns(feed_url)) return false;
    const auto after = websub_after.find(feed_url);
    if (after == websub_after.end()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= after->second) {
      websub_after.erase(after);
      return true;
    }
    return websub->lease_ends_within(feed_url, std::chrono::duration_cast<Millis>(after->second - now) + handover_grace());
  }

  void add_websub_handlers(AdminServer::Handlers& handlers) {
    if (!websub) return;
    handlers.callback_prefix = websub->path_prefix();
    handlers.callback = [this](poll::CallbackRequest request) { return websub_gate->answer(std::move(request)); };
    handlers.body_limit = config.poll.max_bytes;
  }

  FeedSlot* slot_of(const std::string& feed_url) {
    for (auto& slot : feed_slots)
      if (slot->feed.url == feed_url && !slot->removed) return slot.get();
    return nullptr;
  }

  // Push started: the next poll moves out to the safety-net interval. Push ended: poll soon, as
  // anything published since the last push would otherwise wait a whole slow interval.
  void push_state_changed(const std::string& feed_url, bool active) {
    FeedSlot* slot = slot_of(feed_url);
    if (slot == nullptr || !owns_feed(*slot)) return;   // its poller's schedule changes, on its node
    if (active) {
      const Millis slow = poll_policy(slot->feed).interval;
      const auto since = slot->last_attempt ? std::chrono::steady_clock::now() - *slot->last_attempt
                                            : std::chrono::steady_clock::duration::zero();
      schedule(*slot, std::max(Millis(0), slow - std::chrono::duration_cast<Millis>(since)));
      feed_log(feed_url).info("feed {}: pushed by its WebSub hub; polling every {} as a safety net", feed_url,
                   format_duration(slow));
    } else {
      schedule(*slot, Millis(static_cast<Millis::rep>(1000 * jitter())));
      feed_log(feed_url).info("feed {}: no WebSub push; polling every {} again", feed_url, format_duration(interval_of(slot->feed)));
    }
    slot->timer->cancel();
  }

  // The hub will not send that content again: the feed's next poll, brought forward, picks up
  // whatever the push carried.
  void push_failed(const std::string& feed_url, std::exception_ptr error) {
    if (!error) return;
    FeedSlot* slot = slot_of(feed_url);
    feed_log(feed_url).error("feed {}: pushed content could not be committed: {}; polling the feed {}", feed_url,
                             describe_exception(error), slot != nullptr ? "now instead" : "is not possible (removed)");
    if (slot == nullptr || stopping) return;
    schedule(*slot, Millis(0));
    slot->timer->cancel();
  }

  // Pushed content takes the polled path from parsing on: same dedupe, matching, outbox.
  asio::awaitable<void> process_push(std::string feed_url, std::string body, std::string content_type) {
    FeedSlot* slot = slot_of(feed_url);
    if (slot == nullptr || stopping) co_return;
    const std::string current = feed_state(feed_url).current_url;
    const std::string base = current.empty() ? feed_url : current;
    feeds::ParsedFeed parsed;
    const feeds::ParseLimits limits = poll::parse_limits(config.poll);
    if (body.size() >= poll::kOffloadParseBytes)
      parsed = co_await poll::parse_on(pool, std::move(body), base, content_type, limits);
    else
      parsed = feeds::parse_feed(body, base, content_type, limits);
    if (!parsed.ok()) {
      feed_log(feed_url).warn("feed {}: pushed content is not a feed: {}", feed_url, parsed.error);
      co_return;
    }
    if (parsed.recovered) feed_log(feed_url).warn("feed {}: pushed content recovered: {}", feed_url, parsed.warning);
    for (auto& article : parsed.articles) article.feed_url = feed_url;
    if (stopping) co_return;
    // A node that does not poll the feed leaves its state to the one that does.
    std::optional<store::FeedState> state;
    if (owns_feed(*slot)) state = feed_state(feed_url);
    co_await commit(slot->feed, std::move(parsed), std::move(state), Clock::now());
  }

  // The stored state, or the newer one still waiting for the next batched write.
  store::FeedState feed_state(const std::string& feed_url) {
    if (const auto it = pending_states.find(feed_url); it != pending_states.end()) return it->second;
    return store.feeds().feed_state(feed_url);
  }

  // In transactions of at most kStateBatch feeds: in a cluster each is one entry of the shared
  // log, which must stay within what the servers accept however many polls piled up.
  void flush_states() {
    while (!pending_states.empty()) {
      std::vector<std::pair<std::string, store::FeedState>> batch;
      for (auto it = pending_states.begin(); it != pending_states.end() && batch.size() < kStateBatch; ++it)
        batch.emplace_back(it->first, it->second);
      try {
        store::retry_on_conflict([&] { store.feeds().save_feed_states(batch); });
      } catch (const std::exception& e) {
        spdlog::error("cannot save the state of {} feed(s): {}; trying again", pending_states.size(), e.what());
        return;
      }
      for (const auto& [url, state] : batch) pending_states.erase(url);
    }
  }

  asio::awaitable<void> flush_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    while (!stopping) {
      timer.expires_after(kStateFlush);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      flush_states();
    }
  }

  // How late a periodic timer fires is how long the loop was busy with something else.
  asio::awaitable<void> lag_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    auto next = std::chrono::steady_clock::now() + kLagProbe;
    while (!stopping) {
      timer.expires_at(next);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      const auto now = std::chrono::steady_clock::now();
      metrics.loop_lag(std::chrono::duration<double>(now - next).count());
      next = now + kLagProbe;
    }
  }

  // Kept article texts past state.keep_text; each node keeps its own, so every node prunes them.
  void prune_texts() {
    if (config.state.keep_text.count() == 0) return;
    try {
      std::size_t removed = 0;
      for (std::size_t n = kPruneBatch; n == kPruneBatch;) {
        n = store::retry_on_conflict([&] { return store.prune_texts(Clock::now() - config.state.keep_text, kPruneBatch); });
        removed += n;
      }
      if (removed > 0) spdlog::info("keep_text ({}): removed {} article text(s)", format_duration(config.state.keep_text), removed);
    } catch (const std::exception& e) {
      spdlog::error("keep_text: {}", e.what());
    }
  }

  // Retention: old seen-article records, final delivery records and stories go, in short batches.
  asio::awaitable<void> prune_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    timer.expires_after(std::chrono::seconds(30));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    while (!stopping) {
      if (config.state.retention.count() > 0 && (!cluster || cluster->owns("leader"))) {
        store::PruneCounts total;
        for (;;) {
          store::PruneCounts counts;
          try {
            counts = store::retry_on_conflict([&] { return store.prune(Clock::now() - config.state.retention, kPruneBatch); });
          } catch (const std::exception& e) {
            spdlog::error("retention: {}", e.what());
            break;
          }
          total.articles += counts.articles;
          total.deliveries += counts.deliveries;
          total.stories += counts.stories;
          total.story_copies += counts.story_copies;
          if (stopping || std::max({counts.articles, counts.deliveries, counts.stories, counts.story_copies}) < kPruneBatch)
            break;
          timer.expires_after(std::chrono::milliseconds(10));   // let polls and deliveries run between batches
          co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        pruned_rows += total.total();
        if (total.total() > 0)
          spdlog::info("retention ({}): removed {} article record(s), {} delivery record(s), {} stories, {} story copies",
                       format_duration(config.state.retention), total.articles, total.deliveries, total.stories,
                       total.story_copies);
      }
      prune_texts();
      timer.expires_after(kPruneEvery);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  std::string render_metrics() {
    Metrics::Runtime runtime;
    const net::HttpConnectionStats connections = http.connection_stats();
    runtime.http_transfers = connections.transfers;
    runtime.http_connections = connections.new_connections;
    runtime.worker_jobs = pool.jobs();
    runtime.websub_active = websub ? websub->active_count() : 0;
    runtime.pruned_rows = pruned_rows;
    runtime.loop_restarts = supervisor.restarts_by_kind();
    for (std::size_t i = 0; i < poll::kFullTextOutcomes; ++i)
      runtime.full_text_pages[std::string(poll::full_text_outcome_name(static_cast<poll::FullTextOutcome>(i)))] =
          pages.counts()[i];
    metrics.set_runtime(runtime);
    std::string text = metrics.render(store.outbox().pending_count());
    if (cluster) {
      std::size_t owned = 0;
      for (const auto& slot : feed_slots) owned += slot->owned ? 1 : 0;
      text += cluster->metrics(owned);
    }
    return text;
  }

  poll::PollPolicy poll_policy(const config::FeedConfig& feed) const {
    poll::PollPolicy policy;
    policy.interval = feed.interval.value_or(config.poll.interval);
    policy.max_interval = std::max(config.poll.max_interval, policy.interval);
    policy.adaptive = config.poll.adaptive;
    if (websub && websub->active(feed.url)) {
      // Pushed: polling is only the safety net.
      policy.interval = std::max(policy.interval, config.websub->poll_interval);
      policy.max_interval = std::max(policy.max_interval, policy.interval);
    }
    return policy;
  }

  void start_admin(const config::HttpListen& listen) {
    AdminServer::Handlers handlers;
    handlers.metrics = [this] { return render_metrics(); };
    handlers.not_ready = [this] { return not_ready(); };
    handlers.api = [this](const api::Request& request) { return api.route(request); };
    handlers.run_job = [this](api::Job job) { return pool.run(std::move(job)); };
    handlers.reload = [this] { return reload("config files changed through the API"); };
    if (config.websub && !config.websub->listen) add_websub_handlers(handlers);
    auto server = std::make_unique<AdminServer>(io, listen, std::move(handlers));
    if (admin) admin->stop();
    admin = std::move(server);
    admin->start(supervisor);
  }

  Millis interval_of(const config::FeedConfig& feed) const { return feed.interval.value_or(config.poll.interval); }

  // Sleeps until the slot is due; a reload that moves `due` cancels the timer to wake it early.
  // Waking far too late (the process was stopped, the machine slept) spreads the poll instead of
  // starting it with every other late feed.
  asio::awaitable<void> wait_until_due(FeedSlot& slot) {
    boost::system::error_code ec;
    slot.respread = false;
    for (;;) {
      while (!stopping && !slot.removed && (!owns_feed(slot) || std::chrono::steady_clock::now() < slot.due)) {
        // Not this node's: sleep until an ownership change cancels the timer.
        if (owns_feed(slot)) slot.timer->expires_at(slot.due);
        else slot.timer->expires_after(std::chrono::hours(1));
        co_await slot.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (stopping || slot.removed || slot.respread) co_return;
      const auto late = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - slot.due);
      const Millis spread = poll::resume_delay(late, poll_policy(slot.feed).interval, feed_slots.size(), jitter());
      if (spread.count() == 0) co_return;
      slot.respread = true;
      feed_log(slot.feed.url).debug("feed {}: poll {} late; spreading it by {}", slot.feed.url, format_duration(late),
                    format_duration(spread));
      schedule(slot, spread);
    }
  }

  void schedule(FeedSlot& slot, Millis delay) {
    slot.due = std::chrono::steady_clock::now() + delay;
    slot.status.next_poll = Clock::now() + delay;
  }

  void record_poll(FeedSlot& slot, const poll::FetchOutcome& outcome, const store::FeedState& state, double seconds) {
    const auto result = result_name(outcome.result);
    metrics.feed_polled(slot.feed.url, result, seconds,
                        outcome.result == poll::FetchResult::failed ? std::nullopt : state.last_success);
    slot.last_attempt = std::chrono::steady_clock::now();
    slot.status.last_result = std::string(result);
    slot.status.last_poll = state.last_poll;
    slot.status.last_success = state.last_success;
    slot.status.error_streak = state.error_streak;
    slot.status.last_error = state.last_error;
  }

  std::optional<std::string> not_ready() {
    if (stopping) return "shutting down";
    if (cluster && !cluster->accepted()) return "cluster: " + cluster->refusal();
    if (cluster && !cluster->connected()) return "cluster: not connected to NATS";
    std::size_t untried = 0;
    for (const auto& slot : feed_slots) untried += owns_feed(*slot) && slot->status.last_result == "never" ? 1 : 0;
    if (untried > 0) return std::to_string(untried) + " of " + std::to_string(feed_slots.size()) + " feeds not polled yet";
    std::string error;
    if (!store.probe_writable(error)) return "state database not writable: " + error;
    if (const auto failing = supervisor.failing(); !failing.empty()) {
      std::string why = std::to_string(failing.size()) + " loop(s) failing: ";
      for (std::size_t i = 0; i < failing.size() && i < 5; ++i)
        why += (i > 0 ? "; " : "") + failing[i].kind + " " + failing[i].name + ": " + failing[i].last_error;
      return redact_urls_in_text(why);
    }
    return std::nullopt;
  }

  StatusReport status_report() {
    StatusReport report;
    report.version = kVersion;
    report.config_file = config.source.string();
    report.started = started;
    report.config_loaded = config_loaded;
    report.ready = !not_ready();
    report.watchlists = config.watchlists.size();
    report.webhooks = config.webhooks.size();
    report.outbox_pending = store.outbox().pending_count();
    report.alerts_total = metrics.alerts_total();
    report.polls_total = metrics.polls_total();
    // What the report shows leaves the process: URLs with their secrets hidden.
    for (const auto& slot : feed_slots) {
      FeedStatus feed = slot->status;
      feed.url = redact_url_secrets(slot->feed.url);
      feed.title = slot->feed.title;
      feed.last_error = redact_urls_in_text(feed.last_error);
      if (cluster) feed.owner = cluster->owner_of(slot->feed.url);
      report.feeds.push_back(std::move(feed));
    }
    if (cluster) report.cluster = cluster_status();
    for (const auto& loop : supervisor.loops()) {
      if (loop.restarts == 0) continue;
      report.loops.push_back({loop.kind, loop.name, loop.restarts, loop.streak > 0 && loop.running,
                              redact_urls_in_text(loop.last_error), loop.last_failure});
    }
    return report;
  }

  ClusterStatus cluster_status() const {
    ClusterStatus status;
    status.node = cluster->node();
    status.accepted = cluster->accepted();
    status.refusal = cluster->refusal();
    status.workers = cluster->workers().members();
    status.members = cluster->alive();
    status.log_position = cluster->log_position();
    status.log_conflicts = cluster->conflicts();
    status.log_rebased = cluster->rebased();
    return status;
  }

  std::string status_line() {
    std::size_t failing = 0;
    for (const auto& slot : feed_slots) failing += slot->status.error_streak > 0 ? 1 : 0;
    return "STATUS=" + std::to_string(feed_slots.size()) + " feeds (" + std::to_string(failing) + " failing), " +
           std::to_string(config.watchlists.size()) + " watchlists, " + std::to_string(metrics.alerts_total()) +
           " alerts since start, " + std::to_string(store.outbox().pending_count()) + " pending";
  }

  // systemd shows the latest STATUS= in `systemctl status`; refreshed when it changes.
  asio::awaitable<void> status_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    std::string last;
    while (!stopping) {
      if (std::string line = status_line(); line != last) {
        sd_notify_state(line);
        last = std::move(line);
      }
      timer.expires_after(std::chrono::seconds(5));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  void start_feed(const config::FeedConfig& feed, Millis first_delay) {
    auto slot = std::make_shared<FeedSlot>();
    slot->feed = feed;
    slot->timer = std::make_unique<asio::steady_timer>(io);
    const store::FeedState state = store.feeds().feed_state(feed.url);
    // A wait the server asked for (Retry-After, max-age, ttl) outlives a restart; our own backoff
    // does not, since a restart is often the fix for what failed.
    if (state.not_before) {
      const auto wait = std::chrono::duration_cast<Millis>(*state.not_before - Clock::now());
      if (wait > first_delay) {
        first_delay = wait;
        feed_log(feed.url).debug("feed {}: first poll in {}, as the server asked", feed.url, format_duration(wait));
      }
    }
    schedule(*slot, first_delay);
    if (cluster) {
      slot->owned = cluster->owns(feed.url);
      if (slot->owned) take_feed(*slot, Millis(0), true);
    }
    slot->status.last_poll = state.last_poll;
    slot->status.last_success = state.last_success;
    slot->status.error_streak = state.error_streak;
    slot->status.last_error = state.last_error;
    metrics.feed_known(feed.url, state.last_success);
    feed_slots.push_back(slot);
    ++polls_running;
    supervisor.spawn(
        "poll", redact_url_secrets(feed.url), [this, slot] { return poll_loop(slot); }, feed_log(feed.url),
        [this] { --polls_running; });
  }

  // SIGHUP: a valid config replaces the running one between two events of the loop, so no poll,
  // commit or delivery sees half of each; an invalid one is logged and changes nothing.
  // `why` is what asked for it: "received SIGHUP", or a change made through the API. True when the
  // new config runs.
  // Reloads run one at a time, so none swaps in files older than those of one already applied.
  // Reading the files and building the matcher burn CPU: they run on the worker pool.
  asio::awaitable<bool> reload(std::string why) {
    while (reloading) {
      boost::system::error_code ec;
      co_await reload_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (refused_while_stopping(why)) co_return false;
    reloading = true;
    reload_done.expires_at(asio::steady_timer::time_point::max());
    struct Turn {   // however the reload ends, the next one gets its turn
      Impl& app;
      ~Turn() {
        app.reloading = false;
        app.reload_done.cancel();
      }
    } const turn{*this};
    sd_notify_reloading();
    spdlog::info("{}, reloading {}", why, config.source.string());
    bool applied = false;
    try {
      // A named job: g++ 12 destroys a capturing lambda written inside the co_await expression twice.
      const auto job = [source = config.source] { return load_for_reload(source); };
      ReloadedConfig next = co_await pool.run(job);
      if (refused_while_stopping(why)) co_return false;   // no READY=1 after STOPPING=1
      if (!next.matcher)
        spdlog::error("reload rejected: {} problem(s) in {}; still running the configuration loaded at {}",
                      next.problems, config.source.string(), format_rfc3339(config_loaded));
      applied = next.matcher && apply_reload(std::move(next));
      sd_notify_state("READY=1\n" + status_line());
    } catch (const std::exception& e) {
      spdlog::error("reload failed: {}", e.what());
      sd_notify_state("READY=1");
    }
    co_return applied;
  }

  // A reload asked for, or built, once the daemon is stopping changes nothing.
  bool refused_while_stopping(const std::string& why) const {
    if (stopping) spdlog::warn("{}: not reloaded, the daemon is stopping; the files are read at its next start", why);
    return stopping;
  }

  // What a reload builds off the event loop; no matcher when the files were refused.
  struct ReloadedConfig {
    config::Config config;
    std::shared_ptr<const match::Matcher> matcher;
    std::size_t problems = 0;
  };

  static ReloadedConfig load_for_reload(const std::filesystem::path& source) {
    ReloadedConfig next;
    try {
      next.config = config::load_config(source);
    } catch (const config::ConfigError& e) {
      for (const auto& diagnostic : e.diagnostics()) spdlog::error("reload: {}", diagnostic.str());
      next.problems = e.diagnostics().size();
      return next;
    }
    next.matcher = std::make_shared<const match::Matcher>(next.config.watchlists);
    return next;
  }

  // Swaps a loaded config in between two events of the loop; false when it is refused here.
  bool apply_reload(ReloadedConfig reloaded) {
    config::Config& next = reloaded.config;
    for (const auto& warning : next.warnings) spdlog::warn("reload: {}", warning.str());
    if (next.state_dir != config.state_dir) {
      spdlog::warn("reload: state_dir changed to {}; restart to use it, still using {}", next.state_dir.string(),
                   config.state_dir.string());
      next.state_dir = config.state_dir;
    }
    if (next.poll.concurrency != config.poll.concurrency || next.poll.per_host != config.poll.per_host ||
        next.user_agent != config.user_agent)
      spdlog::warn("reload: poll.concurrency, poll.per_host and user_agent take effect at the next restart");
    if (next.websub.has_value() != config.websub.has_value() ||
        (next.websub && (next.websub->callback_base != config.websub->callback_base ||
                         !same_listen(next.websub->listen, config.websub->listen) ||
                         next.websub->poll_interval != config.websub->poll_interval ||
                         next.websub->lease != config.websub->lease)))
      spdlog::warn("reload: the websub section takes effect at the next restart");
    next.websub = config.websub;   // the subscriber and its listener run on the one loaded at start
    if (!same_listen(next.http, config.http)) {
      try {
        if (next.http) start_admin(*next.http);
        else if (admin) {
          admin->stop();
          admin.reset();
          spdlog::info("admin listener closed");
        }
      } catch (const std::exception& e) {
        spdlog::error("reload rejected: {}; still running the configuration loaded at {}", e.what(),
                      format_rfc3339(config_loaded));
        return false;
      }
    } else if (next.http && !same_limits(*next.http, *config.http)) {
      // The listener keeps its port across a reload, so it keeps the bounds it was opened with.
      spdlog::warn("reload: http.max_connections, http.request_timeout and http.idle_timeout take effect at the "
                   "next restart");
      next.http = config.http;
    }
    // From here on nothing fails: swap everything in.
    std::size_t added = 0, removed = 0, rescheduled = 0;
    for (auto& slot : feed_slots) {
      const auto kept = std::find_if(next.feeds.begin(), next.feeds.end(),
                                     [&](const config::FeedConfig& f) { return f.url == slot->feed.url; });
      if (kept == next.feeds.end()) {
        slot->removed = true;   // a poll in flight still commits what it fetched, then the loop ends
        slot->timer->cancel();
        metrics.forget_feed(slot->feed.url);
        ++removed;
        continue;
      }
      const Millis old_interval = interval_of(slot->feed);
      const Millis new_interval = kept->interval.value_or(next.poll.interval);
      slot->feed = *kept;
      if (new_interval != old_interval && slot->last_attempt) {
        const Millis delay = poll::next_poll_delay(new_interval, slot->status.error_streak, jitter());
        const auto since = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - *slot->last_attempt);
        schedule(*slot, std::max(Millis(0), delay - since));
        slot->timer->cancel();
        ++rescheduled;
      }
    }
    std::erase_if(feed_slots, [](const auto& slot) { return slot->removed; });
    if (websub) websub->set_feeds(urls_of(next.feeds));
    std::vector<const config::FeedConfig*> new_feeds;
    for (const auto& feed : next.feeds)
      if (std::none_of(feed_slots.begin(), feed_slots.end(), [&](const auto& slot) { return slot->feed.url == feed.url; }))
        new_feeds.push_back(&feed);
    for (std::size_t i = 0; i < new_feeds.size(); ++i) {
      start_feed(*new_feeds[i], poll::initial_poll_delay(i, new_feeds.size(), interval_of(*new_feeds[i])));
      ++added;
    }
    // Config order for status: slots follow the new file.
    std::stable_sort(feed_slots.begin(), feed_slots.end(), [&](const auto& a, const auto& b) {
      const auto position = [&](const std::string& url) {
        return std::find_if(next.feeds.begin(), next.feeds.end(), [&](const auto& f) { return f.url == url; }) -
               next.feeds.begin();
      };
      return position(a->feed.url) < position(b->feed.url);
    });
    if (next.cluster && config.cluster && next.cluster->node != config.cluster->node)
      spdlog::warn("reload: cluster.node takes effect at the next restart");
    next.cluster = config.cluster;   // the node's connection and name are those it started with
    if (cluster) cluster->adopt_config(next.fingerprint);
    delivery.update(next.webhooks);
    pipeline.update(pipeline::rules_of(next), std::move(reloaded.matcher));
    pages.update(next.full_text);
    config = std::move(next);
    config_loaded = Clock::now();
    metrics.declare(names_of(config.watchlists), names_of(config.webhooks));
    spdlog::info("reloaded {}: {} feeds ({} added, {} removed, {} rescheduled), {} watchlists, {} webhooks",
                 config.source.string(), feed_slots.size(), added, removed, rescheduled, config.watchlists.size(),
                 config.webhooks.size());
    return true;
  }

  // A restart often is the fix for a broken receiver, so the backlog is tried at once. On a full
  // disk this write can fail; the backlog then goes at its scheduled times, which loses nothing.
  void resume_pending() {
    try {
      if (const std::size_t resumed =
              store::retry_on_conflict([&] { return store.outbox().make_pending_due(Clock::now()); }))
        spdlog::info("{} pending alert(s) from the last run will be retried now", resumed);
    } catch (const newsalert::store::DatabaseError& e) {
      spdlog::warn("cannot bring pending alerts forward: {}; they are retried at their scheduled times", e.what());
    }
  }

  void wait_for_hangup() {
    hangup.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec || stopping) return;
      asio::co_spawn(io, reload("received SIGHUP"), [](std::exception_ptr e, bool) { log_exception("reload", e); });
      wait_for_hangup();
    });
  }

  asio::awaitable<void> poll_loop(std::shared_ptr<FeedSlot> slot) {
    const config::FeedConfig& feed = slot->feed;
    co_await wait_until_due(*slot);
    while (!stopping && !slot->removed) {
      store::FeedState state = feed_state(feed.url);
      bool committed = false;   // the state went out with the poll's entries
      const auto poll_started = std::chrono::steady_clock::now();
      // Now and then without validators, so the records of entries the feed still lists are
      // refreshed before retention could prune them (see needs_full_fetch).
      store::FeedState request_state = state;
      if (poll::needs_full_fetch(state.last_full, Clock::now(), config.state.retention)) {
        request_state.etag.clear();
        request_state.last_modified.clear();
      }
      poll::FetchOutcome outcome = co_await poll::fetch_feed(http, feed, config.poll, request_state, &pool);
      if (stopping) break;   // nothing was committed for this poll; the next start repeats it
      const auto now = Clock::now();
      state.last_poll = now;
      if (outcome.result == poll::FetchResult::updated) {   // otherwise the stored validators stay
        state.etag = outcome.etag;
        state.last_modified = outcome.last_modified;
      }
      if (!outcome.permanent_url.empty() && outcome.permanent_url != state.current_url) {
        feed_log(feed.url).info("feed {}: moved permanently to {}; polling the new URL from now on", feed.url,
                     outcome.permanent_url);
        state.current_url = outcome.permanent_url;
      }
      if (outcome.result == poll::FetchResult::failed) {
        ++state.error_streak;
        state.last_error = outcome.error;
      } else {
        state.error_streak = 0;
        state.last_error.clear();
        state.last_success = now;
        if (outcome.result == poll::FetchResult::updated) {
          state.ttl = outcome.feed.ttl;
          state.last_full = now;
          pending_states.erase(feed.url);   // the commit writes the newer state
          const std::string url = feed.url;
          committed = co_await commit(feed, std::move(outcome.feed), state, now);
          if (websub && !slot->removed && owns_feed(*slot)) {
            websub_gate->refresh();   // a subscription another node made for the feed is not made again
            websub->discovered(url, outcome.hubs, outcome.self.empty() ? outcome.url : outcome.self);
          }
        } else {
          feed_log(feed.url).debug("feed {}: not modified ({} ms)", feed.url, outcome.elapsed.count());
        }
      }
      record_poll(*slot, outcome, state,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - poll_started).count());
      const poll::PollPolicy policy = poll_policy(feed);
      const poll::ServerHints hints{outcome.retry_after, outcome.max_age, state.ttl};
      const std::vector<TimePoint> published =
          policy.adaptive && state.error_streak == 0 ? store.feeds().published_times(feed.url, kAdaptiveSample)
                                                     : std::vector<TimePoint>{};
      const poll::PollDecision next =
          poll::decide_next_poll(policy, state.error_streak, hints, published, now, jitter());
      const std::optional<TimePoint> not_before =
          next.server_directed() ? std::optional<TimePoint>(now + next.delay) : std::nullopt;
      // An updated feed's state went out with its commit; write again only when the floor moved.
      // Other polls, and updated feeds with nothing new, are written in batches (one transaction a
      // second for all of them).
      if (!committed || not_before != state.not_before) {
        state.not_before = not_before;
        pending_states[feed.url] = state;
      }
      // After a success the next poll counts from this one's start, so the time a poll takes
      // does not add up: each feed keeps its interval and its phase.
      const auto taken = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - poll_started);
      schedule(*slot, state.error_streak == 0 ? std::max(Millis(0), next.delay - taken) : next.delay);
      if (state.error_streak > 0)
        feed_log(feed.url).warn("feed {}: poll failed: {}: {}; failure {} in a row; next poll in {} ({})", feed.url,
                     poll::failure_class_name(outcome.failure), state.last_error, state.error_streak,
                     format_duration(next.delay), poll::poll_reason_name(next.reason));
      else
        feed_log(feed.url).debug("feed {}: next poll in {} ({})", feed.url, format_duration(next.delay),
                      poll::poll_reason_name(next.reason));
      co_await wait_until_due(*slot);
    }
  }

  // Every new entry of a poll or a push goes through the pipeline; what it queued is delivered.
  // The feed's settings are copied: a reload may replace its slot while pages are fetched.
  // Whether the feed's state was written with the batch (not when the batch had nothing new).
  asio::awaitable<bool> commit(config::FeedConfig feed, feeds::ParsedFeed parsed, std::optional<store::FeedState> state,
                               TimePoint now) {
    pipeline::Batch batch{feed.url, std::move(parsed.articles), std::move(state), now, parsed.language};
    if (pages.wanted(feed)) co_await pages.fill(batch.articles, pipeline.to_match(batch), feed);
    const pipeline::Outcome outcome = co_await pipeline.process(std::move(batch), &pool);
    metrics.articles_new(outcome.new_entries);
    for (const auto& watchlist : outcome.raised) metrics.alert_raised(watchlist);
    if (outcome.queued > 0) delivery.wake(outcome.webhooks);
    co_return outcome.recorded;
  }

  double jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  // Digests are due when a throttle period or quiet hours end, independent of any poll.
  asio::awaitable<void> digest_loop() {
    asio::steady_timer timer(io);
    boost::system::error_code ec;
    while (!stopping) {
      if (!cluster || cluster->owns("leader")) pipeline.flush_digests(Clock::now());
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
    supervisor.stop();
    sd_notify_state("STOPPING=1");
    for (auto& slot : feed_slots) slot->timer->cancel();
    if (admin) admin->stop();
    if (websub_gate) websub_gate->stop();
    if (websub_listener) websub_listener->stop();
    delivery.stop();
    if (cluster) cluster->stop();   // the others take this node's feeds and webhooks at their next beat
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
    delivery.record_outcomes();
    if (const std::size_t unrecorded = delivery.unrecorded(); unrecorded > 0)
      spdlog::error("shutdown: the outcomes of {} delivery attempt(s) could not be written to the state database; "
                    "those alerts will be sent again after the restart",
                    unrecorded);
    if (websub) websub->stop();
    flush_states();
    http.cancel_all();
    delivery.cancel_mail();
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

    wait_for_hangup();

    const std::size_t count = config.feeds.size();
    for (std::size_t i = 0; i < count; ++i)
      start_feed(config.feeds[i], poll::initial_poll_delay(i, count, interval_of(config.feeds[i])));
    resume_pending();
    delivery.start();
    if (websub) websub->start(urls_of(config.feeds), supervisor);
    if (cluster) {
      cluster->start([this] { ownership_changed(); });
      cluster->on_alerts_arrived([this] {
        asio::post(io, [this] {
          if (apply_timer != nullptr) apply_timer->cancel();
        });
      });
      supervisor.spawn("cluster_apply", "", [this] { return apply_loop(); });
      supervisor.spawn("cluster_snapshot", "", [this] { return snapshot_loop(); });
    }
    supervisor.spawn("digest", "", [this] { return digest_loop(); });
    supervisor.spawn("state_writer", "", [this] { return flush_loop(); });
    supervisor.spawn("lag_probe", "", [this] { return lag_loop(); });
    supervisor.spawn("retention", "", [this] { return prune_loop(); });
    if (const auto every = watchdog_ping_interval())
      supervisor.spawn("watchdog", "", [this, every = *every] { return watchdog(every); });

    spdlog::info("newsalertd started: {} feeds, {} watchlists, {} webhooks, {} alerts pending, state in {}",
                 count, config.watchlists.size(), config.webhooks.size(), store.outbox().pending_count(),
                 config.state_dir.string());
    sd_notify_state("READY=1\n" + status_line());
    supervisor.spawn("status", "", [this] { return status_loop(); });
    io.run();
    spdlog::info("newsalertd stopped; {} alerts pending", store.outbox().pending_count());
    return 0;
  }

  config::Config config;
  asio::io_context io{1};
  Supervisor supervisor{io};
  asio::signal_set signals;
  asio::signal_set hangup;
  store::StateStore store;
  net::HttpClient http;
  WorkerPool pool;
  alerts::Delivery delivery;
  pipeline::Pipeline pipeline;
  poll::ArticleFetcher pages;   // full_text: the page behind each new entry
  Metrics metrics;
  std::vector<std::shared_ptr<FeedSlot>> feed_slots;   // config order
  std::unique_ptr<ClusterNode> cluster;   // cluster mode only
  asio::steady_timer* apply_timer = nullptr;   // the apply loop's, while it waits: woken when alerts arrive
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> webhook_from;   // handovers in progress
  api::Api api{api::Api::Host{[this]() -> const config::Config& { return config; },
                              [this] { return status_report().to_json().dump(); },
                              [this]() -> store::StateStore& { return store; },
                              [this](const std::string& webhook) { delivery.wake({webhook}); }}};
  std::unique_ptr<AdminServer> admin;
  std::unique_ptr<poll::WebSubSubscriber> websub;
  std::unique_ptr<AdminServer> websub_listener;   // websub.listen, when callbacks have a listener of their own
  std::unique_ptr<WebSubGate> websub_gate;   // beside websub: the hub's requests
  // Feeds taken from a live node: this node looks after their WebSub subscriptions from then on,
  // once that node has surely seen the new workers (as their first polls wait).
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> websub_after;
  std::unordered_map<std::string, store::FeedState> pending_states;   // written by flush_states()
  std::uint64_t pruned_rows = 0;
  TimePoint started = Clock::now();
  TimePoint config_loaded = Clock::now();
  std::mt19937_64 random;
  bool stopping = false;
  bool reloading = false;
  asio::steady_timer reload_done{io};   // cancelled when a reload ends, waking those waiting their turn
  std::size_t polls_running = 0;
};

App::App(config::Config config, std::ostream& alert_lines, StartOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), alert_lines, options)) {}

App::~App() = default;

int App::run() { return impl_->run(); }

}  // namespace newsalert::daemon
