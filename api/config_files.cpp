// Bodies, positioned errors and atomic files for the watchlist and feed routes.
#include "api/config_files.hpp"

#include "common/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace newsalert::api {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Writes `text` to `path` through a hidden file in the same directory renamed over it, both synced,
// so a crash leaves the old file or the new one and never a part of either.
void write_atomically(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  const fs::path temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
  const auto fail = [&](const std::string& what) {
    const int err = errno;
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot " + what + " " + path.string() + ": " + std::strerror(err));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) fail("create");
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("write");
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail("replace");
}


}  // namespace

bool is_yaml(const std::string& content_type) {
  const std::string type = content_type.substr(0, content_type.find(';'));
  return type == "application/yaml" || type == "text/yaml" || type == "application/x-yaml";
}

bool accepts_yaml(const std::string& accept) {
  const auto yaml = accept.find("yaml");
  return yaml != std::string::npos && yaml < accept.find("json");
}

std::pair<int, int> position_in(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const auto newline = before.rfind('\n');
  const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const int column = static_cast<int>(offset - (newline == std::string_view::npos ? 0 : newline + 1)) + 1;
  return {line, column};
}

json positioned(std::string path, int line, int column, std::string message) {
  json error = {{"path", std::move(path)}, {"message", std::move(message)}};
  if (line > 0) error["line"] = line;
  if (column > 0) error["column"] = column;
  return error;
}

Answer invalid(json errors) {
  return json_answer(400, json{{"errors", std::move(errors)}}.dump() + "\n");
}

std::optional<Answer> store_file(const ConfigFiles& files, const std::string& name,
                                 const std::optional<std::string>& yaml_text, const std::string& what) {
  const fs::path file = files.file(name);
  try {
    if (yaml_text) write_atomically(file, *yaml_text);
    else if (::unlink(file.c_str()) != 0 && errno != ENOENT)
      throw std::runtime_error("cannot remove " + file.string() + ": " + std::strerror(errno));
  } catch (const std::exception& e) {
    spdlog::error("api: {} '{}' not changed: {}", what, name, e.what());
    return error_answer(500, std::string(e.what()) + "; nothing was changed");
  }
  try {
    sync_directory(files.dir);
  } catch (const std::exception& e) {   // the change is made; only its survival of a power cut is in doubt
    spdlog::warn("api: {} '{}' changed, but {}", what, name, e.what());
  }
  return std::nullopt;
}

std::unique_lock<std::mutex> lock_file_changes() {
  static std::mutex changes;
  return std::unique_lock(changes);
}

}  // namespace newsalert::api
