// sd_notify through libsystemd.
#include "daemon/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <string>
#include <ctime>

namespace newsalert::daemon {

void sd_notify_state(std::string_view state) {
  const std::string text(state);
  sd_notify(0, text.c_str());
}

void sd_notify_reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
  sd_notify_state("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

std::optional<Millis> watchdog_ping_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return Millis(static_cast<Millis::rep>(usec / 2000));
}

}  // namespace newsalert::daemon
