// The changes to a KV bucket's keys, one at a time.
#pragma once

#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace newsalert::cluster {

struct KvChange {
  enum class Kind {
    Put,
    Delete,
    Purge,
    CaughtUp,   // every value current when the watch began has been given; key and value are ""
  };
  Kind kind = Kind::Put;
  std::string key;
  std::string value;
  std::uint64_t revision = 0;
};

class KvWatcher {
 public:
  explicit KvWatcher(NatsHandle<kvWatcher> watcher) : watcher_(std::move(watcher)) {}

  // The next change, waiting at most `timeout`; nullopt when none came or the watcher stopped.
  // Expiries (the bucket's TTL) are not changes: the server sends nothing for them.
  std::optional<KvChange> next(std::chrono::milliseconds timeout);
  // Ends a next() waiting on another thread and every later one.
  void stop() noexcept;

 private:
  NatsHandle<kvWatcher> watcher_;
};

}  // namespace newsalert::cluster
