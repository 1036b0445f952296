// WebSub end to end: the real newsalertd subscribes at a loopback hub found in the feed, receives
// signed pushes, renews its lease, and falls back to polling when the hub goes away.
#include "daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/websub_hub.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

// An Atom document naming the hub and its own URL, with the given entries (id, title).
std::string atom(const std::string& hub, const std::string& self,
                 const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Pushed Wire</title>
<link rel="hub" href=")" + hub + R"("/><link rel="self" href=")" + self + "\"/>\n";
  for (const auto& [id, title] : entries)
    out += "<entry><id>" + id + "</id><title>" + title + "</title><link href=\"http://wire.example/" + id +
           "\"/><updated>2030-01-01T00:00:00Z</updated><summary>" + title + "</summary></entry>\n";
  return out + "</feed>\n";
}

const char* const kWords[] = {"council", "markets", "envoy", "harbour", "budget", "drought", "summit", "pipeline",
                              "border",  "talks",   "airport", "senate", "convoy", "reactor", "protest", "tariff"};

// A headline the watchlist matches, different enough from its neighbours to be its own story.
std::string headline(int i) {
  return "Khamenei " + std::string(kWords[i % 16]) + " " + kWords[(i / 16 + 3) % 16] + " statement in Tehran, item " +
         std::to_string(i);
}

class WebSubTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.serve_webhook("/hook"); }

  std::string feed_url() const { return server_.url("/feed.atom"); }

  void serve_feed(const WebSubHub& hub, const std::vector<std::pair<std::string, std::string>>& entries) {
    server_.serve_feed("/feed.atom", atom(hub.url(), feed_url(), entries), "application/atom+xml");
  }

  std::string config(const std::string& lease = "1h", bool with_feed = true) {
    std::string text = "state_dir: " + (dir_ / "state").string() + "\nnetwork:\n  allow: [127.0.0.0/8]" +
                       "\npoll:\n  interval: 1s\n  adaptive: false\n  timeout: 5s\nshutdown_grace: 3s\n";
    text += with_feed ? "feeds:\n  - " + feed_url() + "\n" : "feeds: []\n";
    text += "watchlists:\n  - name: iran\n    actors: [Khamenei]\n    regions: [Iran]\n    stories: {distance: 0}\n";
    text += "webhooks:\n  - name: hook\n    url: " + server_.url("/hook") + "\n";
    text += "http:\n  listen: 127.0.0.1:" + std::to_string(port_) + "\n";
    text += "websub:\n  callback_base: http://127.0.0.1:" + std::to_string(port_) +
            "/websub\n  poll_interval: 1h\n  lease: " + lease + "\n";
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    return file.string();
  }

  TempDir dir_;
  HttpServer server_;
  std::uint16_t port_ = free_port();
};

}  // namespace

TEST_F(WebSubTest, PublicationsArriveByPushWithoutPolling) {
  WebSubHub hub;
  serve_feed(hub, {{"old-1", "Weather outlook for the district"}});
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("subscription at hub " + hub.url() + " verified", 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("polling every 1h as a safety net", 15s)) << daemon.err();
  const std::size_t polls_before = server_.count("/feed.atom");

  constexpr int kPublications = 100;
  std::vector<double> latencies_ms;
  for (int i = 0; i < kPublications; ++i) {
    const std::string id = "pushed-" + std::to_string(i);
    const auto sent = std::chrono::steady_clock::now();
    ASSERT_EQ(hub.publish(feed_url(), atom(hub.url(), feed_url(), {{id, headline(i)}}), "application/atom+xml"), 202);
    ASSERT_TRUE(server_.wait_for("/hook", static_cast<std::size_t>(i + 1), 15s))
        << "publication " << i << " never reached the webhook\n" << daemon.err();
    const auto hooks = server_.requests("/hook");
    const auto body = nlohmann::json::parse(hooks[static_cast<std::size_t>(i)].body);
    EXPECT_EQ(body["article"]["id"], id);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(hooks[static_cast<std::size_t>(i)].at - sent).count());
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p50 = latencies_ms[latencies_ms.size() / 2];
  const double p99 = latencies_ms[static_cast<std::size_t>(0.99 * static_cast<double>(latencies_ms.size() - 1) + 0.5)];
  std::printf("[ websub  ] publish -> webhook received over %d publications: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              kPublications, p50, p99, latencies_ms.back());
  // Pushed, not polled: the safety-net interval is an hour.
  EXPECT_EQ(server_.count("/feed.atom"), polls_before);
  EXPECT_EQ(server_.count("/hook"), static_cast<std::size_t>(kPublications));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(WebSubTest, ABadSignatureIsRejectedAndLogged) {
  WebSubHub hub;
  serve_feed(hub, {{"old-1", "Weather outlook for the district"}});
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("verified", 15s)) << daemon.err();

  const std::string forged = atom(hub.url(), feed_url(), {{"forged-1", headline(1)}});
  hub.publish(feed_url(), forged, "application/atom+xml", "sha256", std::string("not the secret"));
  ASSERT_TRUE(daemon.wait_for_log("rejected: a wrong X-Hub-Signature", 15s)) << daemon.err();
  hub.publish(feed_url(), forged, "application/atom+xml", "");
  ASSERT_TRUE(daemon.wait_for_log("rejected: no X-Hub-Signature", 15s)) << daemon.err();
  // A genuine push (sha1, the older algorithm) still goes through, and only it does.
  ASSERT_EQ(hub.publish(feed_url(), atom(hub.url(), feed_url(), {{"genuine-1", headline(2)}}), "application/atom+xml",
                        "sha1"),
            202);
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  std::this_thread::sleep_for(300ms);
  const auto hooks = server_.requests("/hook");
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(hooks[0].body)["article"]["id"], "genuine-1");
  const ClientResponse metrics = get("http://127.0.0.1:" + std::to_string(port_) + "/metrics");
  EXPECT_THAT(metrics.body, ::testing::HasSubstr("newsalert_websub_pushes_total{result=\"bad_signature\"} 2"));
  EXPECT_THAT(metrics.body, ::testing::HasSubstr("newsalert_websub_pushes_total{result=\"accepted\"} 1"));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(WebSubTest, RenewsTheLeaseBeforeItEnds) {
  WebSubHub hub(/*max_lease_seconds=*/4);
  serve_feed(hub, {{"old-1", "Weather outlook for the district"}});
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 15s)) << daemon.err();
  // A 4 s lease is renewed a second before it ends, again and again: the renewal's round trip
  // (the hub verifies by calling back) must fit in that second, slowed down or not.
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 3, 20s)) << daemon.err();
  EXPECT_TRUE(daemon.wait_for_log("renewing the subscription", 1s));
  EXPECT_GE(hub.subscribe_requests(), 3);
  // Still pushed: no lease ended, so polling never came back to its 1 s interval.
  EXPECT_LE(server_.count("/feed.atom"), 2u);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(WebSubTest, PollingResumesWhenTheHubGoesAway) {
  WebSubHub hub(/*max_lease_seconds=*/2);
  serve_feed(hub, {{"old-1", "Weather outlook for the district"}});
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("as a safety net", 15s)) << daemon.err();
  const std::size_t polls = server_.count("/feed.atom");
  hub.shut_down();
  ASSERT_TRUE(daemon.wait_for_log("the lease ended without a renewal", 15s)) << daemon.err();
  // Back to the 1 s interval: new entries are found by polling again.
  ASSERT_TRUE(server_.wait_for("/feed.atom", polls + 2, 15s)) << daemon.err();
  serve_feed(hub, {{"polled-1", headline(7)}, {"old-1", "Weather outlook for the district"}});
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  EXPECT_EQ(nlohmann::json::parse(server_.requests("/hook")[0].body)["article"]["id"], "polled-1");
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(WebSubTest, AFeedThatLeavesTheConfigIsUnsubscribed) {
  WebSubHub hub;
  serve_feed(hub, {{"old-1", "Weather outlook for the district"}});
  const std::string file = config();
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(hub.wait_for_subscriber(feed_url(), 1, 15s)) << daemon.err();
  config("1h", /*with_feed=*/false);
  daemon.send_signal(SIGHUP);
  ASSERT_TRUE(hub.wait_for_unsubscribed(feed_url(), 15s)) << daemon.err();
  EXPECT_TRUE(daemon.wait_for_log("unsubscribed at hub", 5s)) << daemon.err();
  EXPECT_FALSE(hub.subscriber(feed_url()).has_value());
  EXPECT_EQ(daemon.stop(), 0);
}
