// The state store's change log in cluster mode: store::ChangeLog on the cluster's shared log.
#pragma once

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "cluster/shared_log.hpp"
#include "config/config.hpp"
#include "store/replication.hpp"
#include "store/state_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::daemon {

class ClusterChangeLog final : public store::ChangeLog {
 public:
  // How long an append that lost its race waits for the winner's entry to arrive, so that the
  // transaction can be rebased on it, or its next run starts from it.
  static constexpr std::chrono::milliseconds kConflictWait{500};

  // Starts reading `log` after the replica's position when the replica first asks.
  explicit ClusterChangeLog(cluster::SharedLog& log) : log_(log) {}

  std::vector<store::LogEntry> received(std::uint64_t after) override;
  bool arrived_after(std::uint64_t after) override;
  std::optional<std::uint64_t> append(std::string_view changeset, std::uint64_t after) override;

  std::uint64_t appended() const noexcept { return appended_; }
  std::uint64_t conflicts() const noexcept { return conflicts_; }
  // Reads again from the replica's position at the next received() (after a snapshot was loaded).
  void restart() {
    reading_ = false;
    arrived_.clear();
  }
  // Entries that arrived and are not known to be applied yet.
  std::size_t pending() const noexcept { return arrived_.size(); }

 private:
  void take_arrived(std::chrono::milliseconds wait);

  cluster::SharedLog& log_;
  bool reading_ = false;
  std::deque<store::LogEntry> arrived_;   // read from the log, not yet known to be applied
  std::uint64_t appended_ = 0;
  std::uint64_t conflicts_ = 0;
};

// Streams and buckets of three replicas take a moment to elect leaders, more so when several nodes
// create them at once, and a server may be restarting: joining waits this long before giving up.
inline constexpr std::chrono::seconds kJoinPatience{60};

// Runs `make` again while the servers cannot answer it yet, for up to kJoinPatience.
template <class Make>
auto patiently(Make&& make) {
  const auto deadline = std::chrono::steady_clock::now() + kJoinPatience;
  for (int attempt = 1;; ++attempt) {
    try {
      return make();
    } catch (const cluster::NatsError& e) {
      if (std::chrono::steady_clock::now() > deadline) throw;
      spdlog::warn("cluster: cannot join yet ({}); trying again", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 250 * attempt)));
    }
  }
}

// The cluster's connection and shared log, and a store made a replica of it: what the daemon and
// the commands that change state (`deliveries`, `cluster import`) share. Blocks while it joins.
class ClusterLink {
 public:
  static constexpr const char* kLogStream = "NEWSALERT_STATE";
  static constexpr const char* kLogSubject = "newsalert.state";

  // Connects and opens the log, waiting up to a minute for servers and streams to answer.
  ClusterLink(const config::ClusterConfig& config, const std::string& client_name);

  // Makes `store` a replica of the log and applies every entry the log holds. A replica file of
  // another log (the cluster set up anew) is emptied and rebuilt; one whose next entries the log
  // has dropped is loaded from the newest snapshot first.
  void join(store::StateStore& store);
  // Loads the newest snapshot into `store` and reads the log on from it.
  void load_snapshot(store::StateStore& store);
  // Stores a snapshot of the replica file `db_file` and drops the log's entries it holds (all but
  // the last `keep`). Blocks for the copy and the upload: for the worker pool. Returns its position.
  std::uint64_t take_snapshot(const std::filesystem::path& db_file, std::uint64_t keep);
  // The log entry of the newest stored snapshot, taken by whichever node led then. Blocks: for the
  // worker pool.
  std::optional<std::uint64_t> latest_snapshot();
  // The bytes the log's stream holds now: about what a snapshot would let it drop. Blocks: for the
  // worker pool.
  std::uint64_t log_bytes();

  cluster::Connection& connection() noexcept { return connection_; }
  ClusterChangeLog& changes() noexcept { return changes_; }
  cluster::SharedLog& log() noexcept { return log_; }

 private:
  cluster::Connection connection_;
  cluster::JetStream js_;
  cluster::SharedLog log_;
  ClusterChangeLog changes_;
  int replicas_;
};

// The replica file in a state_dir: apart from a single node's state, which moves into a cluster
// with `newsalertd cluster import`, never by being reused as a replica.
std::filesystem::path cluster_state_file(const std::filesystem::path& state_dir);

}  // namespace newsalert::daemon
