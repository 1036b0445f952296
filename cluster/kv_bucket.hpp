// One JetStream KV bucket: leases and shared state as keys with revisions and compare-and-set.
#pragma once

#include "cluster/kv_watcher.hpp"
#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
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

  // The current value; nullopt when the key has none (never written, deleted or expired).
  std::optional<KvEntry> get(const std::string& key);
  // Writes unconditionally; returns the new revision.
  std::uint64_t put(const std::string& key, std::string_view value);
  // Writes only when the key has no value (a deleted key counts as none).
  KvWriteResult create(const std::string& key, std::string_view value);
  // Writes only when the key's current revision is `revision` (compare-and-set).
  KvWriteResult update(const std::string& key, std::string_view value, std::uint64_t revision);
  // Leaves a delete marker (watchers see it); history is kept.
  void erase(const std::string& key);
  // The keys that hold a value now (not deleted, not expired), sorted; empty for an empty bucket.
  // Waits at most `timeout` for the servers to list them.
  std::vector<std::string> keys(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Whether `key` is one libnats accepts: letters, digits, - _ / = and inner dots.
  static bool valid_key(std::string_view key) noexcept;

  // Every change to every key from now on, after the current values.
  KvWatcher watch_all();

 private:
  // Publishes to the key's subject expecting `last` as its last revision (0: no message).
  KvWriteResult conditional_put(const std::string& key, std::string_view value, std::uint64_t last, KvWrite lost);
  std::optional<std::uint64_t> deleted_revision(const std::string& key);

  NatsHandle<kvStore> store_;
  jsCtx* js_;
  std::string name_;
};

}  // namespace newsalert::cluster
