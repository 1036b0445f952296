// The process's open file limit (RLIMIT_NOFILE): raised to the hard limit at start, read by the admin listener.
#pragma once

#include <cstdint>
#include <optional>

namespace newsalert::daemon {

// The soft limit now; nullopt when it is unlimited or cannot be read.
std::optional<std::uint64_t> descriptor_limit();

// Raises the soft limit to the hard one, as nginx and systemd services do: the soft default (often
// 1024) is a guard for select(), which nothing here uses, and the hard limit is what the
// administrator allowed. Logs the limit it ends with, or why it could not raise it.
void raise_descriptor_limit();

}  // namespace newsalert::daemon
