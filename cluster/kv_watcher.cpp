// Turning libnats's watch entries into KvChange values.
#include "cluster/kv_watcher.hpp"

#include "cluster/nats_error.hpp"

#include <nats/nats.h>

namespace newsalert::cluster {

namespace {

KvChange::Kind kind_of(kvOperation operation) {
  switch (operation) {
    case kvOp_Delete:
      return KvChange::Kind::Delete;
    case kvOp_Purge:
      return KvChange::Kind::Purge;
    default:
      return KvChange::Kind::Put;
  }
}

}  // namespace

std::optional<KvChange> KvWatcher::next(std::chrono::milliseconds timeout) {
  kvEntry* raw = nullptr;
  const natsStatus status = kvWatcher_Next(&raw, watcher_.get(), timeout.count());
  // NATS_ILLEGAL_STATE: stopped, by stop() here or on another thread.
  if (status == NATS_TIMEOUT || status == NATS_ILLEGAL_STATE) return std::nullopt;
  check(status, "cannot watch bucket");
  if (raw == nullptr) return KvChange{KvChange::Kind::CaughtUp, {}, {}, 0};
  const NatsHandle<kvEntry> entry(raw);
  const auto* data = static_cast<const char*>(kvEntry_Value(raw));
  std::string value = data == nullptr ? "" : std::string(data, static_cast<std::size_t>(kvEntry_ValueLen(raw)));
  return KvChange{kind_of(kvEntry_Operation(raw)), kvEntry_Key(raw), std::move(value), kvEntry_Revision(raw)};
}

void KvWatcher::stop() noexcept { kvWatcher_Stop(watcher_.get()); }

}  // namespace newsalert::cluster
