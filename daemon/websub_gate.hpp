// A WebSub hub's requests on a node of a cluster: they wait for the log that names their
// subscription, and a node that takes no work turns pushes away.
#pragma once

#include "poll/websub_callback.hpp"
#include "poll/websub_subscriber.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace newsalert::daemon {

class ClusterNode;

// Lives on the event loop's thread, beside the subscriber and the cluster node it reads.
class WebSubGate {
 public:
  // `cluster` may be null (a single node): requests are then answered at once. `outbox_changed`
  // runs when applying the log added alerts.
  WebSubGate(boost::asio::io_context& io, poll::WebSubSubscriber& websub, ClusterNode* cluster,
             std::function<void()> outbox_changed);

  // The answer to a hub's request; in a cluster it may first wait up to kCatchUp for the log.
  boost::asio::awaitable<poll::CallbackAnswer> answer(poll::CallbackRequest request);
  // The subscriptions as other nodes left them: what has arrived is applied first when asked
  // (false when the log cannot be read).
  bool catch_up(bool apply_arrived);
  // Reads the subscriptions again when other nodes' entries applied here changed them.
  void refresh();
  // Requests still waiting are answered from what this node has.
  void stop() { stopping_ = true; }

  // A hub verifies after the asking node's entry is stored, so that entry is on its way already.
  static constexpr std::chrono::milliseconds kCatchUp{3000};
  static constexpr std::size_t kWaiters = 16;

 private:
  bool waits_for_log(const poll::CallbackRequest& request);

  boost::asio::io_context& io_;
  poll::WebSubSubscriber& websub_;
  ClusterNode* cluster_;
  std::function<void()> outbox_changed_;
  std::uint64_t changes_ = 0;   // cluster_->changes("websub") when the subscriptions were last read
  std::shared_ptr<std::size_t> waiters_ = std::make_shared<std::size_t>(0);   // requests waiting for the log
  bool stopping_ = false;
};

}  // namespace newsalert::daemon
