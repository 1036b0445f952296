// Repeating a call the cluster could not answer yet, for the cluster tests.
#pragma once

#include "cluster/nats_error.hpp"

#include <chrono>
#include <thread>

namespace newsalert::cluster {

// Repeats a call the cluster could not answer yet (no leader, reconnecting, a request lost while
// the machine is busy), as a client must; a publish is repeated with the same message id.
template <typename Call>
auto until_answered(Call&& call) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    try {
      return call();
    } catch (const NatsError& error) {
      if (!error.transient() || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(100ms);
    }
  }
}

}  // namespace newsalert::cluster
