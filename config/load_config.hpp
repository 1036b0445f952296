// Reading a config: a YAML file (and the OPML files it names) into the types of config.hpp.
// A library of its own (newsalert_config_loader), so that only what reads files links yaml-cpp.
#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <string>

namespace newsalert::config {

// Reads and validates a config file. Throws ConfigError.
// check_state_dir: also verify the state directory exists (or can be created) and is writable.
Config load_config(const std::filesystem::path& file, bool check_state_dir = true);
Config parse_config(const std::string& yaml_text, const std::string& file_name, bool check_state_dir = true);

}  // namespace newsalert::config
