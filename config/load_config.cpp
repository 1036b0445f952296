// Reading a config file from disk: its text to the YAML loader, then a warning when it is
// world-readable and holds a secret.
#include "config/load_config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace newsalert::config {

Config load_config(const std::filesystem::path& file, bool check_state_dir, const FileEdit* edit) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw ConfigError({Diagnostic{file.string(), 0, "cannot read: is a directory"}});
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw ConfigError({Diagnostic{file.string(), 0, std::string("cannot read: ") + std::strerror(err)}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({Diagnostic{file.string(), 0, "cannot read: I/O error"}});
  Config config = parse_config(text.str(), file.string(), check_state_dir, edit);
  struct stat st {};
  if (config.inline_secret_line > 0 && ::stat(file.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    config.warnings.insert(config.warnings.begin(),
                           Diagnostic{file.string(), config.inline_secret_line,
                                      std::string("warning: the file is readable by every user (mode ") + mode +
                                          ") and holds a secret; chmod o-r it, or take secrets from the "
                                          "environment (${NAME}) or a secret_file"});
  }
  return config;
}

}  // namespace newsalert::config
