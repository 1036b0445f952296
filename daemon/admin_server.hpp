// The admin HTTP listener: /healthz, /readyz, /metrics and /v1/status on the daemon's event loop.
#pragma once

#include "config/config.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace newsalert::daemon {

class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;                 // Prometheus text
    std::function<std::string()> status;                  // JSON
    std::function<std::optional<std::string>()> not_ready; // why the daemon is not ready, or nullopt
  };

  // Binds the address now, so a taken port stops start-up (or a reload) with a clear message.
  // Throws std::runtime_error naming the address.
  AdminServer(boost::asio::io_context& io, const config::HttpListen& listen, Handlers handlers);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  void start();
  // Stops accepting; connections in progress finish their current request.
  void stop();
  const config::HttpListen& listen() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace newsalert::daemon
