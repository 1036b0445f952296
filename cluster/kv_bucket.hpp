// One JetStream KV bucket: leases and shared state as keys with revisions and compare-and-set.
#pragma once

#include "cluster/kv_watcher.hpp"
#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::cluster {

struct KvEntry {
  std::string value;
  std::uint64_t revision = 0;
  std::chrono::system_clock::time_point written;   // stamped by the server that stored it
};

// A conditional write that lost its race is an everyday outcome, not an error.
enum class KvWrite {
  Written,
  KeyExists,       // create: the key holds a value (another node holds the lease)
  StaleRevision,   // update: the key has changed since the revision given
};

struct KvWriteResult {
  KvWrite outcome = KvWrite::Written;
  std::uint64_t revision = 0;   // the new value's, when written
  bool written() const noexcept { return outcome == KvWrite::Written; }
};

class KvBucket {
 public:
  // `js` is the context the store came from; it must outlive the bucket.
  KvBucket(NatsHandle<kvStore> store, jsCtx* js);

  const std::string& name() const noexcept { return name_; }

  // The current value; nullopt when the key has none (never written, deleted or expired). A direct
  // get: any replica may answer, one that lags behind the last writes included.
  std::optional<KvEntry> get(const std::string& key);
  // As get(), asked of the bucket's leader: it sees every write acknowledged before the call
  // (unless the leader changes meanwhile). For reads that decide what to write.
  std::optional<KvEntry> get_from_leader(const std::string& key);
  // Writes unconditionally; returns the new revision.
  std::uint64_t put(const std::string& key, std::string_view value);
  // Writes only when the key has no value (a deleted key counts as none).
  KvWriteResult create(const std::string& key, std::string_view value);
  // Writes only when the key's current revision is `revision` (compare-and-set). On a replicated
  // bucket nats-server 2.9.10 may write several concurrent updates of one revision (the last one
  // applied stays): of racing writers only create() lets exactly one win.
  KvWriteResult update(const std::string& key, std::string_view value, std::uint64_t revision);
  // Leaves a delete marker (watchers see it); history is kept.
  void erase(const std::string& key);
  // The keys that hold a value now (not deleted, not expired), sorted; empty for an empty bucket.
  // Read from the leader (entries_from_leader): libnats 3.4.1's own listing (kvStore_Keys) can name
  // a key twice and leave another out when an entry is written while it lists.
  std::vector<std::string> keys();
  // Every key that holds a value, with its entry, from the leader (as get_from_leader): one
  // request for the list and one per key, for small buckets.
  std::map<std::string, KvEntry> entries_from_leader();

  // Whether `key` is one libnats accepts: letters, digits, - _ / = and inner dots.
  static bool valid_key(std::string_view key) noexcept;

  // Every change to every key from now on, after the current values.
  KvWatcher watch_all();

 private:
  // Publishes to the key's subject expecting `last` as its last revision (0: no message).
  KvWriteResult conditional_put(const std::string& key, std::string_view value, std::uint64_t last, KvWrite lost);
  std::optional<std::uint64_t> deleted_revision(const std::string& key);
  NatsHandle<natsMsg> last_message(const std::string& key);

  NatsHandle<kvStore> store_;
  jsCtx* js_;
  std::string name_;
};

}  // namespace newsalert::cluster
