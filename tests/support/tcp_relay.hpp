// A loopback relay in front of a test server: counts the connections clients open, and can
// terminate TLS so that the plain HttpServer answers https:// requests. In front of several
// servers it is a load balancer: each connection goes to the next one that accepts it.
#pragma once

#include "tests/support/test_pki.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::testing {

class TcpRelay {
 public:
  // Listens on 127.0.0.1 (an ephemeral port) and forwards every connection to 127.0.0.1:upstream.
  // With `tls`, it does the TLS handshake with that identity (no ALPN, so clients speak
  // HTTP/1.1) and forwards the decrypted bytes; without it, bytes pass through untouched.
  explicit TcpRelay(std::uint16_t upstream, std::optional<TlsIdentity> tls = std::nullopt);
  // Round robin over `upstreams` (plain TCP): an upstream that refuses the connection is passed
  // over for the next, as a load balancer passes over a dead backend.
  explicit TcpRelay(std::vector<std::uint16_t> upstreams);
  // Stops its thread and drops every connection.
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const;
  // "https://127.0.0.1:PORT" + path (or http:// without TLS).
  std::string url(std::string_view path) const;
  // Connections accepted so far.
  std::size_t accepted() const;
  // Connections relayed to upstreams[index] so far.
  std::size_t relayed_to(std::size_t index) const;
  // The next connection tries upstreams[index] first; the round robin goes on from there.
  void send_next_to(std::size_t index);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsalert::testing
