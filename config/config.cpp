// Diagnostics, the error that carries them, and reading a config file from disk.
#include "config/config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace newsalert::config {

std::string Diagnostic::str() const {
  if (line > 0 && column > 0)
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
  return file + ": " + message;
}

namespace {

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.str();
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

Config load_config(const std::filesystem::path& file, bool check_state_dir) {
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
  Config config = parse_config(text.str(), file.string(), check_state_dir);
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

std::string HttpListen::str() const {
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown_host + ":" + std::to_string(port);
}

}  // namespace newsalert::config
