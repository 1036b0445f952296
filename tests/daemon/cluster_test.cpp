// Cluster mode end to end: real nats-server processes (three, R3), several real newsalertd
// processes reading one config file, the loopback feed server and a webhook receiver. Feeds are
// spread over the nodes, a story carried by many feeds alerts once, a node killed mid-run loses
// nothing and doubles nothing, and a node with another config takes no work.
#include "cluster/ownership.hpp"
#include "daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/nats_cluster.hpp"
#include "tests/support/webhook_verifier.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::string item(const std::string& link, int story) {
  std::string lead = "Officials said on day " + std::to_string(story) + " that";
  for (int i = 0; i < 20; ++i) lead += " token" + std::to_string(story * 100 + i);
  return "<item><title>Story " + std::to_string(story) + ": Hamas envoy arrives in Lebanon</title><link>" + link +
         "</link><guid isPermaLink=\"false\">" + link + "</guid><description>" + lead + ".</description></item>";
}

std::string rss(const std::string& items) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>http://x/</link>" + items +
         "</channel></rss>";
}

struct Node {
  std::string name;
  std::uint16_t port = 0;
  std::unique_ptr<DaemonProcess> process;
};

class ClusterTest : public ::testing::Test {
 protected:
  static constexpr int kFeeds = 12;

  std::string feed_path(int f) const { return "/feed-" + std::to_string(f) + ".rss"; }

  // Every feed carries every story: the same link in all of them, as wire copy syndicated by
  // many sites would be under one canonical URL.
  void publish(int stories) {
    std::string items;
    for (int i = 0; i < stories; ++i) items += item(feeds_.url("/story-" + std::to_string(i)), i);
    for (int f = 0; f < kFeeds; ++f) {
      if (serving_) feeds_.update_feed(feed_path(f), rss(items));
      else feeds_.serve_feed(feed_path(f), rss(items));
    }
    serving_ = true;
  }

  std::string config_text(const std::string& extra = {}, bool clustered = true) const {
    std::string text = "state_dir: ${STATE_DIR}\nhttp:\n  listen: 127.0.0.1:${ADMIN_PORT}\n"
                       "network:\n  allow: [127.0.0.0/8]\npoll:\n  interval: 1s\n  timeout: 5s\nshutdown_grace: 2s\n";
    if (clustered) {
      text += "cluster:\n  nats: [";
      for (int i = 0; i < nats_.size(); ++i) text += (i > 0 ? ", " : "") + nats_.url(i);
      text += "]\n  node: ${NEWSALERT_NODE}\n  heartbeat: 500ms\n  member_timeout: 3s\n" + cluster_extra_;
    }
    text += "feeds:\n";
    for (int f = 0; f < kFeeds; ++f) text += "  - url: " + feeds_.url(feed_path(f)) + "\n";
    text += "watchlists:\n  - name: hamas\n    actors: [Hamas]\n  - name: lebanon\n    regions: [Lebanon]\n"
            "webhooks:\n  - name: hook\n    url: " + hook_.url("/hook") + "\n    secret: " + kSecret +
            "\n    timeout: 5s\n    retry:\n      schedule: [0s, 50ms, 100ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, "
            "200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms]\n" + extra;
    return text;
  }

  std::string write_config(const std::string& name, const std::string& extra = {}, bool clustered = true) {
    const auto file = dir_ / name;
    write_file(file, config_text(extra, clustered));
    return file.string();
  }

  // A command beside the daemons, with its own replica of the cluster's state.
  CommandResult command(std::vector<std::string> args, const std::string& state_dir) {
    ::setenv("STATE_DIR", (dir_ / state_dir).string().c_str(), 1);
    ::setenv("NEWSALERT_NODE", "tool", 1);
    ::setenv("ADMIN_PORT", "1", 1);
    return run_command(std::move(args));
  }

  Node& start(const std::string& name, const std::string& config) {
    Node node;
    node.name = name;
    node.port = free_port();
    node.process = start_cluster_node(name, config, dir_.path(), node.port);
    nodes_.push_back(std::move(node));
    return nodes_.back();
  }

  // Nodes a and b on a config whose leader stores a snapshot every 100 log entries, however few
  // bytes they hold (a test's log stays smaller than its replica file for many minutes); `published`
  // stories (none yet) in every feed. Returns the config.
  std::string start_compacting_pair(int& published) {
    serve_receiver(0);
    cluster_extra_ = "  snapshot_every: 100\n  snapshot_log_ratio: 0\n";
    const auto config = write_config("newsalert.yaml");
    publish(published = 0);
    // a creates the streams and buckets alone: nodes that start together on new servers may time
    // out creating them, and a node whose NATS requests time out takes no work for a while.
    Node& a = start("a", config);
    EXPECT_TRUE(a.process->wait_for_log("joined through", 60s)) << logs();
    start("b", config);
    return config;
  }

  json status(const Node& node) {
    const auto response = get("http://127.0.0.1:" + std::to_string(node.port) + "/v1/status");
    return response.status == 200 ? json::parse(response.body, nullptr, false) : json();
  }

  // Feed URL -> owner, as `node` sees it; empty until every feed has one.
  // The split rendezvous hashing gives the feeds among a, b and c. The feeds' URLs carry the test
  // server's random port, so it differs from run to run, and now and then leaves one node none.
  std::map<std::string, std::string> expected_owners() const {
    std::map<std::string, std::string> expected;
    for (int f = 0; f < kFeeds; ++f) {
      const std::string url = feeds_.url(feed_path(f));
      expected[url] = cluster::owner_of(url, {"a", "b", "c"});
    }
    return expected;
  }

  std::map<std::string, std::string> owners(const Node& node) {
    std::map<std::string, std::string> out;
    const json s = status(node);
    if (!s.is_object()) return {};
    for (const auto& feed : s["feeds"]) {
      if (feed.value("owner", std::string()).empty()) return {};
      out[feed["url"]] = feed["owner"];
    }
    return out;
  }

  // The receiver: a third of the answers fail (500, a dropped connection, 429).
  void serve_receiver(int fail_percent) {
    hook_.route("/hook", [this, fail_percent](const RecordedRequest& request) {
      const WebhookVerifier verifier(kSecret);
      std::lock_guard lock(mutex_);
      ++posts_;
      if (!verifier.verify(request.headers, request.body, std::chrono::system_clock::now()).empty()) ++bad_signatures_;
      const json body = json::parse(request.body, nullptr, false);
      const std::string title = body.is_object() ? body["article"]["title"].get<std::string>() : "";
      const int story = std::atoi(title.c_str() + std::string("Story ").size());
      const auto key = std::make_pair(body.value("watchlist", std::string()), story);
      ids_[key].insert(request.header("webhook-id"));
      if (answer_) return Response{answer_, {}, "not now"};
      const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
      if (roll < fail_percent / 2) return Response{500, {}, "flaky"};
      if (roll < fail_percent * 3 / 4) return Response{.close_without_response = true};
      if (roll < fail_percent) return Response{429, {{"Retry-After", "0"}}, ""};
      delivered_.insert(key);
      ++accepted_[key];
      return Response{200, {}, "ok"};
    });
  }

  // Ten more stories once the last ones have all arrived: the log grows by every feed's poll and
  // the deliveries' outcomes, at the pace the cluster takes them.
  void publish_more(int& published) {
    if (all_delivered(published)) publish(published += 10);
  }

  bool all_delivered(int stories) {
    std::lock_guard lock(mutex_);
    for (const char* watchlist : {"hamas", "lebanon"})
      for (int i = 0; i < stories; ++i)
        if (!delivered_.contains({watchlist, i})) return false;
    return true;
  }

  void expect_each_story_once(int stories) {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(bad_signatures_, 0u);
    for (const char* watchlist : {"hamas", "lebanon"})
      for (int i = 0; i < stories; ++i) {
        const auto key = std::make_pair(std::string(watchlist), i);
        EXPECT_TRUE(delivered_.contains(key)) << watchlist << " story " << i << " never delivered";
        EXPECT_EQ(ids_[key].size(), 1u) << watchlist << " story " << i << " arrived under " << ids_[key].size() << " ids";
      }
    EXPECT_EQ(ids_.size(), static_cast<std::size_t>(2 * stories)) << "alerts for stories never published";
  }

  std::string logs() const {
    std::string out;
    for (const auto& node : nodes_) {
      const std::string err = node.process->err();
      out += "--- " + node.name + "\n" + err.substr(err.size() > 4000 ? err.size() - 4000 : 0);
    }
    return out;
  }

  NatsCluster nats_{3};
  TempDir dir_;
  HttpServer feeds_;
  HttpServer hook_;
  bool serving_ = false;
  std::vector<Node> nodes_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::set<std::string>> ids_;
  std::set<std::pair<std::string, int>> delivered_;
  std::map<std::pair<std::string, int>, int> accepted_;   // 2xx answers per (watchlist, story)
  std::size_t posts_ = 0;
  std::size_t bad_signatures_ = 0;
  std::atomic<int> answer_{0};
  std::string cluster_extra_;   // more keys of the cluster section   // when set, the receiver answers every POST with this status
  std::mt19937 random_{12345};
};

TEST_F(ClusterTest, FeedsAreSpreadAndAStoryInEveryFeedAlertsOncePerWatchlist) {
  serve_receiver(0);
  publish(3);
  const auto config = write_config("newsalert.yaml");
  for (const char* name : {"a", "b", "c"}) start(name, config);
  // Every node must come to the split rendezvous hashing gives for these URLs (how even that is
  // over many keys is tests/cluster/ownership_test.cpp's business).
  const auto expected = expected_owners();
  ASSERT_TRUE(eventually([&] {
    return owners(nodes_[0]) == expected && owners(nodes_[1]) == expected && owners(nodes_[2]) == expected;
  }, 60s)) << logs();
  std::set<std::string> pollers;
  for (const auto& [feed, owner] : expected) pollers.insert(owner);
  EXPECT_GE(pollers.size(), 2u) << "twelve feeds on one node of three";

  ASSERT_TRUE(eventually([&] { return all_delivered(3); }, 60s)) << logs();
  for (int f = 0; f < kFeeds; ++f) ASSERT_TRUE(feeds_.wait_for(feed_path(f), 3, 20s)) << feed_path(f);
  std::this_thread::sleep_for(1s);
  expect_each_story_once(3);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(posts_, 6u) << "twelve feeds, three nodes, one alert per watchlist and story";
}

TEST_F(ClusterTest, ANodeKilledMidRunLosesNothingAndItsFeedsMoveWithin30Seconds) {
  serve_receiver(33);
  int published = 4;
  publish(published);
  const auto config = write_config("newsalert.yaml");
  for (const char* name : {"a", "b", "c"}) start(name, config);
  ASSERT_TRUE(eventually([&] { return all_delivered(2); }, 60s)) << logs();
  // Kill the node that delivers the webhook, while stories keep arriving.
  const std::string victim = cluster::owner_of("webhook:hook", {"a", "b", "c"});
  std::map<std::string, std::string> seen;
  ASSERT_TRUE(eventually([&] { return !(seen = owners(nodes_[0])).empty(); }, 60s)) << logs();
  Node* dead = nullptr;
  for (auto& node : nodes_)
    if (node.name == victim) dead = &node;
  ASSERT_NE(dead, nullptr);
  // A few hundred alerts in all (two watchlists), a third of the answers failing.
  publish(published = 40);
  std::this_thread::sleep_for(300ms);
  dead->process->kill9();
  const auto killed = std::chrono::steady_clock::now();
  for (int step = 0; step < 5; ++step) {
    std::this_thread::sleep_for(500ms);
    publish(published += 20);
  }
  // Each feed the dead node polled is polled again, by another node, within 30 s.
  for (const auto& [url, owner] : seen) {
    if (owner != victim) continue;
    const std::string path = url.substr(url.find("/feed-"));
    EXPECT_TRUE(eventually([&] {
      for (const auto& request : feeds_.requests(path))
        if (request.at > killed + 1s) return true;
      return false;
    }, 30s)) << path << " not polled again after its node died";
  }
  ASSERT_TRUE(eventually([&] { return all_delivered(published); }, 60s)) << logs();
  std::this_thread::sleep_for(2s);
  expect_each_story_once(published);
}

TEST_F(ClusterTest, ANodeWithAnotherConfigTakesNoWorkAndSaysWhy) {
  serve_receiver(0);
  publish(1);
  const auto config = write_config("newsalert.yaml");
  start("a", config);
  start("b", config);
  ASSERT_TRUE(eventually([&] { return all_delivered(1); }, 60s)) << logs();
  const auto other = write_config("other.yaml", "# one more line\n");
  Node& c = start("c", other);
  ASSERT_TRUE(c.process->wait_for_log("takes no work", 60s)) << logs();
  EXPECT_NE(c.process->err().find("config differs from the cluster's"), std::string::npos) << c.process->err();
  const auto ready = get("http://127.0.0.1:" + std::to_string(c.port) + "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("config differs"), std::string::npos) << ready.body;
  std::this_thread::sleep_for(2s);
  for (const auto& [feed, owner] : owners(nodes_[0])) EXPECT_NE(owner, "c") << feed;
  const json s = status(c);
  EXPECT_FALSE(s["cluster"]["accepted"].get<bool>());
}

TEST_F(ClusterTest, LosingANatsServerLosesNothingAndANewNodeTakesItsShare) {
  serve_receiver(20);
  int published = 4;
  publish(published);
  const auto config = write_config("newsalert.yaml");
  start("a", config);
  start("b", config);
  ASSERT_TRUE(eventually([&] { return all_delivered(published); }, 60s)) << logs();
  nats_.kill9(0);
  for (int step = 0; step < 4; ++step) {
    std::this_thread::sleep_for(500ms);
    publish(published += 3);
  }
  ASSERT_TRUE(eventually([&] { return all_delivered(published); }, 60s)) << logs();
  start("c", config);
  // c takes its share: the feeds rendezvous hashing gives it among a, b and c (none, in a rare run).
  ASSERT_TRUE(eventually([&] { return owners(nodes_[0]) == expected_owners(); }, 60s)) << logs();
  publish(published += 3);
  ASSERT_TRUE(eventually([&] { return all_delivered(published); }, 60s)) << logs();
  std::this_thread::sleep_for(2s);
  expect_each_story_once(published);
}

TEST_F(ClusterTest, ASingleNodesStateImportedDoesNotAlertAgainAndItsPendingAlertsAreDelivered) {
  serve_receiver(0);
  publish(3);
  const auto single = write_config("single.yaml", {}, false);
  {
    std::filesystem::create_directories(dir_ / "single");
    DaemonProcess daemon({"run", "--config", single}, dir_ / "single",
                         {"STATE_DIR=" + (dir_ / "single" / "state").string(), "ADMIN_PORT=" + std::to_string(free_port())});
    // Stories 0-2 delivered by the single node; 3-4 still pending when it stops.
    ASSERT_TRUE(eventually([&] { return all_delivered(3); }, 60s)) << daemon.err();
    answer_ = 503;
    publish(5);
    ASSERT_TRUE(eventually([&] {
      std::lock_guard lock(mutex_);
      return ids_.size() == 10;
    }, 60s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  const auto config = write_config("newsalert.yaml");
  const auto imported = command({"cluster", "import", "--config", config, (dir_ / "single" / "state").string()}, "tool");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("stories: 10 of 10 row(s) added"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("outbox: 4 of 4 row(s) added"), std::string::npos) << imported.out;

  answer_ = 0;
  start("a", config);
  start("b", config);
  ASSERT_TRUE(eventually([&] { return all_delivered(5); }, 60s)) << logs();
  // Every feed polled again by the cluster: nothing is new, nothing alerts again.
  feeds_.clear_requests();
  for (int f = 0; f < kFeeds; ++f) ASSERT_TRUE(feeds_.wait_for(feed_path(f), 2, 20s)) << feed_path(f);
  std::this_thread::sleep_for(1s);
  expect_each_story_once(5);
  std::lock_guard lock(mutex_);
  for (const auto& [key, times] : accepted_)
    EXPECT_EQ(times, 1) << key.first << " story " << key.second << " delivered " << times << " times";
}

TEST_F(ClusterTest, DeadLettersAreListedAndRetriedFromAnyMachine) {
  serve_receiver(0);
  answer_ = 400;   // refused for good: dead letters
  publish(1);
  const auto config = write_config("newsalert.yaml");
  start("a", config);
  start("b", config);
  CommandResult listed;
  ASSERT_TRUE(eventually([&] {
    listed = command({"deliveries", "list", "--config", config}, "tool");
    return listed.exit_code == 0 && listed.out.find("2 dead letter") != std::string::npos;
  }, 60s)) << listed.out << listed.err << logs();
  EXPECT_NE(listed.out.find("HTTP 400"), std::string::npos) << listed.out;
  answer_ = 0;
  const auto retried = command({"deliveries", "retry", "--all", "--config", config}, "tool");
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("requeued 2 dead letter(s)"), std::string::npos) << retried.out;
  ASSERT_TRUE(eventually([&] { return all_delivered(1); }, 60s)) << logs();
  std::this_thread::sleep_for(1s);
  expect_each_story_once(1);
}

TEST_F(ClusterTest, TheLogIsCompactedAndANodeThatJoinsLaterStartsFromTheSnapshot) {
  int published = 0;
  const auto config = start_compacting_pair(published);
  const auto snapshotted = [&] {
    for (const auto& node : nodes_)
      if (node.process->err().find("snapshot of the state at log entry") != std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(eventually([&] {
    if (!snapshotted()) publish_more(published);
    return snapshotted() && all_delivered(published);
  }, 60s)) << logs();
  // The log no longer starts at its first entry: a new node cannot replay it and loads the snapshot.
  Node& c = start("c", config);
  ASSERT_TRUE(c.process->wait_for_log("state loaded from the snapshot at log entry", 60s)) << logs();
  // c takes its share: the feeds rendezvous hashing gives it among a, b and c (none, in a rare run).
  ASSERT_TRUE(eventually([&] { return owners(nodes_[0]) == expected_owners(); }, 60s)) << logs();
  publish(published += 10);
  ASSERT_TRUE(eventually([&] { return all_delivered(published); }, 60s)) << logs();
  // c polls feeds whose entries it knows only from the snapshot: none alerts again.
  feeds_.clear_requests();
  for (int f = 0; f < kFeeds; ++f) ASSERT_TRUE(feeds_.wait_for(feed_path(f), 2, 20s)) << feed_path(f);
  std::this_thread::sleep_for(1s);
  expect_each_story_once(published);
  std::lock_guard lock(mutex_);
  for (const auto& [key, times] : accepted_)
    EXPECT_EQ(times, 1) << key.first << " story " << key.second << " delivered " << times << " times";
}


// Snapshot positions ("snapshot of the state at log entry N") in a node's log, in order.
std::vector<std::uint64_t> snapshot_positions(const std::string& log) {
  constexpr std::string_view kLine = "snapshot of the state at log entry ";
  std::vector<std::uint64_t> out;
  for (std::size_t at = log.find(kLine); at != std::string::npos; at = log.find(kLine, at + 1))
    out.push_back(std::stoull(log.substr(at + kLine.size())));
  return out;
}

// A node that becomes the leader counts from the newest snapshot stored, whoever took it: it does
// not copy the whole state again at once (a snapshot is the whole replica file).
TEST_F(ClusterTest, ANewLeaderWaitsForSnapshotEveryEntriesAfterTheLastSnapshotWhoeverTookIt) {
  int published = 0;
  start_compacting_pair(published);
  const std::string leader = cluster::owner_of("leader", {"a", "b"});
  Node& first = nodes_[leader == "a" ? 0 : 1];
  Node& second = nodes_[leader == "a" ? 1 : 0];
  ASSERT_TRUE(eventually([&] {
    const bool snapshotted = !snapshot_positions(first.process->err()).empty();
    if (!snapshotted) publish_more(published);
    return snapshotted && all_delivered(published);
  }, 120s)) << logs();
  first.process->kill9();
  // a led alone before b joined, and may have stored one then.
  std::uint64_t last = 0;
  for (const Node* node : {&first, &second})
    for (const std::uint64_t at : snapshot_positions(node->process->err())) last = std::max(last, at);
  const std::size_t before = snapshot_positions(second.process->err()).size();
  const auto new_positions = [&] {
    const auto all = snapshot_positions(second.process->err());
    return std::vector<std::uint64_t>(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  };
  // The survivor leads after member_timeout and looks every few seconds: long enough to have
  // snapshotted at once, as it did when it counted from the start of its own run.
  std::this_thread::sleep_for(15s);
  for (const std::uint64_t at : new_positions())
    EXPECT_GE(at, last + 100) << "a snapshot " << (at - last) << " entries after the last one\n" << logs();
  // It still compacts when the log has grown enough.
  ASSERT_TRUE(eventually([&] {
    publish_more(published);
    return !new_positions().empty();
  }, 90s)) << logs();
  EXPECT_GE(new_positions().front(), last + 100) << logs();
}

// With the default snapshot_log_ratio the leader waits for a log as large as the state: a test's
// few hundred entries weigh far less than the replica file, so however many entries pass, none is
// snapshotted (the tests above, with the ratio 0, show the same cluster snapshotting at 100).
TEST_F(ClusterTest, NoSnapshotIsTakenWhileTheLogWeighsLessThanTheState) {
  serve_receiver(0);
  cluster_extra_ = "  snapshot_every: 100\n";
  const auto config = write_config("newsalert.yaml");
  int published = 0;
  publish(published);
  Node& a = start("a", config);
  ASSERT_TRUE(a.process->wait_for_log("joined through", 60s)) << logs();
  ASSERT_TRUE(eventually([&] {
    // Past snapshot_every with room to spare, however many entries the stories make.
    const json s = status(nodes_[0]);
    const bool long_enough = s.is_object() && s["cluster"].value("log_position", 0) >= 150;
    if (!long_enough) publish_more(published);
    return long_enough && all_delivered(published);
  }, 90s)) << logs();
  std::this_thread::sleep_for(11s);   // two of the leader's checks, 5 s apart
  EXPECT_EQ(nodes_[0].process->err().find("snapshot of the state at log entry"), std::string::npos) << logs();
}

// A new cluster spreads the first polls of its feeds as a single node spreads them
// (poll::spread_window). Polled within a few seconds of joining, every feed would fall due in the
// same few seconds of each interval after, and the nodes would idle between bursts.
TEST_F(ClusterTest, ANewClustersFirstPollsAreSpreadOverTheWindowASingleNodeUses) {
  constexpr int kMany = 400;   // 400 x 60 ms: a 24 s window of the 60 s interval
  feeds_.route_prefix("/many/", [](const RecordedRequest&) {
    return Response{200, {{"Content-Type", "application/rss+xml"}}, rss("")};
  });
  std::string text = "state_dir: ${STATE_DIR}\nhttp:\n  listen: 127.0.0.1:${ADMIN_PORT}\n"
                     "network:\n  allow: [127.0.0.0/8]\npoll:\n  interval: 60s\n  adaptive: false\n"
                     "shutdown_grace: 2s\ncluster:\n  nats: [";
  for (int i = 0; i < nats_.size(); ++i) text += (i > 0 ? ", " : "") + nats_.url(i);
  text += "]\n  node: ${NEWSALERT_NODE}\n  heartbeat: 500ms\n  member_timeout: 3s\nfeeds:\n";
  for (int f = 0; f < kMany; ++f) text += "  - " + feeds_.url("/many/" + std::to_string(f)) + "\n";
  text += "watchlists:\n  - name: hamas\n    actors: [Hamas]\n    notify: [hook]\n"
          "webhooks:\n  - name: hook\n    url: " + hook_.url("/hook") + "\n";
  write_file(dir_ / "many.yaml", text);
  for (const char* name : {"a", "b"}) start(name, (dir_ / "many.yaml").string());

  std::map<std::string, std::chrono::steady_clock::time_point> first;
  ASSERT_TRUE(eventually([&] {
    for (const auto& request : feeds_.requests())
      if (request.path.starts_with("/many/")) first.try_emplace(request.path, request.at);
    return first.size() == static_cast<std::size_t>(kMany);
  }, 90s)) << first.size() << " of " << kMany << " feeds polled\n" << logs();

  std::vector<std::chrono::steady_clock::time_point> times;
  for (const auto& [path, at] : first) times.push_back(at);
  std::sort(times.begin(), times.end());
  EXPECT_GE(times.back() - times.front(), 18s) << "the first polls came within a few seconds of each other";
  // Uniform over 24 s, a 5 s stretch holds about a fifth of them; polled within 10 s, half.
  std::size_t busiest = 0;
  for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
    while (times[i] - times[j] > 5s) ++j;
    busiest = std::max(busiest, i - j + 1);
  }
  EXPECT_LE(busiest, static_cast<std::size_t>(kMany * 35 / 100)) << "first polls in the busiest 5 s";
}

}  // namespace
