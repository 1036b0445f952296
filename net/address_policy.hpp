// The SSRF guard's decision: may a transfer connect to this address and port?
#pragma once

#include "common/network_range.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::net {

// Why an address is special. Everything but public_address is refused unless allowed.
enum class AddressKind {
  public_address,
  unspecified,     // 0.0.0.0/8, ::
  loopback,        // 127.0.0.0/8, ::1
  private_network, // 10/8, 172.16/12, 192.168/16
  shared,          // 100.64/10 (carrier-grade NAT)
  link_local,      // 169.254/16, fe80::/10
  metadata,        // cloud metadata endpoints: 169.254.169.254, fd00:ec2::254, 100.100.100.200
  unique_local,    // fc00::/7
  site_local,      // fec0::/10 (deprecated, still routed inside some networks)
  multicast,       // 224/4, ff00::/8
  reserved,        // 240/4, broadcast, documentation, benchmarking, IETF, discard, Teredo, ...
};

// "loopback", "private network", "cloud metadata", ...: for the message the user sees.
std::string_view address_kind_name(AddressKind kind);

class AddressPolicy {
 public:
  // Networks (optionally with a port) that may be reached although they are not public.
  explicit AddressPolicy(std::vector<NetworkRange> allow = {});

  // What kind of address this is. Addresses that embed an IPv4 address (NAT64 64:ff9b::/96,
  // 6to4 2002::/16) are judged by the embedded one, so they cannot smuggle a private target.
  static AddressKind classify(const IpAddress& address);

  // True when the transfer may connect: a public address, or one inside an allowed network
  // (this policy's or `extra`, which a feed or webhook adds for itself).
  bool allows(const IpAddress& address, std::uint16_t port, std::span<const NetworkRange> extra = {}) const;

  // "127.0.0.1 port 8080 is loopback": why allows() said no.
  static std::string describe_refusal(const IpAddress& address, std::uint16_t port);

  const std::vector<NetworkRange>& allowed() const { return allow_; }

 private:
  std::vector<NetworkRange> allow_;
};

}  // namespace newsalert::net
