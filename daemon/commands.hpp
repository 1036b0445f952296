// The subcommands of newsalertd other than the daemon itself: check, parse, match.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace newsalert::daemon {

// Exit codes (contract): 0 success, 1 runtime failure, 2 usage or configuration error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Loads a config for a tool that does not use the state directory; prints every problem to `err`
// as file:line: message and returns nullopt when it cannot.
std::optional<config::Config> load_tool_config(const std::string& config_file, std::ostream& err);

int run_check(const std::string& config_file, std::ostream& out, std::ostream& err);
int run_parse(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err);
int run_match(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
              std::ostream& err);

}  // namespace newsalert::daemon
