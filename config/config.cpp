// Diagnostics, the error that carries them, the listener address as written and a default node name.
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

std::string node_name_from_host(std::string_view host) {
  std::string name(host.substr(0, 64));
  for (char& c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) c = '-';
  }
  return name;
}

std::string HttpListen::str() const {
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown_host + ":" + std::to_string(port);
}

}  // namespace newsalert::config
