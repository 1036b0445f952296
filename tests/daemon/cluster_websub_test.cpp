// WebSub in cluster mode end to end: three real newsalertd on a real three-server NATS cluster,
// the loopback hub, and a load balancer in front of the nodes' callback listeners. The feed's
// poller subscribes once, a hub's request reaching any node is answered from the shared state,
// and when the poller dies its successor renews the same subscription.
#include "cluster/ownership.hpp"
#include "common/crypto.hpp"
#include "daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/nats_cluster.hpp"
#include "tests/support/tcp_relay.hpp"
#include "tests/support/websub_hub.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <csignal>
#include <thread>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::vector<std::string> kNodes = {"a", "b", "c"};

std::string atom(const std::string& hub, const std::string& self,
                 const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Wire</title>";
  if (!hub.empty()) out += "<link rel=\"hub\" href=\"" + hub + "\"/>";
  out += "<link rel=\"self\" href=\"" + self + "\"/>";
  for (const auto& [id, title] : entries)
    out += "<entry><id>" + id + "</id><title>" + title + "</title><link href=\"http://wire.example/" + id +
           "\"/><updated>2030-01-01T00:00:00Z</updated><summary>" + title + "</summary></entry>";
  return out + "</feed>";
}

// A headline the watchlist matches, its own story (stories are grouped at distance 0 only).
std::string headline(int i) { return "Khamenei statement in Tehran on matter " + std::to_string(i); }

class ClusterWebSubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hook_.serve_webhook("/hook");
    for (std::size_t i = 0; i < kNodes.size(); ++i) ports_.push_back(free_port());
    balancer_ = std::make_unique<TcpRelay>(ports_);
  }

  std::string feed_url() const { return feeds_.url("/wire.atom"); }

  // The feed, first without a hub: the nodes settle who polls it before it names one.
  void serve_feed() {
    feeds_.serve_feed("/wire.atom", atom("", feed_url(), {{"old-1", "Weather outlook for the district"}}),
                      "application/atom+xml");
  }

  // The feed names `hub` from now on; the hub's first request (its verification of intent) goes to
  // a node that does not poll the feed, so it knows the subscription only from the log.
  void name_hub(const WebSubHub& hub, const std::string& poller) {
    const auto index = static_cast<std::size_t>(std::find(kNodes.begin(), kNodes.end(), poller) - kNodes.begin());
    balancer_->send_next_to((index + 1) % kNodes.size());
    feeds_.update_feed("/wire.atom", atom(hub.url(), feed_url(), {{"old-1", "Weather outlook for the district"}}));
  }

  // Starts the three nodes on a feed without a hub, waits until they agree who polls it, then
  // makes it name `hub` and waits for the subscription. Returns the poller.
  std::string start_subscribed(WebSubHub& hub) {
    serve_feed();
    start_all();
    const std::string poller = cluster::owner_of(feed_url(), kNodes);
    EXPECT_TRUE(eventually([&] { return polled_by(poller, kNodes); }, 60s)) << logs();
    name_hub(hub, poller);
    EXPECT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 30s)) << logs();
    return poller;
  }

  // Every node reads this file; callbacks reach the nodes through the balancer.
  // `extra` watchlists make a config other than the cluster's.
  std::string write_config(bool with_feed = true, const std::string& extra = {},
                           const std::string& name = "newsalert.yaml") {
    std::string text = "state_dir: ${STATE_DIR}\nhttp:\n  listen: 127.0.0.1:${ADMIN_PORT}\n"
                       "network:\n  allow: [127.0.0.0/8]\npoll:\n  interval: 1s\n  adaptive: false\n  timeout: 5s\n"
                       "shutdown_grace: 2s\ncluster:\n  nats: [";
    for (int i = 0; i < nats_.size(); ++i) text += (i > 0 ? ", " : "") + nats_.url(i);
    text += "]\n  node: ${NEWSALERT_NODE}\n  heartbeat: 500ms\n  member_timeout: 3s\n";
    text += with_feed ? "feeds:\n  - " + feed_url() + "\n" : "feeds: []\n";
    text += "watchlists:\n  - name: iran\n    actors: [Khamenei]\n    regions: [Iran]\n    stories: {distance: 0}\n" + extra;
    text += "webhooks:\n  - name: hook\n    url: " + hook_.url("/hook") + "\n    timeout: 5s\n";
    text += "websub:\n  callback_base: " + balancer_->url("/websub") + "\n  poll_interval: 1h\n  lease: 1h\n";
    const auto file = dir_ / name;
    write_file(file, text);
    return file.string();
  }

  void start_all() {
    const std::string config = write_config();
    for (std::size_t i = 0; i < kNodes.size(); ++i)
      nodes_[kNodes[i]] = start_cluster_node(kNodes[i], config, dir_.path(), ports_[i]);
  }

  DaemonProcess& node(const std::string& name) { return *nodes_.at(name); }

  // Whether each of `names` says in /v1/status that `poller` polls the feed: the nodes may have
  // passed it around while they joined, and the subscription with it.
  bool polled_by(const std::string& poller, const std::vector<std::string>& names) {
    for (const auto& name : names) {
      const auto index = static_cast<std::size_t>(std::find(kNodes.begin(), kNodes.end(), name) - kNodes.begin());
      const auto response = get("http://127.0.0.1:" + std::to_string(ports_.at(index)) + "/v1/status");
      const json status = response.status == 200 ? json::parse(response.body, nullptr, false) : json();
      if (!status.is_object() || status["feeds"].empty() || status["feeds"][0].value("owner", "") != poller)
        return false;
    }
    return true;
  }

  // Publishes `count` entries through the hub, one at a time, each awaited at the webhook.
  void push(WebSubHub& hub, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      const std::string id = "pushed-" + std::to_string(i);
      ASSERT_EQ(hub.publish(feed_url(), atom(hub.url(), feed_url(), {{id, headline(i)}}), "application/atom+xml"), 202);
      ASSERT_TRUE(hook_.wait_for("/hook", static_cast<std::size_t>(i + 1), 15s))
          << "push " << i << " never reached the webhook\n" << logs();
    }
  }

  // Each pushed entry alerted once: under one webhook-id, however often it was sent (a node
  // killed before it wrote an attempt's outcome leaves the alert to be sent again, same id).
  void expect_each_push_once(int count) {
    std::map<std::string, std::set<std::string>> ids;   // article id -> webhook-ids
    for (const auto& request : hook_.requests("/hook")) {
      ASSERT_FALSE(request.header("webhook-id").empty());
      ids[json::parse(request.body)["article"]["id"].get<std::string>()].insert(request.header("webhook-id"));
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
      EXPECT_EQ(ids["pushed-" + std::to_string(i)].size(), 1u) << "push " << i;
  }

  std::size_t logged_by(const std::string& text) {
    std::size_t n = 0;
    for (const auto& [name, process] : nodes_) n += process->err().find(text) != std::string::npos ? 1 : 0;
    return n;
  }

  std::string logs() const {
    std::string out;
    for (const auto& [name, process] : nodes_) {
      const std::string err = process->err();
      out += "--- " + name + "\n" + err.substr(err.size() > 4000 ? err.size() - 4000 : 0);
    }
    return out;
  }

  NatsCluster nats_{3};
  TempDir dir_;
  HttpServer feeds_;
  HttpServer hook_;
  std::vector<std::uint16_t> ports_;
  std::unique_ptr<TcpRelay> balancer_;
  std::map<std::string, std::unique_ptr<DaemonProcess>> nodes_;
};

}  // namespace

TEST_F(ClusterWebSubTest, TheFeedIsSubscribedOnceAndPushesReachingAnyNodeAlertOnce) {
  WebSubHub hub;
  const std::string poller = start_subscribed(hub);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(node(poller).wait_for_log("polling every 1h as a safety net", 30s)) << logs();
  const std::size_t polls = feeds_.count("/wire.atom");

  constexpr int kPushes = 30;
  push(hub, 0, kPushes);
  std::this_thread::sleep_for(1s);
  expect_each_push_once(kPushes);
  EXPECT_EQ(hook_.count("/hook"), static_cast<std::size_t>(kPushes)) << "no node died: one POST per alert";
  for (std::size_t i = 0; i < kNodes.size(); ++i)
    EXPECT_GE(balancer_->relayed_to(i), 5u) << "node " << kNodes[i] << " answered too few of the hub's requests";
  EXPECT_EQ(hub.subscribe_requests(), 1) << logs();
  EXPECT_EQ(logged_by("subscribing at hub"), 1u) << logs();
  // Pushed, not polled: the safety net is an hour.
  EXPECT_EQ(feeds_.count("/wire.atom"), polls);
}

TEST_F(ClusterWebSubTest, WhenThePollerDiesItsSuccessorRenewsTheSameSubscription) {
  WebSubHub hub(/*max_lease_seconds=*/24);   // renewed 6 s before it ends, 18 s after it began
  const std::string poller = start_subscribed(hub);
  ASSERT_FALSE(HasFailure());
  push(hub, 0, 3);
  const auto before = hub.subscriber(feed_url());
  ASSERT_TRUE(before.has_value());
  const int requests = hub.subscribe_requests();
  ASSERT_EQ(before->verified, 1) << "the lease was renewed before the poller could be killed";

  node(poller).kill9();
  std::vector<std::string> survivors;
  for (const auto& name : kNodes)
    if (name != poller) survivors.push_back(name);
  const std::string successor = cluster::owner_of(feed_url(), survivors);
  ASSERT_TRUE(eventually([&] { return polled_by(successor, survivors); }, 30s)) << logs();
  // The lease the dead node got is renewed by its successor, under the same callback and secret.
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 2, 40s)) << logs();
  EXPECT_TRUE(node(successor).wait_for_log("renewing the subscription", 1s)) << logs();
  const auto after = hub.subscriber(feed_url());
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->callback, before->callback);
  EXPECT_EQ(after->secret, before->secret);
  EXPECT_EQ(hub.subscribe_requests(), requests + 1) << logs();
  push(hub, 3, 10);
  std::this_thread::sleep_for(1s);
  expect_each_push_once(13);
  EXPECT_EQ(logged_by("the lease ended without a renewal"), 0u) << logs();
}

// While the nodes reload one after the other, the feed's owner can change (the first node reloaded
// runs the cluster's new config alone for a moment), so two nodes may both end the subscription;
// the hub ends it, and no node takes it up again.
TEST_F(ClusterWebSubTest, AFeedThatLeavesTheConfigIsUnsubscribed) {
  WebSubHub hub;
  start_subscribed(hub);
  ASSERT_FALSE(HasFailure());
  const int requests = hub.subscribe_requests();
  write_config(/*with_feed=*/false);
  for (const auto& name : kNodes) node(name).send_signal(SIGHUP);
  ASSERT_TRUE(hub.wait_for_unsubscribed(feed_url(), 30s)) << logs();
  ASSERT_TRUE(eventually([&] { return logged_by("unsubscribed at hub") >= 1; }, 10s)) << logs();
  std::this_thread::sleep_for(2s);
  EXPECT_FALSE(hub.subscriber(feed_url()).has_value()) << logs();
  EXPECT_EQ(hub.subscribe_requests(), requests) << logs();
  EXPECT_GE(logged_by("unsubscribing at hub"), 1u) << logs();
}

// A node on another config takes no work; a push that reaches it is turned away with a 503, so the
// hub sends it again to a node that runs the cluster's watchlists, and it alerts there, once.
TEST_F(ClusterWebSubTest, ANodeThatTakesNoWorkTurnsPushesAway) {
  WebSubHub hub;
  start_subscribed(hub);
  ASSERT_FALSE(HasFailure());
  const std::uint16_t port = free_port();
  auto other = start_cluster_node(
      "d", write_config(true, "  - name: tehran\n    regions: [Tehran]\n", "other.yaml"), dir_.path(), port);
  ASSERT_TRUE(other->wait_for_log("takes no work", 60s)) << other->err();

  const auto sub = hub.subscriber(feed_url());
  ASSERT_TRUE(sub.has_value());
  const std::string path = sub->callback.substr(sub->callback.find("/websub/"));
  const std::string body = atom(hub.url(), feed_url(), {{"pushed-0", headline(0)}});
  const auto answer = post("http://127.0.0.1:" + std::to_string(port) + path, body,
                           {{"Content-Type", "application/atom+xml"},
                            {"X-Hub-Signature", "sha256=" + hmac_hex("sha256", sub->secret, body)}});
  EXPECT_EQ(answer.status, 503) << answer.body;
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(hook_.count("/hook"), 0u) << "the refused node took the push";

  push(hub, 0, 1);   // sent again, through the balancer
  std::this_thread::sleep_for(1s);
  expect_each_push_once(1);
  EXPECT_EQ(hook_.count("/hook"), 1u);
  other->stop();
}
