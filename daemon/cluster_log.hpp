// The state store's change log in cluster mode: store::ChangeLog on the cluster's shared log.
#pragma once

#include "cluster/shared_log.hpp"
#include "store/replication.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::daemon {

class ClusterChangeLog final : public store::ChangeLog {
 public:
  // How long an append that lost its race waits for the winner's entry to arrive, so that the
  // transaction's next run starts from it.
  static constexpr std::chrono::milliseconds kConflictWait{500};

  // Starts reading `log` after the replica's position when the replica first asks.
  explicit ClusterChangeLog(cluster::SharedLog& log) : log_(log) {}

  std::vector<store::LogEntry> received(std::uint64_t after) override;
  std::uint64_t append(std::string_view changeset, std::uint64_t after) override;

  std::uint64_t appended() const noexcept { return appended_; }
  std::uint64_t conflicts() const noexcept { return conflicts_; }

 private:
  void take_arrived(std::chrono::milliseconds wait);

  cluster::SharedLog& log_;
  bool reading_ = false;
  std::deque<store::LogEntry> arrived_;   // read from the log, not yet known to be applied
  std::uint64_t appended_ = 0;
  std::uint64_t conflicts_ = 0;
};

}  // namespace newsalert::daemon
