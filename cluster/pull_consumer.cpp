// Fetching from a pull consumer; the fetched messages change owner from libnats's list to us.
#include "cluster/pull_consumer.hpp"

#include "cluster/nats_error.hpp"

#include <nats/nats.h>

namespace newsalert::cluster {

std::vector<Message> PullConsumer::fetch(int batch, std::chrono::milliseconds timeout) {
  natsMsgList list{};
  jsErrCode js_code = static_cast<jsErrCode>(0);
  // A fetch can end early on the server's timeout answer to an earlier pull request that the
  // client had already given up on; ask again for what is left of the caller's time.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  natsStatus status = NATS_TIMEOUT;
  for (auto left = timeout; status == NATS_TIMEOUT && left.count() > 0;
       left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())) {
    status = natsSubscription_Fetch(&list, subscription_.get(), batch, left.count(), &js_code);
  }
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
