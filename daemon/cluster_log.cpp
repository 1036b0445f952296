// Entries arrive in the background; a transaction takes those that arrived when it begins.
#include "daemon/cluster_log.hpp"

namespace newsalert::daemon {

void ClusterChangeLog::take_arrived(std::chrono::milliseconds wait) {
  while (auto record = log_.next(wait)) {
    arrived_.push_back({record->sequence, std::move(record->data)});
    wait = std::chrono::milliseconds(0);
  }
}

std::vector<store::LogEntry> ClusterChangeLog::received(std::uint64_t after) {
  if (!reading_) {
    log_.read_after(after);
    reading_ = true;
  }
  // Kept until the replica has them: a transaction that applied them may still roll back.
  while (!arrived_.empty() && arrived_.front().sequence <= after) arrived_.pop_front();
  take_arrived(std::chrono::milliseconds(0));
  return {arrived_.begin(), arrived_.end()};
}

std::uint64_t ClusterChangeLog::append(std::string_view changeset, std::uint64_t after) {
  if (changeset.size() > log_.max_entry())
    throw std::runtime_error("a transaction of " + std::to_string(changeset.size()) +
                             " bytes is larger than the NATS servers' max_payload allows (" +
                             std::to_string(log_.max_entry()) + " bytes for an entry); raise max_payload");
  if (const auto sequence = log_.append(changeset, after)) {
    ++appended_;
    return *sequence;
  }
  ++conflicts_;
  // The winner's entry is on its way: wait for it, so the next run does not lose again.
  const auto deadline = std::chrono::steady_clock::now() + kConflictWait;
  while ((arrived_.empty() || arrived_.back().sequence <= after) && std::chrono::steady_clock::now() < deadline)
    take_arrived(std::chrono::milliseconds(50));
  throw store::ReplicaConflict("another node committed first (after log entry " + std::to_string(after) + ")");
}

}  // namespace newsalert::daemon
