// A real SMTP server on loopback for tests: tests/support/smtp_server.py (python3-aiosmtpd) run as
// a child process, with what it received parsed back by Python's email package.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace newsalert::testing {

struct SmtpServerOptions {
  std::filesystem::path cert_file;   // empty: no STARTTLS; else STARTTLS is offered and required
  std::filesystem::path key_file;
  bool implicit_tls = false;         // with a cert: TLS from the first byte (smtps://) instead of STARTTLS
  std::string username;              // empty: no AUTH; else AUTH is required
  std::string password;
};

class SmtpServer {
 public:
  explicit SmtpServer(SmtpServerOptions options);   // returns once the server accepts connections
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return (implicit_tls_ ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_); }

  // Everything recorded so far, in order: {"event": "message", ...} per accepted message (see the
  // script for its fields) and {"event": "refused", "code", "rcpt"} per refused recipient.
  std::vector<nlohmann::json> events() const;
  std::vector<nlohmann::json> messages() const;

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool implicit_tls_ = false;
};

}  // namespace newsalert::testing
