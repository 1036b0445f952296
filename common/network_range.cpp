// Parsing and matching of CIDR ranges with an optional port.
#include "common/network_range.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace newsalert {

namespace {

bool is_v4_mapped(const std::uint8_t* b) {
  for (int i = 0; i < 10; ++i)
    if (b[i] != 0) return false;
  return b[10] == 0xff && b[11] == 0xff;
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::from_v6_bytes(const std::uint8_t* sixteen) {
  IpAddress a;
  if (is_v4_mapped(sixteen)) {
    std::memcpy(a.bytes.data(), sixteen + 12, 4);
    return a;
  }
  a.v6 = true;
  std::memcpy(a.bytes.data(), sixteen, 16);
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::uint8_t buffer[16];
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), buffer) != 1) return std::nullopt;
    IpAddress a;
    std::memcpy(a.bytes.data(), buffer, 4);
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), buffer) != 1) return std::nullopt;
  return from_v6_bytes(buffer);
}

std::uint32_t IpAddress::v4_value() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         std::uint32_t{bytes[3]};
}

std::string IpAddress::str() const {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), out, sizeof out);
  return out;
}

std::optional<NetworkRange> NetworkRange::parse(std::string_view text, std::string* error) {
  NetworkRange range;
  range.text_ = std::string(text);
  std::string_view network = text;
  std::string_view port;
  if (network.starts_with('[')) {
    const auto close = network.find(']');
    if (close == std::string_view::npos) return fail(error, "missing ']'"), std::nullopt;
    const std::string_view after = network.substr(close + 1);
    network = network.substr(1, close - 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return fail(error, "expected ':PORT' after ']'"), std::nullopt;
      port = after.substr(1);
      if (port.empty()) return fail(error, "missing port after ':'"), std::nullopt;
    }
  } else if (network.find(':') == network.rfind(':') && network.find(':') != std::string_view::npos) {
    // One colon: IPv4 with a port. IPv6 has at least two colons and takes a port only in brackets.
    const auto colon = network.find(':');
    port = network.substr(colon + 1);
    network = network.substr(0, colon);
    if (port.empty()) return fail(error, "missing port after ':'"), std::nullopt;
  }
  std::string_view prefix_text;
  bool has_prefix = false;
  if (const auto slash = network.find('/'); slash != std::string_view::npos) {
    has_prefix = true;
    prefix_text = network.substr(slash + 1);
    network = network.substr(0, slash);
  }
  const auto address = IpAddress::parse(network);
  if (!address) return fail(error, "'" + std::string(network) + "' is not an IP address"), std::nullopt;
  range.network_ = *address;
  range.prefix_ = address->bit_length();
  if (has_prefix) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), value);
    // A mapped address was written as IPv6, so its prefix counts IPv6 bits.
    const bool written_v6 = network.find(':') != std::string_view::npos;
    const std::size_t written_bits = written_v6 ? 128 : 32;
    if (prefix_text.empty() || ec != std::errc{} || ptr != prefix_text.data() + prefix_text.size() ||
        value > written_bits)
      return fail(error, "prefix length must be 0 to " + std::to_string(written_bits)), std::nullopt;
    if (written_v6 && !address->v6) {
      if (value < 96) return fail(error, "a prefix shorter than /96 on an IPv4-mapped address"), std::nullopt;
      value -= 96;
    }
    range.prefix_ = value;
  }
  for (std::size_t i = range.prefix_; i < range.network_.bit_length(); ++i)
    if (range.network_.bit(i)) return fail(error, "host bits are set (did you mean the network address?)"), std::nullopt;
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535)
      return fail(error, "port must be 1 to 65535"), std::nullopt;
    range.port_ = static_cast<std::uint16_t>(value);
  }
  return range;
}

bool NetworkRange::contains(const IpAddress& address) const {
  if (address.v6 != network_.v6) return false;
  for (std::size_t i = 0; i < prefix_; ++i)
    if (address.bit(i) != network_.bit(i)) return false;
  return true;
}

bool NetworkRange::contains(const IpAddress& address, std::uint16_t port) const {
  return contains(address) && (!port_ || *port_ == port);
}

}  // namespace newsalert
