// A subscription bound to a durable pull consumer: fetch a batch, answer each message.
#pragma once

#include "cluster/message.hpp"
#include "cluster/nats_handles.hpp"

#include <chrono>
#include <vector>

namespace newsalert::cluster {

class PullConsumer {
 public:
  explicit PullConsumer(NatsHandle<natsSubscription> subscription) : subscription_(std::move(subscription)) {}

  // Up to `batch` messages, waiting at most `timeout` for the first; empty when none came.
  // One fetch at a time per consumer object (libnats refuses concurrent fetches).
  std::vector<Message> fetch(int batch, std::chrono::milliseconds timeout);

 private:
  NatsHandle<natsSubscription> subscription_;
};

}  // namespace newsalert::cluster
