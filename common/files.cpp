// Reading a whole file through one stream, for the few files the daemon reads at once.
#include "common/files.hpp"

#include <fstream>
#include <sstream>

namespace newsalert {

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace newsalert
