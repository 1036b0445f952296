// The subcommands of newsalertd other than the daemon itself: check, parse, match, deliveries.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace newsalert::daemon {

// Exit codes (contract): 0 success, 1 runtime failure, 2 usage or configuration error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_check(const std::string& config_file, std::ostream& out, std::ostream& err);
int run_parse(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err);
// deliveries list | retry ID...|--all | purge: the dead letters and disabled webhooks, offline or
// beside the running daemon (SQLite WAL and a busy timeout make that safe).
int run_deliveries(const std::string& config_file, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);
int run_match(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
              std::ostream& err);

}  // namespace newsalert::daemon
