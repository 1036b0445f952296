// Whole small files (configs, watchlists, secrets) read into memory, and the directory operations
// that make replacing or creating a file safe: a sync of the directory, a lock on it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace newsalert {

// The file's bytes; nullopt when it cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Makes the directory entries of files just created or renamed in `dir` durable. Throws with the
// system's reason.
void sync_directory(const std::filesystem::path& dir);

// An exclusive flock(2) on a directory, held for the owner's lifetime: processes that create one
// file in it take turns. The kernel drops the lock when its holder dies.
class DirectoryLock {
 public:
  // Waits for the lock. `purpose` leads any error, so that it names what the lock was for.
  DirectoryLock(const std::filesystem::path& dir, const std::string& purpose);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

}  // namespace newsalert
