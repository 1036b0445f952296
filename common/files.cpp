// Reading a whole file through one stream, for the few files the daemon reads at once; syncing and
// locking a directory.
#include "common/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace newsalert {

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + dir.string() + " to sync it: " + std::strerror(errno));
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) throw std::runtime_error("cannot sync " + dir.string() + ": " + std::strerror(error));
}

DirectoryLock::DirectoryLock(const std::filesystem::path& dir, const std::string& purpose)
    : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error(purpose + ": cannot open " + dir.string() + ": " + std::strerror(errno));
  int locked;
  do locked = ::flock(fd_, LOCK_EX);
  while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    const int error = errno;
    ::close(fd_);
    throw std::runtime_error(purpose + ": cannot lock " + dir.string() + ": " + std::strerror(error));
  }
}

DirectoryLock::~DirectoryLock() { ::close(fd_); }

}  // namespace newsalert
