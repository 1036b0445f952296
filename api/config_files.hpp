// What the routes that keep files (watchlists_dir, feeds.d) share: YAML or JSON bodies, positioned
// errors, and files replaced atomically before the daemon reloads them.
#pragma once

#include "api/api_types.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace newsalert::api {

// A Content-Type that says YAML.
bool is_yaml(const std::string& content_type);
// True when an Accept header names a YAML type before (or instead of) JSON.
bool accepts_yaml(const std::string& accept);

// Line and column (1-based) of a byte offset in `text`.
std::pair<int, int> position_in(std::string_view text, std::size_t offset);
// {"path", "message", "line", "column"}: one entry of a 400's "errors"; 0 leaves a position out.
nlohmann::json positioned(std::string path, int line, int column, std::string message);
// 400 with {"errors": errors}.
Answer invalid(nlohmann::json errors);

// The main config file and the directory of NAME.yaml files a route writes: what a Job needs of
// the running config.
struct ConfigFiles {
  std::filesystem::path source;
  std::filesystem::path dir;
  std::filesystem::path file(const std::string& name) const { return dir / (name + ".yaml"); }
};

// Writes (or, without text, removes) NAME.yaml atomically and syncs the directory; the answer for
// a failure (500, saying what of `what` was or was not changed), or nullopt.
std::optional<Answer> store_file(const ConfigFiles& files, const std::string& name,
                                 const std::optional<std::string>& yaml_text, const std::string& what);

// Held while a change of the config files is checked and written: changes run on worker threads,
// and each is checked against the files as the one before it left them.
std::unique_lock<std::mutex> lock_file_changes();

}  // namespace newsalert::api
