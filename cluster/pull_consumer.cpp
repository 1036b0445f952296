// Fetching from a pull consumer; the fetched messages change owner from libnats's list to us.
#include "cluster/pull_consumer.hpp"

#include "cluster/nats_error.hpp"

#include <nats/nats.h>

namespace newsalert::cluster {

std::vector<Message> PullConsumer::fetch(int batch, std::chrono::milliseconds timeout) {
  natsMsgList list{};
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = natsSubscription_Fetch(&list, subscription_.get(), batch, timeout.count(), &js_code);
  if (status == NATS_TIMEOUT) return {};
  check(status, "cannot fetch from consumer", js_code);
  std::vector<Message> messages;
  messages.reserve(static_cast<std::size_t>(list.Count));
  try {
    for (int i = 0; i < list.Count; ++i) {
      NatsHandle<natsMsg> message(list.Msgs[i]);
      list.Msgs[i] = nullptr;
      messages.emplace_back(std::move(message));
    }
  } catch (...) {
    natsMsgList_Destroy(&list);
    throw;
  }
  natsMsgList_Destroy(&list);
  return messages;
}

}  // namespace newsalert::cluster
