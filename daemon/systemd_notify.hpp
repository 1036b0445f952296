// The sd_notify protocol: readiness, status and watchdog pings to systemd (no-ops outside systemd).
#pragma once

#include "common/time.hpp"

#include <optional>
#include <string_view>

namespace newsalert::daemon {

// Sends one notification such as "READY=1" or "STATUS=...". Does nothing when NOTIFY_SOCKET is unset.
void sd_notify_state(std::string_view state);

// "RELOADING=1" with the MONOTONIC_USEC= that newer systemd versions expect beside it.
void sd_notify_reloading();

// The interval at which the event loop should ping (half of WatchdogSec), if the watchdog is on.
std::optional<Millis> watchdog_ping_interval();

}  // namespace newsalert::daemon
