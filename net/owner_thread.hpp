// The check that an object confined to one thread (its io_context's) is only used there.
#pragma once

#include <atomic>
#include <thread>

namespace newsalert::net {

class OwnerThread {
 public:
  // Binds to the calling thread on the first call, so an owner may be built on one thread and
  // handed to the thread that runs its io_context. A later call from any other thread prints
  // `entry` and aborts, in every build type: a second thread inside curl corrupts memory quietly.
  void check(const char* entry) const noexcept;

 private:
  mutable std::atomic<std::thread::id> owner_{};
};

}  // namespace newsalert::net
