// Owners of the NATS C client's handles; the types are only declared, so only cluster/*.cpp
// include nats.h.
#pragma once

#include <memory>

// The C client's own declarations (nats/nats.h), repeated so that users of cluster/ need not see
// the library's header.
extern "C" {
typedef struct __natsOptions natsOptions;
typedef struct __natsConnection natsConnection;
typedef struct __natsSubscription natsSubscription;
typedef struct __natsMsg natsMsg;
typedef struct __jsCtx jsCtx;
typedef struct __kvStore kvStore;
typedef struct __kvEntry kvEntry;
typedef struct __kvWatcher kvWatcher;
}

namespace newsalert::cluster {

// Each overload calls the handle's own destroy function.
struct NatsDeleter {
  void operator()(natsOptions* handle) const noexcept;
  void operator()(natsConnection* handle) const noexcept;
  void operator()(natsSubscription* handle) const noexcept;
  void operator()(natsMsg* handle) const noexcept;
  void operator()(jsCtx* handle) const noexcept;
  void operator()(kvStore* handle) const noexcept;
  void operator()(kvEntry* handle) const noexcept;
  void operator()(kvWatcher* handle) const noexcept;
};

template <typename T>
using NatsHandle = std::unique_ptr<T, NatsDeleter>;

}  // namespace newsalert::cluster
