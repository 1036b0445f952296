// A WebSub hub's requests on a node of a cluster: waiting for the log, turning pushes away.
#include "daemon/websub_gate.hpp"

#include "daemon/cluster_node.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <memory>

namespace newsalert::daemon {

namespace asio = boost::asio;

WebSubGate::WebSubGate(asio::io_context& io, poll::WebSubSubscriber& websub, ClusterNode* cluster,
                       std::function<void()> outbox_changed)
    : io_(io), websub_(websub), cluster_(cluster), outbox_changed_(std::move(outbox_changed)) {}

// A hub's request may reach this node before the entry of the node that asked the hub (the
// subscription it verifies, with the secret it signs with) has been applied here: it waits for
// that entry up to kCatchUp before it is answered as naming no subscription. Only tokens of the
// daemon's own form wait, and at most kWaiters at once, so that made-up callback URLs cannot hold
// the listener's connections.
// A node that takes no work (another config) turns pushes away: its pipeline would mark the
// entries seen under watchlists the cluster does not run; the hub sends them again.
asio::awaitable<poll::CallbackAnswer> WebSubGate::answer(poll::CallbackRequest request) {
  if (cluster_ != nullptr && request.method == "POST" && !cluster_->accepted())
    co_return poll::CallbackAnswer{503, "this node takes no work now; send it again\n"};
  if (cluster_ != nullptr && websub_.well_formed(request) && !websub_.expects(request) && waits_for_log(request)) {
    // Over the bound, answered as busy rather than as naming nothing: the hub would drop a
    // subscription that only had not reached this node yet.
    if (*waiters_ >= kWaiters)
      co_return poll::CallbackAnswer{503, "too many requests wait for this node's state; send it again\n"};
    // The frame may outlive the gate (destroyed with the io_context at a hurried shutdown): the
    // count it lowers then is its own.
    const std::shared_ptr<std::size_t> count = waiters_;
    ++*count;
    const std::unique_ptr<std::size_t, void (*)(std::size_t*)> done(count.get(), [](std::size_t* n) { --*n; });
    const auto deadline = std::chrono::steady_clock::now() + kCatchUp;
    asio::steady_timer pause(io_);
    boost::system::error_code ec;
    do {
      pause.expires_after(std::chrono::milliseconds(20));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    } while (!stopping_ && std::chrono::steady_clock::now() < deadline && waits_for_log(request));
  }
  co_return websub_.handle(request);
}

// Applies what has arrived; true while `request` still names nothing this node knows (false too
// when the log cannot be read: the request is answered from what the node has).
bool WebSubGate::waits_for_log(const poll::CallbackRequest& request) {
  return catch_up(true) && !websub_.expects(request);
}

bool WebSubGate::catch_up(bool apply_arrived) {
  if (cluster_ == nullptr) return true;
  bool read = true;
  try {
    if (apply_arrived && cluster_->apply_now()) outbox_changed_();
  } catch (const std::exception& e) {
    spdlog::warn("websub: cannot apply the cluster's log: {}", e.what());
    read = false;
  }
  refresh();
  return read;
}

// Subscriptions other nodes changed (a verification that reached them, a renewal by the feed's
// poller) are read again once they are applied here.
void WebSubGate::refresh() {
  if (cluster_ == nullptr) return;
  const std::uint64_t changes = cluster_->changes("websub");
  if (changes == changes_) return;
  changes_ = changes;
  websub_.refresh();
}

}  // namespace newsalert::daemon
