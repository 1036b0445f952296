// Joining the cluster: connection, shared log, replica catch-up, heartbeats and ownership views.
#include "daemon/cluster_node.hpp"

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "cluster/shared_log.hpp"
#include "common/log_exception.hpp"
#include "daemon/cluster_log.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace newsalert::daemon {

struct ClusterNode::Link {
  Link(const config::ClusterConfig& config, const std::string& fingerprint)
      : shared(config, "newsalertd " + config.node),
        beat_js(shared.connection()),
        membership(patiently([&] {
          return cluster::Membership(beat_js, cluster::MembershipOptions{config.node, fingerprint, config.replicas,
                                                                         config.heartbeat, config.member_timeout});
        })) {}
  ClusterLink shared;           // the log: the loop's thread only
  cluster::JetStream beat_js;   // the heartbeat thread only
  cluster::Membership membership;
};

ClusterNode::ClusterNode(boost::asio::io_context& io, const config::ClusterConfig& config,
                         const std::string& fingerprint, store::StateStore& store)
    : config_(config), io_(io), store_(store), link_(std::make_unique<Link>(config, fingerprint)) {
  link_->shared.join(store_);
  spdlog::info("cluster: node '{}' joined through {}; state at log entry {}", config_.node,
               link_->shared.connection().connected_url(), store_.replication()->sequence());
}

ClusterNode::~ClusterNode() { stop(); }

void ClusterNode::start(std::function<void()> changed) {
  changed_ = std::move(changed);
  beats_ = std::thread([this] { beat_loop(); });
}

void ClusterNode::on_alerts_arrived(std::function<void()> wake) {
  if (!wake) {
    link_->shared.log().on_arrival({});
    return;
  }
  link_->shared.log().on_arrival([wake = std::move(wake)](const cluster::LogRecord& entry) {
    if (store::changeset_adds_alerts(entry.data)) wake();
  });
}

void ClusterNode::stop() {
  on_alerts_arrived({});
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
    else if (view.refusal.starts_with("joining")) spdlog::info("cluster: node '{}' {}", node(), view.refusal);
    else spdlog::error("cluster: node '{}' takes no work: {}", node(), view.refusal);
  }
  const bool moved = !(next == workers_);
  if (moved && view.accepted && was_accepted)
    spdlog::info("cluster: workers now {}", fmt::join(view.workers, ", "));
  view_ = std::move(view);
  last_view_ = Clock::now();
  if (!moved && view_.accepted == was_accepted) return;
  if (view_.accepted && !was_accepted) {
    // Joining (or taking work again): what this node now owns was the other workers' until now,
    // and those still alive are waited for, as in any handover.
    std::vector<std::string> others;
    for (const auto& worker : view_.workers)
      if (worker != node()) others.push_back(worker);
    previous_ = cluster::Ownership(std::move(others));
  } else {
    previous_ = std::move(workers_);
  }
  workers_ = std::move(next);
  if (changed_) changed_();
}

bool ClusterNode::connected() const { return link_->shared.connection().connected(); }

std::vector<std::string> ClusterNode::alive() const {
  std::vector<std::string> names;
  for (const auto& member : view_.members) names.push_back(member.node);
  return names;
}

bool ClusterNode::apply_arrived() {
  auto* replication = store_.replication();
  return due_to_apply(*replication) ? apply_now() : replication->take_outbox_changed();
}

bool ClusterNode::apply_now() {
  auto* replication = store_.replication();
  behind_since_.reset();
  try {
    replication->apply_received();
  } catch (const store::ReplicaBehindLog& e) {
    spdlog::warn("cluster: {}; loading the newest snapshot", e.what());
    link_->shared.load_snapshot(store_);
    ++snapshots_loaded_;
    replication->apply_received();
    return true;
  }
  return replication->take_outbox_changed();
}

std::uint64_t ClusterNode::changes(std::string_view table) const {
  return store_.replication()->changes(table) + snapshots_loaded_;
}

// Entries with new alerts for a webhook this node delivers are applied at once: its delivery loop
// waits for them. The others (feed states, seen entries, delivery outcomes, other nodes' alerts)
// wait for this node's next transaction, which applies whatever arrived before its own writes, or
// kApplyWithin at most: fewer, larger transactions for the entries every node applies.
bool ClusterNode::due_to_apply(store::Replication& replication) {
  if (!replication.behind()) {
    behind_since_.reset();
    return false;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!behind_since_) behind_since_ = now;
  const auto delivered_here = [this](const std::string& webhook) { return owns("webhook:" + webhook); };
  if (now - *behind_since_ < kApplyWithin && !replication.alerts_arrived(delivered_here)) return false;
  behind_since_.reset();
  return true;
}

std::optional<std::uint64_t> ClusterNode::snapshot_if_due(const std::filesystem::path& db_file, std::uint64_t position) {
  if (position < last_snapshot_ + config_.snapshot_every) return std::nullopt;
  // Another node may have led since this one last stored a snapshot (or this one never has): the
  // newest stored snapshot counts, so that a new leader does not copy the whole state at once.
  if (const auto latest = link_->shared.latest_snapshot(); latest && *latest > last_snapshot_) {
    last_snapshot_ = *latest;
    if (position < last_snapshot_ + config_.snapshot_every) return std::nullopt;
  }
  // A snapshot is the whole replica file, stored on every server: worth taking only once the log
  // it lets the servers drop weighs as much (snapshot_log_ratio). Until then the log grows on.
  if (config_.snapshot_log_ratio > 0) {
    std::error_code ec;
    const auto state_bytes = static_cast<double>(std::filesystem::file_size(db_file, ec));
    const std::uint64_t log_bytes = link_->shared.log_bytes();
    if (!ec && static_cast<double>(log_bytes) < config_.snapshot_log_ratio * state_bytes) {
      spdlog::debug("cluster: no snapshot at log entry {} yet: the log holds {} bytes, the state {}", position,
                    log_bytes, static_cast<std::uint64_t>(state_bytes));
      return std::nullopt;
    }
  }
  const std::uint64_t keep = std::min<std::uint64_t>(1000, config_.snapshot_every / 2);
  const std::uint64_t at = link_->shared.take_snapshot(db_file, keep);
  last_snapshot_ = at;
  spdlog::info("cluster: snapshot of the state at log entry {}; the log keeps the {} entries before it and those after",
               at, keep);
  return at;
}

std::uint64_t ClusterNode::log_position() const { return store_.replication()->sequence(); }
std::uint64_t ClusterNode::appended() const { return link_->shared.changes().appended(); }
std::uint64_t ClusterNode::conflicts() const { return link_->shared.changes().conflicts(); }
std::uint64_t ClusterNode::rebased() const { return store_.replication()->rebased(); }

std::string ClusterNode::metrics(std::size_t owned_feeds) const {
  const auto gauge = [](std::string& out, const char* name, const char* help, const char* type, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  std::string out;
  gauge(out, "newsalert_cluster_accepted", "Whether this node takes work (its config is the cluster's).", "gauge",
        accepted() ? 1 : 0);
  gauge(out, "newsalert_cluster_connected", "Whether this node is connected to a NATS server.", "gauge",
        connected() ? 1 : 0);
  gauge(out, "newsalert_cluster_members", "Live nodes announcing themselves.", "gauge", view_.members.size());
  gauge(out, "newsalert_cluster_workers", "Live nodes that take work.", "gauge", workers_.members().size());
  gauge(out, "newsalert_cluster_owned_feeds", "Feeds this node polls.", "gauge", owned_feeds);
  gauge(out, "newsalert_cluster_log_position", "The last entry of the shared log this node's state holds.", "gauge",
        log_position());
  gauge(out, "newsalert_cluster_log_pending", "Entries of the shared log that arrived and wait to be applied.",
        "gauge", link_->shared.changes().pending());
  gauge(out, "newsalert_cluster_log_appends_total", "Transactions this node appended to the shared log.", "counter",
        appended());
  gauge(out, "newsalert_cluster_log_conflicts_total",
        "Appends of this node that another node's entry overtook.", "counter", conflicts());
  gauge(out, "newsalert_cluster_log_rebased_total",
        "Overtaken transactions kept because the other entries touched nothing they wrote or read (the rest "
        "ran again).",
        "counter", rebased());
  return out;
}

}  // namespace newsalert::daemon
