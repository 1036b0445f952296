// The daemon's part in a cluster: its NATS connection, the shared log its state store is a
// replica of, and its membership, which decides the feeds it polls and the webhooks it delivers.
//
// Threads: the log is appended to and read on the event loop's thread, inside the store's
// transactions, as the SQLite file is written there (a commit waits for the log's answer as it
// waits for fsync). Heartbeats run on a thread of their own, and each view they bring is handed
// to the loop, which decides ownership; nothing else of the loop's state is touched there.
#pragma once

#include "cluster/membership.hpp"
#include "cluster/ownership.hpp"
#include "common/time.hpp"
#include "config/config.hpp"
#include "store/state_store.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace newsalert::daemon {

class ClusterChangeLog;


class ClusterNode {
 public:
  // Connects, opens the shared log and makes `store` its replica, applying the whole log before
  // returning. Blocks: called before the event loop runs. Throws what NATS refused.
  ClusterNode(boost::asio::io_context& io, const config::ClusterConfig& config, const std::string& fingerprint,
              store::StateStore& store);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // Starts heartbeats; `changed` runs on the loop after each view that changed the workers or
  // this node's standing.
  void start(std::function<void()> changed);
  // `wake` runs on another thread whenever an entry that adds alerts arrives; it must only post.
  void on_alerts_arrived(std::function<void()> wake);
  // Leaves the cluster (its work moves to the others at their next beat) and stops heartbeats.
  void stop();
  // After a reload: this node's config becomes the cluster's.
  void adopt_config(const std::string& fingerprint);

  // ---- on the loop's thread
  const std::string& node() const noexcept { return config_.node; }
  Millis heartbeat() const noexcept { return config_.heartbeat; }
  bool accepted() const noexcept { return view_.accepted; }
  const std::string& refusal() const noexcept { return view_.refusal; }
  bool connected() const;
  // The workers now and at the view before, and every live member's name.
  const cluster::Ownership& workers() const noexcept { return workers_; }
  const cluster::Ownership& previous_workers() const noexcept { return previous_; }
  std::vector<std::string> alive() const;
  // The worker that owns `key` (a feed URL, "webhook:NAME", "leader"); "" when none.
  std::string owner_of(const std::string& key) const { return workers_.owner_of(key); }
  bool owns(const std::string& key) const { return accepted() && owner_of(key) == node(); }

  // Applies the entries other nodes appended that have arrived, when one adds alerts or the first
  // has waited kApplyWithin; whether the outbox changed. When the log has dropped entries this node
  // still needs, loads the newest snapshot first.
  bool apply_arrived();
  static constexpr std::chrono::milliseconds kApplyWithin{200};
  // Applies what has arrived now, whatever kApplyWithin says: for a request that needs the
  // newest state this node can have. Whether the outbox changed.
  bool apply_now();
  // Grows whenever what this node applied changed `table` (a snapshot loaded changes all).
  std::uint64_t changes(std::string_view table) const;
  // The leader's compaction: a snapshot when the log has grown by cluster.snapshot_every entries
  // since the last and holds at least as many bytes as the replica file. Blocks (copy and upload):
  // run on the worker pool. Returns its position, if any.
  std::optional<std::uint64_t> snapshot_if_due(const std::filesystem::path& db_file, std::uint64_t position);
  // Prometheus text for /metrics: membership, the shared log, and `owned_feeds`.
  std::string metrics(std::size_t owned_feeds) const;
  std::uint64_t log_position() const;
  std::uint64_t appended() const;
  std::uint64_t conflicts() const;
  std::uint64_t rebased() const;

 private:
  struct Link;
  void beat_loop();
  void take_view(cluster::View view);
  bool due_to_apply(store::Replication& replication);

  config::ClusterConfig config_;
  boost::asio::io_context& io_;
  store::StateStore& store_;
  std::unique_ptr<Link> link_;   // connection, log, membership
  std::function<void()> changed_;
  cluster::View view_;
  cluster::Ownership workers_;
  cluster::Ownership previous_;
  std::optional<TimePoint> last_view_;
  std::atomic<std::uint64_t> last_snapshot_{0};
  std::uint64_t snapshots_loaded_ = 0;
  std::optional<std::chrono::steady_clock::time_point> behind_since_;   // entries arrived, not applied yet

  std::thread beats_;
  std::mutex mutex_;   // guards the three below, shared with the heartbeat thread
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<std::string> adopt_;   // a fingerprint to make the cluster's at the next beat
};

}  // namespace newsalert::daemon
