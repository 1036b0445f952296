// The SSRF guard on a curl handle: every address a connection is opened to, and every connection
// a request is about to reuse, is judged by an AddressPolicy plus the transfer's own allow list.
#pragma once

#include "common/network_range.hpp"
#include "net/address_policy.hpp"
#include "net/curl_easy.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::net {

// Lives at one address while its handle runs (curl holds a pointer to it).
class SocketGuard {
 public:
  SocketGuard(std::shared_ptr<const AddressPolicy> policy, std::vector<NetworkRange> allow)
      : policy_(std::move(policy)), allow_(std::move(allow)) {}
  SocketGuard(const SocketGuard&) = delete;
  SocketGuard& operator=(const SocketGuard&) = delete;

  // Sets the open-socket and pre-request callbacks (throws CurlOptionError when curl refuses one).
  void install(CurlEasy& easy);
  // Why the guard refused an address ("" when it did not).
  const std::string& blocked() const noexcept { return blocked_; }

 private:
  void refuse(const std::optional<IpAddress>& ip, std::uint16_t port) noexcept;
  static curl_socket_t on_open_socket(void* userp, curlsocktype purpose, curl_sockaddr* address) noexcept;
  static int on_prereq(void* userp, char* primary_ip, char*, int primary_port, int) noexcept;

  std::shared_ptr<const AddressPolicy> policy_;
  std::vector<NetworkRange> allow_;
  std::string blocked_;
};

}  // namespace newsalert::net
