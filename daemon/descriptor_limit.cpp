// getrlimit/setrlimit for RLIMIT_NOFILE, the one place the daemon touches them.
#include "daemon/descriptor_limit.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace newsalert::daemon {

std::optional<std::uint64_t> descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("cannot read the open file limit (RLIMIT_NOFILE): {}", std::strerror(errno));
    return;
  }
  const rlim_t before = limit.rlim_cur;
  if (before >= limit.rlim_max) {
    spdlog::info("open file limit (RLIMIT_NOFILE): {}", before);
    return;
  }
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("cannot raise the open file limit (RLIMIT_NOFILE) from {} to its hard limit {}: {}; "
                 "set LimitNOFILE= in the unit or ulimit -n",
                 before, limit.rlim_max, std::strerror(errno));
    return;
  }
  spdlog::info("open file limit (RLIMIT_NOFILE): {} (soft limit raised from {})", limit.rlim_cur, before);
}

}  // namespace newsalert::daemon
