// The SSRF guard's curl callbacks.
#include "net/socket_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace newsalert::net {

void SocketGuard::install(CurlEasy& easy) {
  void* self = this;
  easy.set(CURLOPT_OPENSOCKETFUNCTION, &SocketGuard::on_open_socket);
  easy.set(CURLOPT_OPENSOCKETDATA, self);
  easy.set(CURLOPT_PREREQFUNCTION, &SocketGuard::on_prereq);
  easy.set(CURLOPT_PREREQDATA, self);
}

void SocketGuard::refuse(const std::optional<IpAddress>& ip, std::uint16_t port) noexcept {
  try {
    blocked_ = ip ? AddressPolicy::describe_refusal(*ip, port) : "not an IP address";
  } catch (...) {
  }
}

// Every connection curl makes passes here with the address it resolved, so the guard judges the
// address actually connected (a host name that resolves differently later cannot slip past).
curl_socket_t SocketGuard::on_open_socket(void* userp, curlsocktype purpose, curl_sockaddr* address) noexcept {
  auto* self = static_cast<SocketGuard*>(userp);
  if (self->policy_ && purpose == CURLSOCKTYPE_IPCXN) {
    std::optional<IpAddress> ip;
    std::uint16_t port = 0;
    if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
      ip = IpAddress::v4(ntohl(in->sin_addr.s_addr));
      port = ntohs(in->sin_port);
    } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      ip = IpAddress::from_v6_bytes(in6->sin6_addr.s6_addr);
      port = ntohs(in6->sin6_port);
    }
    if (!ip || !self->policy_->allows(*ip, port, self->allow_)) {
      self->refuse(ip, port);
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Runs before each request is sent, on a new or a reused connection. A kept-alive connection
// opened for a transfer that may reach an address must not carry one that may not: without
// this, a webhook on the same host and port as an allowed feed would ride the feed's connection.
int SocketGuard::on_prereq(void* userp, char* primary_ip, char*, int primary_port, int) noexcept {
  auto* self = static_cast<SocketGuard*>(userp);
  if (!self->policy_) return CURL_PREREQFUNC_OK;
  const auto ip = IpAddress::parse(primary_ip == nullptr ? "" : primary_ip);
  const auto port = static_cast<std::uint16_t>(primary_port);
  if (ip && self->policy_->allows(*ip, port, self->allow_)) return CURL_PREREQFUNC_OK;
  self->refuse(ip, port);
  return CURL_PREREQFUNC_ABORT;
}

}  // namespace newsalert::net
