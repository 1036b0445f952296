// An IP network in CIDR notation, optionally limited to one port: one entry of an allow list.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace newsalert {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are stored as IPv4, so a
// rule about 127.0.0.0/8 also covers ::ffff:127.0.0.1.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};   // IPv4 in the first 4 bytes

  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress from_v6_bytes(const std::uint8_t* sixteen);
  std::size_t bit_length() const { return v6 ? 128 : 32; }
  bool bit(std::size_t i) const { return (bytes[i / 8] >> (7 - i % 8)) & 1; }
  std::uint32_t v4_value() const;   // host order; IPv4 only
  std::string str() const;
  bool operator==(const IpAddress&) const = default;
};

class NetworkRange {
 public:
  // "10.0.0.0/8", "127.0.0.1", "127.0.0.1:8080", "127.0.0.0/8:8080", "::1", "fd00::/8",
  // "[::1]:8080", "[fd00::/8]:443". Returns nullopt with *error set when the text is none of these.
  static std::optional<NetworkRange> parse(std::string_view text, std::string* error = nullptr);

  bool contains(const IpAddress& address) const;
  bool contains(const IpAddress& address, std::uint16_t port) const;
  const std::string& text() const { return text_; }
  std::optional<std::uint16_t> port() const { return port_; }

 private:
  IpAddress network_;
  std::size_t prefix_ = 0;
  std::optional<std::uint16_t> port_;
  std::string text_;
};

}  // namespace newsalert
