// Entries arrive in the background; a transaction takes those that arrived when it begins.
#include "daemon/cluster_log.hpp"

#include "cluster/nats_error.hpp"
#include "cluster/snapshot_store.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <thread>

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
  if (!arrived_.empty() && after > 0 && arrived_.front().sequence > after + 1)
    throw store::ReplicaBehindLog("the cluster's log starts at entry " + std::to_string(arrived_.front().sequence) +
                                  ", after this node's state (entry " + std::to_string(after) + ")");
  return {arrived_.begin(), arrived_.end()};
}

bool ClusterChangeLog::arrived_after(std::uint64_t after) {
  // Not reading yet: received() starts reading, and tells.
  if (!reading_) return true;
  take_arrived(std::chrono::milliseconds(0));
  return !arrived_.empty() && arrived_.back().sequence > after;
}

std::optional<std::uint64_t> ClusterChangeLog::append(std::string_view changeset, std::uint64_t after) {
  if (changeset.size() > log_.max_entry())
    throw std::runtime_error("a transaction of " + std::to_string(changeset.size()) +
                             " bytes is larger than the NATS servers' max_payload allows (" +
                             std::to_string(log_.max_entry()) + " bytes for an entry); raise max_payload");
  if (const auto sequence = log_.append(changeset, after)) {
    ++appended_;
    return *sequence;
  }
  ++conflicts_;
  // The winner's entry is on its way: wait for it, so that the transaction can be rebased on it or
  // its next run does not lose again.
  const auto deadline = std::chrono::steady_clock::now() + kConflictWait;
  while ((arrived_.empty() || arrived_.back().sequence <= after) && std::chrono::steady_clock::now() < deadline)
    take_arrived(std::chrono::milliseconds(50));
  take_arrived(std::chrono::milliseconds(0));
  return std::nullopt;
}

namespace {

cluster::ConnectOptions connect_options(const config::ClusterConfig& config, const std::string& client_name) {
  cluster::ConnectOptions options;
  options.servers = config.nats;
  options.name = client_name;
  options.user = config.user;
  options.password = config.password;
  options.token = config.token;
  options.creds_file = config.creds_file;
  options.nkey_seed_file = config.nkey_seed_file;
  options.ca_file = config.ca_file;
  options.cert_file = config.cert_file;
  options.key_file = config.key_file;
  return options;
}

// A node far behind applies a long log at once; this bounds the wait for each further piece. As
// long as joining's own patience: while a NATS server is lost, reads time out and are retried
// until the stream has a leader again, which must not count as a log that stopped.
constexpr std::chrono::milliseconds kCatchUpStall = kJoinPatience;

}  // namespace

void ClusterLink::load_snapshot(store::StateStore& store) {
  cluster::SnapshotStore snapshots(connection_, js_, replicas_);
  const auto manifest = snapshots.latest();
  if (!manifest) throw std::runtime_error("cluster: the log has dropped entries this node needs and holds no snapshot");
  const auto tmp = std::filesystem::temp_directory_path() /
                   ("newsalert-snapshot-" + std::to_string(::getpid()) + "-" + std::to_string(manifest->sequence));
  snapshots.get(*manifest, tmp);
  store.restore(tmp);
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  changes_.restart();
  spdlog::info("cluster: state loaded from the snapshot at log entry {} ({} bytes)", manifest->sequence,
               manifest->bytes);
}

std::uint64_t ClusterLink::take_snapshot(const std::filesystem::path& db_file, std::uint64_t keep) {
  // A context of its own: this runs on a worker thread while the loop uses the log's.
  cluster::JetStream js(connection_);
  cluster::SnapshotStore snapshots(connection_, js, replicas_);
  const auto tmp = std::filesystem::path(db_file.string() + ".snapshot");
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  const std::uint64_t sequence = store::StateStore::snapshot(db_file, tmp);
  snapshots.put(sequence, tmp);
  std::filesystem::remove(tmp, ec);
  if (sequence > keep) cluster::drop_log_before(js, kLogStream, sequence - keep);
  return sequence;
}

std::optional<std::uint64_t> ClusterLink::latest_snapshot() {
  cluster::JetStream js(connection_);   // on a worker thread, as take_snapshot
  cluster::SnapshotStore snapshots(connection_, js, replicas_);
  const auto manifest = snapshots.latest();
  if (!manifest) return std::nullopt;
  return manifest->sequence;
}

std::uint64_t ClusterLink::log_bytes() {
  cluster::JetStream js(connection_);   // on a worker thread, as take_snapshot
  return js.stream_state(kLogStream).bytes;
}

std::filesystem::path cluster_state_file(const std::filesystem::path& state_dir) {
  return state_dir / "newsalert-cluster.db";
}

ClusterLink::ClusterLink(const config::ClusterConfig& config, const std::string& client_name)
    : connection_(patiently([&] { return cluster::Connection(connect_options(config, client_name)); })),
      js_(connection_),
      log_(patiently([&] {
        return cluster::SharedLog(connection_, js_, cluster::SharedLogOptions{kLogStream, kLogSubject, config.replicas});
      })),
      changes_(log_),
      replicas_(config.replicas) {}

void ClusterLink::join(store::StateStore& store) {
  try {
    store.replicate(changes_, log_.id());
  } catch (const store::ReplicaOfAnotherLog& e) {
    // The replica is only a copy of the log; the log is what the cluster knows.
    spdlog::warn("cluster: {}; the copy is discarded and rebuilt from the cluster's log", e.what());
    store.forget_replica();
    store.replicate(changes_, log_.id());
  }
  if (store.replication()->sequence() + 1 < patiently([&] { return log_.first_sequence(); })) load_snapshot(store);
  const std::uint64_t last = patiently([&] { return log_.last_sequence(); });
  auto stalled_since = std::chrono::steady_clock::now();
  std::uint64_t at = store.replication()->sequence();
  while (at < last) {
    const auto before = at;
    at = patiently([&] { return store.replication()->apply_received().sequence; });
    if (at > before) stalled_since = std::chrono::steady_clock::now();
    else if (std::chrono::steady_clock::now() - stalled_since > kCatchUpStall)
      throw std::runtime_error("cluster: the shared log stopped arriving at entry " + std::to_string(at) + " of " +
                               std::to_string(last));
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace newsalert::daemon
