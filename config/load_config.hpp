// Reading a config: a YAML file (and the OPML files it names) into the types of config.hpp.
// A library of its own (newsalert_config_loader), so that only what reads files links yaml-cpp.
#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace newsalert::config {

// A change to one file of watchlists_dir (a watchlist) or of its sibling feeds.d (a feed), tried
// before it is written: its new YAML text, or nullopt for its removal.
struct FileEdit {
  enum class Dir { watchlists, feeds };
  std::string name;
  std::optional<std::string> yaml;
  Dir dir = Dir::watchlists;
};

// Reads and validates a config file (and the files of its watchlists_dir and feeds.d). Throws ConfigError.
// check_state_dir: also verify the state directory exists (or can be created) and is writable.
// edit: the config as it would be with that change made.
Config load_config(const std::filesystem::path& file, bool check_state_dir = true,
                   const FileEdit* edit = nullptr);
Config parse_config(const std::string& yaml_text, const std::string& file_name, bool check_state_dir = true,
                    const FileEdit* edit = nullptr);

}  // namespace newsalert::config
