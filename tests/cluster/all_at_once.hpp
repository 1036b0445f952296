// Racing calls for the cluster tests: several threads released together.
#pragma once

#include <cstddef>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

namespace newsalert::cluster {

// Runs call(0) ... call(count - 1), each on its own thread, all released at once. A failure is
// thrown here, on the caller's thread, so that the test's servers are still stopped.
template <typename Call>
void all_at_once(std::size_t count, Call call) {
  std::vector<std::exception_ptr> errors(count);
  std::latch start(static_cast<std::ptrdiff_t>(count));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        call(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace newsalert::cluster
