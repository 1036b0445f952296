// Joining the cluster: connection, shared log, replica catch-up, heartbeats and ownership views.
#include "daemon/cluster_node.hpp"

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "cluster/shared_log.hpp"
#include "common/log_exception.hpp"
#include "daemon/cluster_log.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace newsalert::daemon {

namespace {

cluster::ConnectOptions connect_options(const config::ClusterConfig& config) {
  cluster::ConnectOptions options;
  options.servers = config.nats;
  options.name = "newsalertd " + config.node;
  options.user = config.user;
  options.password = config.password;
  options.token = config.token;
  options.creds_file = config.creds_file;
  options.ca_file = config.ca_file;
  return options;
}

// Streams and buckets of three replicas take a moment to elect leaders, more so when several
// nodes create them at once: start-up waits this long for them before giving up.
constexpr std::chrono::seconds kJoinPatience{60};

// A node far behind applies a long log in one go at start; this bounds the wait for each piece.
constexpr std::chrono::milliseconds kCatchUpStall{10'000};

}  // namespace

struct ClusterNode::Link {
  explicit Link(const config::ClusterConfig& config, const std::string& fingerprint)
      : connection(connect_options(config)),
        log_js(connection),
        beat_js(connection),
        log(connection, log_js, cluster::SharedLogOptions{kLogStream, kLogSubject, config.replicas}),
        changes(log),
        membership(beat_js, cluster::MembershipOptions{config.node, fingerprint, config.replicas, config.heartbeat,
                                                       config.member_timeout}) {}
  cluster::Connection connection;
  cluster::JetStream log_js;    // the loop's thread only
  cluster::JetStream beat_js;   // the heartbeat thread only
  cluster::SharedLog log;
  ClusterChangeLog changes;
  cluster::Membership membership;
};

std::unique_ptr<ClusterNode::Link> ClusterNode::connect(const config::ClusterConfig& config,
                                                      const std::string& fingerprint) {
  const auto deadline = std::chrono::steady_clock::now() + kJoinPatience;
  for (int attempt = 1;; ++attempt) {
    try {
      return std::make_unique<Link>(config, fingerprint);
    } catch (const cluster::NatsError& e) {
      if (std::chrono::steady_clock::now() > deadline) throw;
      spdlog::warn("cluster: cannot join yet ({}); trying again", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 250 * attempt)));
    }
  }
}

ClusterNode::ClusterNode(boost::asio::io_context& io, const config::ClusterConfig& config,
                         const std::string& fingerprint, store::StateStore& store)
    : config_(config), io_(io), store_(store), link_(connect(config, fingerprint)) {
  try {
    store_.replicate(link_->changes, link_->log.id());
  } catch (const store::ReplicaOfAnotherLog& e) {
    // The replica is only a copy of the log; the log is what the cluster knows.
    spdlog::warn("cluster: {}; the copy is discarded and rebuilt from the cluster's log", e.what());
    store_.forget_replica();
    store_.replicate(link_->changes, link_->log.id());
  }
  const std::uint64_t last = link_->log.last_sequence();
  auto stalled_since = std::chrono::steady_clock::now();
  std::uint64_t at = store_.replication()->sequence();
  while (at < last) {
    const auto before = at;
    at = store_.replication()->apply_received().sequence;
    if (at > before) stalled_since = std::chrono::steady_clock::now();
    else if (std::chrono::steady_clock::now() - stalled_since > kCatchUpStall)
      throw std::runtime_error("cluster: the shared log stopped arriving at entry " + std::to_string(at) + " of " +
                               std::to_string(last));
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  spdlog::info("cluster: node '{}' joined through {}; state at log entry {}", config_.node,
               link_->connection.connected_url(), at);
}

ClusterNode::~ClusterNode() { stop(); }

void ClusterNode::start(std::function<void()> changed) {
  changed_ = std::move(changed);
  beats_ = std::thread([this] { beat_loop(); });
}

void ClusterNode::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !beats_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (beats_.joinable()) beats_.join();
}

void ClusterNode::adopt_config(const std::string& fingerprint) {
  {
    const std::lock_guard lock(mutex_);
    adopt_ = fingerprint;
  }
  wake_.notify_all();
}

void ClusterNode::beat_loop() {
  auto& membership = link_->membership;
  auto last_beat = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto adopt = std::exchange(adopt_, std::nullopt);
    lock.unlock();
    cluster::View view;
    try {
      if (adopt) {
        membership.set_fingerprint(*adopt);
        membership.adopt_config();
      }
      view = membership.beat();
      last_beat = std::chrono::steady_clock::now();
    } catch (const std::exception& e) {
      // Silent for member_timeout, this node is gone for the others: its work is theirs now.
      const auto silent = std::chrono::steady_clock::now() - last_beat;
      if (silent < config_.member_timeout - config_.heartbeat) {
        spdlog::warn("cluster: heartbeat failed: {}", e.what());
        lock.lock();
        wake_.wait_for(lock, config_.heartbeat, [this] { return stopping_; });
        continue;
      }
      view.refusal = std::string("cannot reach NATS: ") + e.what();
    }
    boost::asio::post(io_, [this, view = std::move(view)]() mutable { take_view(std::move(view)); });
    lock.lock();
    wake_.wait_for(lock, config_.heartbeat, [this] { return stopping_ || adopt_.has_value(); });
  }
  lock.unlock();
  try {
    membership.leave();
  } catch (const std::exception& e) {
    spdlog::warn("cluster: could not leave cleanly ({}); the others take over after {}", e.what(),
                 format_duration(config_.member_timeout));
  }
}

void ClusterNode::take_view(cluster::View view) {
  const bool was_accepted = view_.accepted;
  cluster::Ownership next(view.accepted ? view.workers : std::vector<std::string>{});
  if (!last_view_ || view.accepted != was_accepted || view.refusal != view_.refusal) {
    if (view.accepted) spdlog::info("cluster: node '{}' takes work; workers: {}", node(), fmt::join(view.workers, ", "));
    else spdlog::error("cluster: node '{}' takes no work: {}", node(), view.refusal);
  }
  const bool moved = !(next == workers_);
  if (moved && view.accepted && was_accepted)
    spdlog::info("cluster: workers now {}", fmt::join(view.workers, ", "));
  view_ = std::move(view);
  last_view_ = Clock::now();
  if (!moved && view_.accepted == was_accepted) return;
  previous_ = std::move(workers_);
  workers_ = std::move(next);
  if (changed_) changed_();
}

bool ClusterNode::connected() const { return link_->connection.connected(); }

std::vector<std::string> ClusterNode::alive() const {
  std::vector<std::string> names;
  for (const auto& member : view_.members) names.push_back(member.node);
  return names;
}

bool ClusterNode::apply_arrived() {
  auto* replication = store_.replication();
  replication->apply_received();
  return replication->take_outbox_changed();
}

std::uint64_t ClusterNode::log_position() const { return store_.replication()->sequence(); }
std::uint64_t ClusterNode::appended() const { return link_->changes.appended(); }
std::uint64_t ClusterNode::conflicts() const { return link_->changes.conflicts(); }

nlohmann::json ClusterNode::status() const {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& member : view_.members)
    members.push_back({{"node", member.node},
                       {"same_config", member.fingerprint == view_.cluster_fingerprint},
                       {"worker", workers_.contains(member.node)},
                       {"started", member.started},
                       {"host", member.host},
                       {"last_beat_ms", member.age ? nlohmann::json(member.age->count()) : nlohmann::json()}});
  return {{"node", node()},
          {"accepted", view_.accepted},
          {"refusal", view_.refusal},
          {"connected", connected()},
          {"config", view_.cluster_fingerprint},
          {"config_set_by", view_.set_by},
          {"members", members},
          {"log_position", log_position()},
          {"log_appended", appended()},
          {"log_conflicts", conflicts()}};
}

}  // namespace newsalert::daemon
