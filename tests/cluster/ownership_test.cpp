// Rendezvous hashing: fixed weights (every version must agree), an even spread, and keys that
// move only to or from the member that joined or left.
#include "cluster/ownership.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace newsalert::cluster {
namespace {

// Keys that differ only in their last characters, as feed URLs often do: FNV-1a without its
// finaliser gives one of three members more than half of these.
std::vector<std::string> feed_urls(int count) {
  std::vector<std::string> urls;
  for (int i = 0; i < count; ++i) urls.push_back("https://example.com/rss?page=" + std::to_string(i));
  return urls;
}

std::map<std::string, std::string> owners(const std::vector<std::string>& keys, const Ownership& ownership) {
  std::map<std::string, std::string> result;
  for (const auto& key : keys) result[key] = ownership.owner_of(key);
  return result;
}

// Computed apart from this code from the definition in ownership.hpp. If one changes, nodes of two
// versions disagree on owners: a cluster then needs every node stopped before the upgrade.
TEST(Ownership, WeightsAreTheDocumentedHash) {
  EXPECT_EQ(ownership_weight("node-a", "https://example.com/feed.xml"), 0x035e09e080b34703ULL);
  EXPECT_EQ(ownership_weight("node-b", "https://example.com/feed.xml"), 0x5ba02f943001d506ULL);
  EXPECT_EQ(ownership_weight("node-c", "https://example.com/feed.xml"), 0xab849cb9cacc37bdULL);
  EXPECT_EQ(ownership_weight("a", ""), 0xd0137a57d0ef408fULL);
  EXPECT_EQ(ownership_weight("", ""), 0x25fc6dd36ce04b20ULL);
}

TEST(Ownership, OwnersOfFixedKeysAreStable) {
  const std::vector<std::string> members = {"node-b", "node-c", "node-a"};
  EXPECT_EQ(owner_of("https://example.com/feed.xml", members), "node-c");
  EXPECT_EQ(owner_of("https://news.example.org/rss", members), "node-a");
  EXPECT_EQ(owner_of("feed-1", members), "node-b");
  EXPECT_EQ(owner_of("feed-2", members), "node-c");
  EXPECT_EQ(owner_of("feed-3", members), "node-a");
  const Ownership ownership(members);
  for (const char* key : {"https://example.com/feed.xml", "https://news.example.org/rss", "feed-1", "feed-2"}) {
    EXPECT_EQ(ownership.owner_of(key), owner_of(key, members)) << key;
  }
}

TEST(Ownership, NoMembersOwnNothing) {
  EXPECT_EQ(owner_of("feed-1", {}), "");
  EXPECT_EQ(Ownership().owner_of("feed-1"), "");
}

TEST(Ownership, MemberOrderAndRepeatsDoNotMatter) {
  const Ownership ownership({"c", "a", "b", "a"});
  EXPECT_EQ(ownership.members(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ownership, Ownership({"a", "b", "c"}));
  for (const auto& key : feed_urls(200)) EXPECT_EQ(ownership.owner_of(key), owner_of(key, {"b", "c", "a"})) << key;
}

TEST(Ownership, TenThousandKeysSpreadEvenlyOverThreeMembers) {
  const Ownership ownership({"node-a", "node-b", "node-c"});
  std::map<std::string, int> counts;
  for (const auto& [key, owner] : owners(feed_urls(10000), ownership)) ++counts[owner];
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [member, count] : counts) {
    EXPECT_GE(count, 3000) << member;   // 10,000 / 3 within 10%
    EXPECT_LE(count, 3667) << member;
  }
}

TEST(Ownership, WhenAMemberLeavesOnlyItsKeysMove) {
  const auto keys = feed_urls(10000);
  const auto before = owners(keys, Ownership({"node-a", "node-b", "node-c"}));
  const auto after = owners(keys, Ownership({"node-a", "node-c"}));
  int moved = 0;
  for (const auto& key : keys) {
    if (before.at(key) == "node-b") {
      ++moved;
    } else {
      EXPECT_EQ(after.at(key), before.at(key)) << key;
    }
  }
  EXPECT_GT(moved, 3000);
}

TEST(Ownership, AJoiningMemberTakesAboutAThirdAndKeysMoveOnlyToIt) {
  const auto keys = feed_urls(10000);
  const auto before = owners(keys, Ownership({"node-a", "node-b"}));
  const auto after = owners(keys, Ownership({"node-a", "node-b", "node-c"}));
  int taken = 0;
  for (const auto& key : keys) {
    if (after.at(key) == before.at(key)) continue;
    EXPECT_EQ(after.at(key), "node-c") << key;
    ++taken;
  }
  EXPECT_GE(taken, 3000);
  EXPECT_LE(taken, 3667);
}

TEST(Ownership, HandoffWaitsForALiveOwnerAndTakesFromAGoneOneAtOnce) {
  const Ownership two({"node-a", "node-b"});
  const Ownership three({"node-a", "node-b", "node-c"});
  const std::vector<std::string> all = {"node-a", "node-b", "node-c"};
  const std::string key = "https://example.com/feed.xml";   // node-c's among three, node-b's among two
  ASSERT_EQ(two.owner_of(key), "node-b");
  ASSERT_EQ(three.owner_of(key), "node-c");

  // node-c joins: node-b is alive and may still be polling the feed.
  EXPECT_EQ(handoff(key, "node-c", two, three, all), Handoff::TakeAfter);
  EXPECT_EQ(handoff(key, "node-b", two, three, all), Handoff::Release);
  EXPECT_EQ(handoff(key, "node-a", two, three, all), Handoff::None);
  // node-c leaves: its keys go back at once to whoever owns them now.
  EXPECT_EQ(handoff(key, "node-b", three, two, {"node-a", "node-b"}), Handoff::TakeNow);
  // node-c was alive but is refused now (not a worker): it is waited for.
  EXPECT_EQ(handoff(key, "node-b", three, two, all), Handoff::TakeAfter);
  // From no workers at all, and with nothing changed.
  EXPECT_EQ(handoff(key, "node-c", Ownership(), three, all), Handoff::TakeNow);
  EXPECT_EQ(handoff(key, "node-c", three, three, all), Handoff::None);
}

}  // namespace
}  // namespace newsalert::cluster
