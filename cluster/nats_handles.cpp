// The destroy function of each NATS handle.
#include "cluster/nats_handles.hpp"

#include <nats/nats.h>

namespace newsalert::cluster {

void NatsDeleter::operator()(natsOptions* handle) const noexcept { natsOptions_Destroy(handle); }
void NatsDeleter::operator()(natsConnection* handle) const noexcept { natsConnection_Destroy(handle); }
void NatsDeleter::operator()(natsSubscription* handle) const noexcept { natsSubscription_Destroy(handle); }
void NatsDeleter::operator()(natsMsg* handle) const noexcept { natsMsg_Destroy(handle); }
void NatsDeleter::operator()(jsCtx* handle) const noexcept { jsCtx_Destroy(handle); }
void NatsDeleter::operator()(kvStore* handle) const noexcept { kvStore_Destroy(handle); }
void NatsDeleter::operator()(kvEntry* handle) const noexcept { kvEntry_Destroy(handle); }
void NatsDeleter::operator()(kvWatcher* handle) const noexcept { kvWatcher_Destroy(handle); }

}  // namespace newsalert::cluster
