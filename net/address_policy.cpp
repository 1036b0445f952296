// Address classification for the SSRF guard: the special-purpose registries of RFC 6890 and the
// cloud metadata endpoints, checked on the address actually connected.
#include "net/address_policy.hpp"

#include <algorithm>
#include <utility>

namespace newsalert::net {

namespace {

struct SpecialRange {
  NetworkRange range;
  AddressKind kind;
};

// More specific entries first: the first match decides.
const std::vector<SpecialRange>& special_ranges() {
  static const std::vector<SpecialRange> ranges = [] {
    const std::pair<const char*, AddressKind> table[] = {
        {"169.254.169.254/32", AddressKind::metadata},
        {"100.100.100.200/32", AddressKind::metadata},
        {"fd00:ec2::254/128", AddressKind::metadata},
        {"0.0.0.0/8", AddressKind::unspecified},
        {"10.0.0.0/8", AddressKind::private_network},
        {"100.64.0.0/10", AddressKind::shared},
        {"127.0.0.0/8", AddressKind::loopback},
        {"169.254.0.0/16", AddressKind::link_local},
        {"172.16.0.0/12", AddressKind::private_network},
        {"192.0.0.0/24", AddressKind::reserved},
        {"192.0.2.0/24", AddressKind::reserved},
        {"192.88.99.0/24", AddressKind::reserved},
        {"192.168.0.0/16", AddressKind::private_network},
        {"198.18.0.0/15", AddressKind::reserved},
        {"198.51.100.0/24", AddressKind::reserved},
        {"203.0.113.0/24", AddressKind::reserved},
        {"224.0.0.0/4", AddressKind::multicast},
        {"240.0.0.0/4", AddressKind::reserved},
        {"::/128", AddressKind::unspecified},
        {"::1/128", AddressKind::loopback},
        {"::/96", AddressKind::reserved},              // IPv4-compatible (deprecated)
        {"64:ff9b:1::/48", AddressKind::reserved},     // local-use NAT64
        {"100::/64", AddressKind::reserved},           // discard
        {"2001::/23", AddressKind::reserved},          // IETF protocol assignments, Teredo
        {"2001:db8::/32", AddressKind::reserved},      // documentation
        {"fc00::/7", AddressKind::unique_local},
        {"fe80::/10", AddressKind::link_local},
        {"fec0::/10", AddressKind::site_local},
        {"ff00::/8", AddressKind::multicast},
    };
    std::vector<SpecialRange> out;
    for (const auto& [text, kind] : table) out.push_back({*NetworkRange::parse(text), kind});
    return out;
  }();
  return ranges;
}

const NetworkRange& nat64() {
  static const NetworkRange range = *NetworkRange::parse("64:ff9b::/96");
  return range;
}

const NetworkRange& six_to_four() {
  static const NetworkRange range = *NetworkRange::parse("2002::/16");
  return range;
}

}  // namespace

std::string_view address_kind_name(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_address: return "public";
    case AddressKind::unspecified: return "unspecified";
    case AddressKind::loopback: return "loopback";
    case AddressKind::private_network: return "a private network";
    case AddressKind::shared: return "shared address space (carrier-grade NAT)";
    case AddressKind::link_local: return "link-local";
    case AddressKind::metadata: return "a cloud metadata endpoint";
    case AddressKind::unique_local: return "unique-local";
    case AddressKind::site_local: return "site-local";
    case AddressKind::multicast: return "multicast";
    case AddressKind::reserved: return "reserved";
  }
  return "reserved";
}

AddressPolicy::AddressPolicy(std::vector<NetworkRange> allow) : allow_(std::move(allow)) {}

AddressKind AddressPolicy::classify(const IpAddress& address) {
  if (address.v6 && (nat64().contains(address) || six_to_four().contains(address))) {
    // The embedded IPv4 address: the last 32 bits for NAT64, bits 16..47 for 6to4.
    const std::size_t at = nat64().contains(address) ? 12 : 2;
    const std::uint32_t v4 = (std::uint32_t{address.bytes[at]} << 24) | (std::uint32_t{address.bytes[at + 1]} << 16) |
                             (std::uint32_t{address.bytes[at + 2]} << 8) | std::uint32_t{address.bytes[at + 3]};
    return classify(IpAddress::v4(v4));
  }
  if (!address.v6 && address.v4_value() == 0xffffffffu) return AddressKind::reserved;   // broadcast
  for (const auto& special : special_ranges())
    if (special.range.contains(address)) return special.kind;
  return AddressKind::public_address;
}

bool AddressPolicy::allows(const IpAddress& address, std::uint16_t port, std::span<const NetworkRange> extra) const {
  if (classify(address) == AddressKind::public_address) return true;
  const auto in = [&](const NetworkRange& range) { return range.contains(address, port); };
  return std::any_of(allow_.begin(), allow_.end(), in) || std::any_of(extra.begin(), extra.end(), in);
}

std::string AddressPolicy::describe_refusal(const IpAddress& address, std::uint16_t port) {
  return address.str() + " port " + std::to_string(port) + " is " + std::string(address_kind_name(classify(address)));
}

}  // namespace newsalert::net
