// `newsalertd status`: asks the running daemon's admin listener for /v1/status and prints a table.
#pragma once

#include <ostream>
#include <string>

namespace newsalert::daemon {

// Exit 0 with the table, 1 when the daemon cannot be reached or answers nonsense, 2 when the config
// has no http.listen (or cannot be read). `json` prints the daemon's answer as it came.
int run_status(const std::string& config_file, bool json, std::ostream& out, std::ostream& err);

}  // namespace newsalert::daemon
