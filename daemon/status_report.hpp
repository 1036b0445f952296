// What `GET /v1/status` answers and `newsalertd status` prints: the daemon and each feed's polling.
#pragma once

#include "common/time.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::daemon {

struct FeedStatus {
  std::string url;
  std::string title;
  std::string last_result = "never";   // never, updated, not_modified, failed
  std::optional<TimePoint> last_poll;
  std::optional<TimePoint> last_success;
  std::optional<TimePoint> next_poll;
  int error_streak = 0;
  std::string last_error;
  std::string owner;   // cluster mode: the node that polls it ("" when none, or on one node)
};

// Cluster mode: this node's standing and the members it sees.
struct ClusterStatus {
  std::string node;
  bool accepted = false;
  std::string refusal;
  std::vector<std::string> workers;   // the members that get work
  std::vector<std::string> members;   // every live member
  std::uint64_t log_position = 0;     // the last entry of the shared log this node's state holds
  std::uint64_t log_conflicts = 0;    // its appends that lost a race
  std::uint64_t log_rebased = 0;      // of those, transactions kept on the winners' independent entries
};

// A supervised loop that has failed at least once since start.
struct LoopReport {
  std::string kind;   // poll, delivery, websub, retention, admin, ...
  std::string name;   // which one: a feed's URL, a webhook's name
  std::uint64_t restarts = 0;
  bool failing = false;   // in a failure streak now (also makes the daemon not ready)
  std::string last_error;
  std::optional<TimePoint> last_failure;
};

class StatusReport {
 public:
  std::string version;
  std::string config_file;
  TimePoint started;
  TimePoint config_loaded;
  bool ready = false;
  std::size_t watchlists = 0;
  std::size_t webhooks = 0;
  std::size_t outbox_pending = 0;
  std::uint64_t alerts_total = 0;   // since start
  std::uint64_t polls_total = 0;    // since start
  std::vector<FeedStatus> feeds;
  std::vector<LoopReport> loops;    // only loops that failed since start
  std::optional<ClusterStatus> cluster;

  // Times are RFC 3339 strings or null.
  nlohmann::json to_json() const;
  // Throws std::runtime_error naming the field when the JSON is not a status report.
  static StatusReport from_json(const nlohmann::json& json);

  // A summary line, one line per loop that failed, then one row per feed: last poll, result, next
  // poll, error streak, last error.
  std::string table(TimePoint now) const;
};

}  // namespace newsalert::daemon
