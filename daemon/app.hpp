// The running daemon: polls every feed, matches new articles, commits alerts, delivers them.
#pragma once

#include "config/config.hpp"

#include <memory>
#include <ostream>

namespace newsalert::daemon {

struct StartOptions {
  bool init_state = false;   // --init-state: an existing empty state database may be initialised
};

class App {
 public:
  // Opens the state database; throws std::runtime_error when it cannot.
  // `alert_lines` receives the stdout notifier's JSON lines.
  App(config::Config config, std::ostream& alert_lines, StartOptions options = {});
  ~App();

  // Runs until SIGINT or SIGTERM, then shuts down within config.shutdown_grace. Returns the exit code.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsalert::daemon
