// A loopback relay in front of a test server: counts the connections clients open, and can
// terminate TLS so that the plain HttpServer answers https:// requests.
#pragma once

#include "tests/support/test_pki.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace newsalert::testing {

class TcpRelay {
 public:
  // Listens on 127.0.0.1 (an ephemeral port) and forwards every connection to 127.0.0.1:upstream.
  // With `tls`, it does the TLS handshake with that identity (no ALPN, so clients speak
  // HTTP/1.1) and forwards the decrypted bytes; without it, bytes pass through untouched.
  explicit TcpRelay(std::uint16_t upstream, std::optional<TlsIdentity> tls = std::nullopt);
  // Stops its thread and drops every connection.
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const;
  // "https://127.0.0.1:PORT" + path (or http:// without TLS).
  std::string url(std::string_view path) const;
  // Connections accepted so far.
  std::size_t accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsalert::testing
