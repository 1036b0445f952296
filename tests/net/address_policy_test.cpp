// The SSRF guard's address check, given addresses: nothing here opens a connection.
#include "net/address_policy.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::net;

namespace {

IpAddress ip(const char* text) {
  const auto address = IpAddress::parse(text);
  EXPECT_TRUE(address) << text;
  return address.value_or(IpAddress{});
}

NetworkRange range(const char* text) {
  std::string error;
  const auto parsed = NetworkRange::parse(text, &error);
  EXPECT_TRUE(parsed) << text << ": " << error;
  return parsed.value_or(*NetworkRange::parse("0.0.0.0/32"));
}

}  // namespace

TEST(AddressPolicy, RefusesEveryNonPublicRangeByDefault) {
  const AddressPolicy policy;
  const std::pair<const char*, AddressKind> refused[] = {
      {"127.0.0.1", AddressKind::loopback},           {"127.255.255.254", AddressKind::loopback},
      {"10.0.0.1", AddressKind::private_network},     {"10.255.255.255", AddressKind::private_network},
      {"172.16.0.1", AddressKind::private_network},   {"172.31.255.255", AddressKind::private_network},
      {"192.168.1.1", AddressKind::private_network},  {"169.254.0.1", AddressKind::link_local},
      {"169.254.169.254", AddressKind::metadata},     {"100.100.100.200", AddressKind::metadata},
      {"100.64.0.1", AddressKind::shared},            {"0.0.0.0", AddressKind::unspecified},
      {"224.0.0.1", AddressKind::multicast},          {"255.255.255.255", AddressKind::reserved},
      {"240.0.0.1", AddressKind::reserved},           {"192.0.2.1", AddressKind::reserved},
      {"198.18.0.1", AddressKind::reserved},          {"::1", AddressKind::loopback},
      {"::", AddressKind::unspecified},               {"fc00::1", AddressKind::unique_local},
      {"fd12:3456::1", AddressKind::unique_local},    {"fd00:ec2::254", AddressKind::metadata},
      {"fe80::1", AddressKind::link_local},           {"febf::1", AddressKind::link_local},
      {"fec0::1", AddressKind::site_local},           {"ff02::1", AddressKind::multicast},
      {"2001:db8::1", AddressKind::reserved},         {"::127.0.0.1", AddressKind::reserved},
  };
  for (const auto& [text, kind] : refused) {
    EXPECT_EQ(AddressPolicy::classify(ip(text)), kind) << text;
    EXPECT_FALSE(policy.allows(ip(text), 80)) << text;
  }
}

TEST(AddressPolicy, AllowsPublicAddresses) {
  const AddressPolicy policy;
  for (const char* text : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.0", "192.169.0.1",
                           "100.63.255.255", "100.128.0.0", "169.253.255.255", "2606:4700:4700::1111",
                           "2a00:1450:4001::200e"}) {
    EXPECT_EQ(AddressPolicy::classify(ip(text)), AddressKind::public_address) << text;
    EXPECT_TRUE(policy.allows(ip(text), 443)) << text;
  }
}

TEST(AddressPolicy, JudgesIpv4MappedAndEmbeddedAddressesByTheIpv4Address) {
  const AddressPolicy policy;
  EXPECT_EQ(AddressPolicy::classify(ip("::ffff:127.0.0.1")), AddressKind::loopback);
  EXPECT_EQ(AddressPolicy::classify(ip("::ffff:169.254.169.254")), AddressKind::metadata);
  EXPECT_EQ(AddressPolicy::classify(ip("64:ff9b::a9fe:a9fe")), AddressKind::metadata);   // NAT64 of 169.254.169.254
  EXPECT_EQ(AddressPolicy::classify(ip("64:ff9b::10.0.0.1")), AddressKind::private_network);
  EXPECT_EQ(AddressPolicy::classify(ip("2002:7f00:0001::1")), AddressKind::loopback);    // 6to4 of 127.0.0.1
  EXPECT_EQ(AddressPolicy::classify(ip("64:ff9b::808:808")), AddressKind::public_address);
  EXPECT_FALSE(policy.allows(ip("::ffff:10.1.2.3"), 80));
  // An IPv4 allow entry covers the mapped form too.
  EXPECT_TRUE(AddressPolicy({range("127.0.0.0/8")}).allows(ip("::ffff:127.0.0.1"), 80));
}

TEST(AddressPolicy, AllowListOpensOnlyTheListedNetworksAndPorts) {
  const AddressPolicy policy({range("10.1.0.0/16"), range("127.0.0.1:8080"), range("[::1]:9090")});
  EXPECT_TRUE(policy.allows(ip("10.1.2.3"), 80));
  EXPECT_FALSE(policy.allows(ip("10.2.0.1"), 80));
  EXPECT_TRUE(policy.allows(ip("127.0.0.1"), 8080));
  EXPECT_FALSE(policy.allows(ip("127.0.0.1"), 8081));
  EXPECT_FALSE(policy.allows(ip("127.0.0.2"), 8080));
  EXPECT_TRUE(policy.allows(ip("::1"), 9090));
  EXPECT_FALSE(policy.allows(ip("::1"), 8080));
  EXPECT_FALSE(policy.allows(ip("169.254.169.254"), 80));
}

TEST(AddressPolicy, ExtraRangesOfOneTransferAddToThePolicy) {
  const AddressPolicy policy;
  const std::vector<NetworkRange> feed_allow{range("192.168.0.0/24")};
  EXPECT_TRUE(policy.allows(ip("192.168.0.7"), 80, feed_allow));
  EXPECT_FALSE(policy.allows(ip("192.168.0.7"), 80));
  EXPECT_FALSE(policy.allows(ip("192.168.1.7"), 80, feed_allow));
}

TEST(AddressPolicy, DescribesARefusal) {
  EXPECT_EQ(AddressPolicy::describe_refusal(ip("169.254.169.254"), 80),
            "169.254.169.254 port 80 is a cloud metadata endpoint");
  EXPECT_EQ(AddressPolicy::describe_refusal(ip("::1"), 8080), "::1 port 8080 is loopback");
}

TEST(NetworkRange, ParsesCidrAddressesAndPorts) {
  EXPECT_TRUE(range("0.0.0.0/0").contains(ip("8.8.8.8")));
  EXPECT_TRUE(range("::/0").contains(ip("2001:db8::1")));
  EXPECT_FALSE(range("::/0").contains(ip("8.8.8.8")));
  EXPECT_TRUE(range("[fd00::/8]:443").contains(ip("fd12::1"), 443));
  EXPECT_FALSE(range("[fd00::/8]:443").contains(ip("fd12::1"), 80));
  EXPECT_TRUE(range("127.0.0.0/8:8080").contains(ip("127.1.2.3"), 8080));
  EXPECT_TRUE(range("::ffff:10.0.0.0/104").contains(ip("10.9.9.9")));
  EXPECT_EQ(range("127.0.0.1:8080").port(), 8080);
  EXPECT_EQ(range("127.0.0.1").text(), "127.0.0.1");
}

TEST(NetworkRange, RejectsWhatIsNotANetworkWithAReason) {
  for (const char* text : {"", "localhost", "10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/", "10.0.0.0/8:", "10.0.0.0/8:0",
                           "10.0.0.0/8:70000", "[::1", "[::1]8080", "::1/129", "1.2.3", "256.0.0.1", "fd00::/8:443",
                           "::ffff:10.0.0.0/8"}) {
    std::string error;
    EXPECT_FALSE(NetworkRange::parse(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}
