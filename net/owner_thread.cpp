// The check that an object confined to one thread (its io_context's) is only used there.
#include "net/owner_thread.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace newsalert::net {

void OwnerThread::check(const char* entry) const noexcept {
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id expected{};
  if (owner_.compare_exchange_strong(expected, me) || expected == me) return;
  std::ostringstream ids;
  ids << "thread " << me << ", owner " << expected;
  std::fprintf(stderr,
               "newsalert: %s called outside its io_context's thread (%s); libcurl's handles are used "
               "by one thread only\n",
               entry, ids.str().c_str());
  std::abort();
}

}  // namespace newsalert::net
