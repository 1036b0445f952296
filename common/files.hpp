// Whole small files (configs, watchlists, secrets) read into memory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace newsalert {

// The file's bytes; nullopt when it cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace newsalert
