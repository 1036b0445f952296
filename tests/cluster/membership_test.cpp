// Membership against a real three-server cluster: nodes on their own connections see each other,
// leave and expire, a node on another config or with a taken name is refused, and nodes that
// start together agree on the cluster's config.
#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/membership.hpp"
#include "cluster/nats_error.hpp"
#include "tests/cluster/all_at_once.hpp"
#include "tests/cluster/until_answered.hpp"
#include "tests/support/nats_cluster.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <regex>
#include <thread>

namespace newsalert::cluster {
namespace {

using namespace std::chrono_literals;
using testing::NatsCluster;

const std::string kConfigA = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";
const std::string kConfigB = "abcd1234ef567890abcd1234ef567890abcd1234ef567890abcd1234ef567890";

MembershipOptions options_for(const std::string& node, const std::string& fingerprint) {
  MembershipOptions options;
  options.node = node;
  options.config_fingerprint = fingerprint;
  options.replicas = 3;
  options.heartbeat = 200ms;
  options.member_timeout = 1s;
  return options;
}

// The buckets are created (or bound to) with a request to the cluster's meta leader, which a busy
// machine can leave unanswered for a while.
Membership joined(JetStream& js, const MembershipOptions& options) {
  return until_answered([&] { return Membership(js, options); });
}

// One daemon's part: its own connection, as on another machine.
struct Node {
  Node(const NatsCluster& cluster, const std::string& name, const std::string& fingerprint)
      : connection(connect_options(cluster, name)),
        js(connection),
        membership(joined(js, options_for(name, fingerprint))) {}

  static ConnectOptions connect_options(const NatsCluster& cluster, const std::string& name) {
    ConnectOptions options;
    options.servers = cluster.urls();
    options.name = name;
    return options;
  }

  Connection connection;
  JetStream js;
  Membership membership;
};

std::vector<std::string> names_of(const std::vector<Member>& members) {
  std::vector<std::string> names;
  for (const auto& member : members) names.push_back(member.node);
  return names;
}

using Names = std::vector<std::string>;

class MembershipTest : public ::testing::Test {
 protected:
  std::unique_ptr<Node> node(const std::string& name, const std::string& fingerprint = kConfigA) {
    return std::make_unique<Node>(cluster_, name, fingerprint);
  }

  NatsCluster cluster_;
};

TEST_F(MembershipTest, NodesOnTheSameConfigSeeEachOtherAsWorkers) {
  auto a = node("a");
  auto b = node("b");
  const View first = a->membership.beat();
  EXPECT_FALSE(first.accepted);
  EXPECT_EQ(first.refusal, "joining: this node takes work from its next beat, when the cluster's config record has "
                           "settled");
  EXPECT_EQ(first.workers, Names{});
  b->membership.beat();
  const View view = a->membership.beat();
  EXPECT_EQ(view.workers, (Names{"a", "b"}));
  EXPECT_EQ(names_of(view.members), (Names{"a", "b"}));
  EXPECT_TRUE(view.accepted);
  EXPECT_EQ(view.refusal, "");
  EXPECT_FALSE(view.duplicate_node);
  EXPECT_EQ(view.cluster_fingerprint, kConfigA);
  EXPECT_EQ(view.set_by, "a");
  const Member& b_seen = view.members[1];
  EXPECT_EQ(b_seen.fingerprint, kConfigA);
  EXPECT_EQ(b_seen.started, b->membership.started());
  EXPECT_EQ(b_seen.pid, ::getpid());
  EXPECT_FALSE(b_seen.host.empty());
  EXPECT_FALSE(b_seen.version.empty());
  ASSERT_TRUE(b_seen.age.has_value());
  EXPECT_LT(*b_seen.age, 1s);   // within the bucket's TTL, or it would be gone
}

TEST_F(MembershipTest, NodeThatStopsBeatingIsGoneAfterMemberTimeout) {
  auto a = node("a");
  auto b = node("b");
  a->membership.beat();
  b->membership.beat();
  const auto b_stopped = std::chrono::steady_clock::now();
  View view = a->membership.beat();
  ASSERT_EQ(view.workers, (Names{"a", "b"}));
  const auto deadline = b_stopped + 10s;
  while (view.workers.size() == 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(a->membership.options().heartbeat);
    view = a->membership.beat();
  }
  // b's last entry was written before b_stopped, so it cannot expire much before a second after it.
  EXPECT_GE(std::chrono::steady_clock::now() - b_stopped, 800ms);
  EXPECT_EQ(view.workers, (Names{"a"}));
  EXPECT_EQ(names_of(view.members), (Names{"a"}));
}

TEST_F(MembershipTest, LeaveRemovesTheNodeAtOnce) {
  auto a = node("a");
  auto b = node("b");
  a->membership.beat();
  b->membership.beat();
  b->membership.leave();
  const View view = a->membership.beat();
  EXPECT_EQ(view.workers, (Names{"a"}));
  EXPECT_EQ(names_of(view.members), (Names{"a"}));
}

TEST_F(MembershipTest, NodeOnAnotherConfigIsRefusedAndGetsNoWork) {
  auto a = node("a", kConfigA);
  auto b = node("b", kConfigB);
  a->membership.beat();
  const View view = b->membership.beat();
  EXPECT_FALSE(view.accepted);
  EXPECT_EQ(view.refusal,
            "config differs from the cluster's: this node runs sha256 abcd1234…, the cluster runs 9f8e7d6c… (set by "
            "node a at " + view.set_at + "); start or reload it with the same file");
  EXPECT_TRUE(std::regex_match(view.set_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << view.set_at;
  EXPECT_EQ(view.cluster_fingerprint, kConfigA);
  EXPECT_EQ(view.workers, (Names{"a"}));
  EXPECT_EQ(names_of(view.members), (Names{"a", "b"}));   // shown by status all the same
  EXPECT_EQ(view.members[1].fingerprint, kConfigB);
  EXPECT_EQ(a->membership.beat().workers, (Names{"a"}));
}

TEST_F(MembershipTest, AdoptedConfigRefusesNodesStillOnTheOldOneUntilTheyReload) {
  auto a = node("a");
  auto b = node("b");
  a->membership.beat();
  b->membership.beat();
  b->membership.set_fingerprint(kConfigB);
  b->membership.adopt_config();
  View b_view = b->membership.beat();
  EXPECT_TRUE(b_view.accepted);
  EXPECT_EQ(b_view.set_by, "b");
  EXPECT_EQ(b_view.workers, (Names{"b"}));
  const View a_view = a->membership.beat();
  EXPECT_FALSE(a_view.accepted);
  EXPECT_EQ(a_view.refusal,
            "config differs from the cluster's: this node runs sha256 9f8e7d6c…, the cluster runs abcd1234… (set by "
            "node b at " + a_view.set_at + "); start or reload it with the same file");
  EXPECT_EQ(a_view.workers, (Names{"b"}));

  a->membership.set_fingerprint(kConfigB);
  EXPECT_TRUE(a->membership.beat().accepted);
  EXPECT_EQ(b->membership.beat().workers, (Names{"a", "b"}));
}

// One beat of each node, all at once.
std::vector<View> beats_together(std::vector<std::unique_ptr<Node>>& nodes) {
  std::vector<View> views(nodes.size());
  all_at_once(nodes.size(), [&](std::size_t i) {
    views[i] = until_answered([&] { return nodes[i]->membership.beat(); });
  });
  return views;
}

// Round 0 races to create the record; the later rounds race over a record no live node runs (the
// previous round's nodes left): nodes take it over while another runs it already. The first beats
// may all write (nats-server 2.9.10 lets concurrent compare-and-sets of one revision through); at
// the second beats every node reads what was written last.
TEST_F(MembershipTest, NodesStartingTogetherWithDifferentConfigsAgreeOnOne) {
  for (int round = 0; round < 10; ++round) {
    std::vector<std::unique_ptr<Node>> nodes;
    for (char config = '1'; config <= '4'; ++config) {
      nodes.push_back(node(std::string("n") + config, std::string(64, config)));
    }
    for (const auto& view : beats_together(nodes)) EXPECT_FALSE(view.accepted) << "round " << round;
    const auto views = beats_together(nodes);
    int accepted = 0;
    for (const auto& view : views) {
      EXPECT_EQ(view.cluster_fingerprint, views[0].cluster_fingerprint) << "round " << round;
      EXPECT_EQ(view.workers, (Names{view.set_by})) << "round " << round;
      accepted += view.accepted ? 1 : 0;
    }
    EXPECT_EQ(accepted, 1) << "round " << round;
    for (auto& node : nodes) node->membership.leave();
  }
}

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

TEST_F(MembershipTest, TwoProcessesWithOneNodeNameAreBothRefusedAndGiveNoWork) {
  auto first = node("a");
  auto second = node("a");
  auto c = node("c");
  c->membership.beat();
  first->membership.beat();
  second->membership.beat();
  const View first_view = first->membership.beat();
  const View second_view = second->membership.beat();
  const View c_view = c->membership.beat();

  const auto refusal = [](const Node& other) {
    return "another process announces itself as node a (pid " + std::to_string(::getpid()) + " on host " +
           host_name() + ", started " + other.membership.started() + "); give each node its own name";
  };
  EXPECT_TRUE(first_view.duplicate_node);
  EXPECT_FALSE(first_view.accepted);
  EXPECT_EQ(first_view.refusal, refusal(*second));
  EXPECT_TRUE(second_view.duplicate_node);
  EXPECT_FALSE(second_view.accepted);
  EXPECT_EQ(second_view.refusal, refusal(*first));
  EXPECT_EQ(c_view.workers, (Names{"c"}));
  EXPECT_EQ(names_of(c_view.members), (Names{"a", "c"}));
}

TEST_F(MembershipTest, RestartedNodeIsNotTakenForADuplicateOfItsCrashedPredecessor) {
  auto crashed = node("a");
  crashed->membership.beat();
  crashed->membership.beat();
  crashed.reset();   // no leave(): its entry lives on until member_timeout
  auto restarted = node("a");
  restarted->membership.beat();
  const View view = restarted->membership.beat();
  EXPECT_FALSE(view.duplicate_node);
  EXPECT_TRUE(view.accepted);
  EXPECT_EQ(view.workers, (Names{"a"}));
}

TEST_F(MembershipTest, UnusableOptionsAreRefusedWithTheReason) {
  Connection connection(Node::connect_options(cluster_, "options"));
  JetStream js(connection);
  try {
    Membership membership(js, options_for("node a", kConfigA));
    FAIL() << "a name with a space was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "cluster node name \"node a\" is not usable: allowed are letters, digits, - _ / = and inner dots");
  }
  auto options = options_for("a", kConfigA);
  options.heartbeat = 800ms;
  try {
    Membership membership(js, options);
    FAIL() << "a member_timeout shorter than two heartbeats was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "cluster member_timeout (1s) must be at least twice the heartbeat (800ms), or a live "
                               "node's entry expires between two of its beats");
  }
  // The members bucket's TTL is member_timeout: the first node to start decides it.
  const Membership first = joined(js, options_for("a", kConfigA));
  options = options_for("b", kConfigA);
  options.member_timeout = 2s;
  try {
    joined(js, options);
    FAIL() << "a second member_timeout was accepted";
  } catch (const NatsError& error) {
    EXPECT_STREQ(error.what(), "NATS: cannot create bucket newsalert-members: Error (Existing configuration is "
                               "different); every node of the cluster needs the same member_timeout and replicas "
                               "(this one has 2s and 3)");
  }
}

}  // namespace
}  // namespace newsalert::cluster
