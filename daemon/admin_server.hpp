// The admin HTTP listener on the daemon's event loop: health, metrics, the /v1 API and the console at /.
#pragma once

#include "api/api_types.hpp"
#include "common/supervisor.hpp"
#include "poll/websub_callback.hpp"
#include "config/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace newsalert::daemon {

// A request under the callback path, as the callback handler sees it (no Beast types).
class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;                 // Prometheus text
    std::function<std::optional<std::string>()> not_ready; // why the daemon is not ready, or nullopt
    std::function<api::Routed(const api::Request&)> api;   // every path under /v1/
    // Runs an API Job off the event loop (the worker pool); without it a Job runs in place.
    std::function<boost::asio::awaitable<api::Answer>(api::Job)> run_job;
    // Loads the config files again, as SIGHUP does, for an answer with `reload` set; false when refused.
    std::function<boost::asio::awaitable<bool>()> reload;
    // Requests whose path starts with callback_prefix (any method) go here: WebSub callbacks.
    std::string callback_prefix;
    std::function<boost::asio::awaitable<poll::CallbackAnswer>(poll::CallbackRequest)> callback;
    std::uint64_t body_limit = 1 << 20;   // largest request body read
  };

  // Binds the address now, so a taken port stops start-up (or a reload) with a clear message.
  // Throws std::runtime_error naming the address.
  AdminServer(boost::asio::io_context& io, const config::HttpListen& listen, Handlers handlers);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // The accept loop runs under `supervisor`. It keeps at most listen.max_connections open and
  // closes a new connection at once when it would leave too few descriptors for the rest of the
  // daemon; failed accepts are retried with backoff. Each is logged when it starts and ends.
  void start(Supervisor& supervisor);
  // Stops accepting; connections in progress finish their current request.
  void stop();
  const config::HttpListen& listen() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace newsalert::daemon
