// Diagnostics, the error that carries them, and the listener address as written.
#include "config/config.hpp"

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

std::string HttpListen::str() const {
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown_host + ":" + std::to_string(port);
}

}  // namespace newsalert::config
