// The real newsalertd polling a loopback feed server: redirects remembered across restarts,
// Retry-After, Cache-Control and ttl floors, the adaptive schedule, credentials, failure classes.
// Timing is asserted from the daemon's decision log and, with generous lower bounds only, from the
// server's recorded arrival times.
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

const char* const kQuietFeed = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Quiet Desk</title><link>http://quiet.example/</link>
  <item><title>A story from long ago</title><link>http://quiet.example/1</link><guid>q-1</guid>
    <pubDate>Wed, 31 Jul 2024 14:02:00 GMT</pubDate></item>
</channel></rss>)";

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

class Polling : public ::testing::Test {
 protected:
  // A config with one feed; `poll` and `feed` are extra YAML lines for those sections.
  std::string config(const std::string& path, const std::string& poll = "  adaptive: false\n",
                     const std::string& feed = "") const {
    // The test server is on loopback, which is refused unless allowed.
    const std::string text = "state_dir: " + (dir_ / "state").string() + "\nnetwork:\n  allow: [127.0.0.0/8]\n" +
                             "poll:\n  interval: 1s\n  timeout: 5s\n" +
                             poll + "shutdown_grace: 2s\nfeeds:\n  - url: " + server_.url(path) + "\n" + feed +
                             "watchlists:\n  - name: w\n    actors: [Nobody In Particular]\n";
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    return file.string();
  }

  DaemonProcess start(const std::string& file, std::vector<std::string> env = {}) const {
    return DaemonProcess({"run", "--config", file, "--log-level", "debug"}, dir_.path(), std::move(env));
  }

  TempDir dir_;
  HttpServer server_;
};

}  // namespace

TEST_F(Polling, PermanentRedirectMovesTheFeedForGoodAcrossRestarts) {
  server_.serve_feed("/new.rss", kQuietFeed);
  server_.redirect("/old.rss", "/new.rss", 301);
  const auto file = config("/old.rss");
  {
    auto daemon = start(file);
    ASSERT_TRUE(server_.wait_for("/new.rss", 3, 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_EQ(server_.count("/old.rss"), 1u);
    EXPECT_EQ(occurrences(daemon.err(), "moved permanently to " + server_.url("/new.rss")), 1u) << daemon.err();
  }
  const auto before = server_.count("/new.rss");
  auto daemon = start(file);
  ASSERT_TRUE(server_.wait_for("/new.rss", before + 2, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/old.rss"), 1u);
  EXPECT_EQ(occurrences(daemon.err(), "moved permanently"), 0u);
}

TEST_F(Polling, TemporaryRedirectKeepsTheConfiguredUrl) {
  server_.serve_feed("/new.rss", kQuietFeed);
  server_.redirect("/old.rss", "/new.rss", 302);
  auto daemon = start(config("/old.rss"));
  ASSERT_TRUE(server_.wait_for("/new.rss", 3, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/old.rss"), server_.count("/new.rss"));
  EXPECT_EQ(occurrences(daemon.err(), "moved permanently"), 0u);
}

TEST_F(Polling, RetryAfterOn429HoldsTheNextPollOff) {
  server_.serve_webhook("/busy.rss", {{429, {{"Retry-After", "4"}}, "slow down"}},
                        {200, {{"Content-Type", "application/rss+xml"}}, kQuietFeed});
  auto daemon = start(config("/busy.rss"));
  ASSERT_TRUE(server_.wait_for("/busy.rss", 2, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.err().find("poll failed: http_4xx: HTTP 429; failure 1 in a row; next poll in 4s (retry-after)"),
            std::string::npos)
      << daemon.err();
  const auto requests = server_.requests("/busy.rss");
  // With interval 1s the backoff alone would retry after about 2s.
  EXPECT_GE(requests[1].at - requests[0].at, 3500ms);
}

TEST_F(Polling, CacheControlMaxAgeIsAFloorThatOutlivesARestart) {
  server_.route("/cached.rss", [](const RecordedRequest&) {
    return Response{200, {{"Content-Type", "application/rss+xml"}, {"Cache-Control", "max-age=3600"}}, kQuietFeed};
  });
  const auto file = config("/cached.rss");
  {
    auto daemon = start(file);
    ASSERT_TRUE(daemon.wait_for_log("(max-age)", 15s)) << daemon.err();
    std::this_thread::sleep_for(3s);   // three intervals
    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_NE(daemon.err().find("next poll in 1h"), std::string::npos) << daemon.err();
  }
  EXPECT_EQ(server_.count("/cached.rss"), 1u);
  auto daemon = start(file);
  ASSERT_TRUE(daemon.wait_for_log("as the server asked", 15s)) << daemon.err();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/cached.rss"), 1u);
}

TEST_F(Polling, RssTtlIsAFloor) {
  server_.serve_feed("/ttl.rss", R"(<rss version="2.0"><channel><title>T</title><ttl>30</ttl>
<item><title>One</title><link>http://t.example/1</link><guid>t-1</guid></item></channel></rss>)");
  auto daemon = start(config("/ttl.rss"));
  ASSERT_TRUE(daemon.wait_for_log("(ttl)", 15s)) << daemon.err();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(daemon.stop(), 0);
  // 30 minutes plus up to 10% jitter.
  EXPECT_TRUE(std::regex_search(daemon.err(), std::regex(R"(next poll in (30m|3[0-2]m[0-9]*s?|33m) \(ttl\))")))
      << daemon.err();
  EXPECT_EQ(server_.count("/ttl.rss"), 1u);
}

TEST_F(Polling, QuietFeedsBackOffTowardTheMaximum) {
  server_.serve_feed("/quiet.rss", kQuietFeed);
  auto daemon = start(config("/quiet.rss", "  adaptive: true\n  max_interval: 3s\n"));
  ASSERT_TRUE(server_.wait_for("/quiet.rss", 2, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.err().find("(adaptive)"), std::string::npos) << daemon.err();
  const auto requests = server_.requests("/quiet.rss");
  // The last entry is from 2024: the feed is quiet, so polls are max_interval apart, not interval.
  EXPECT_GE(requests[1].at - requests[0].at, 2800ms);
}

TEST_F(Polling, SendsCredentialsAndHeadersWithoutLoggingThem) {
  server_.serve_feed("/private.rss", kQuietFeed);
  const auto file = config("/private.rss", "  adaptive: false\n",
                           "    username: reader\n    password: ${NEWSALERT_TEST_FEED_PASSWORD}\n"
                           "    headers:\n      X-Api-Key: ${NEWSALERT_TEST_FEED_KEY}\n");
  auto daemon = start(file, {"NEWSALERT_TEST_FEED_PASSWORD=hunter2", "NEWSALERT_TEST_FEED_KEY=key-7f3a"});
  ASSERT_TRUE(server_.wait_for("/private.rss", 2, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  const auto request = server_.requests("/private.rss").at(0);
  EXPECT_EQ(request.header("authorization"), "Basic cmVhZGVyOmh1bnRlcjI=");   // reader:hunter2
  EXPECT_EQ(request.header("x-api-key"), "key-7f3a");
  EXPECT_EQ(daemon.err().find("hunter2"), std::string::npos);
  EXPECT_EQ(daemon.err().find("key-7f3a"), std::string::npos);
}

TEST_F(Polling, EachFailureIsLoggedWithItsClass) {
  server_.route("/broken.rss", [](const RecordedRequest&) { return Response{500, {}, "oops"}; });
  auto daemon = start(config("/broken.rss"));
  ASSERT_TRUE(daemon.wait_for_log("poll failed: http_5xx: HTTP 500; failure 1 in a row; next poll in", 15s))
      << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.err().find("(backoff)"), std::string::npos) << daemon.err();
}

TEST(PollingAtScale, ASlowHostNeverHoldsUpAnotherHostsFeeds) {
  TempDir dir;
  HttpServer slow, fast;
  // Six feeds on a host that takes 3 s to answer each request, one connection allowed per host:
  // their polls queue behind each other on that host only.
  for (int i = 0; i < 6; ++i)
    slow.route("/slow" + std::to_string(i) + ".rss", [](const RecordedRequest&) {
      Response r;
      r.delay = 3s;
      r.headers["Content-Type"] = "application/rss+xml";
      r.body = kQuietFeed;
      return r;
    });
  fast.serve_feed("/fast.rss", kQuietFeed);
  std::string text = "state_dir: " + (dir / "state").string() + "\nnetwork:\n  allow: [127.0.0.0/8]" +
                     "\npoll:\n  interval: 1s\n  timeout: 20s\n  per_host: 1\n  adaptive: false\nshutdown_grace: 1s\nfeeds:\n";
  text += "  - " + fast.url("/fast.rss") + "\n";
  for (int i = 0; i < 6; ++i) text += "  - " + slow.url("/slow" + std::to_string(i) + ".rss") + "\n";
  text += "watchlists:\n  - name: w\n    actors: [Nobody In Particular]\n";
  write_file(dir / "newsalert.yaml", text);
  DaemonProcess daemon({"run", "--config", (dir / "newsalert.yaml").string()}, dir.path());
  // The fast feed keeps its 1 s interval while the slow host works through its queue.
  ASSERT_TRUE(fast.wait_for("/fast.rss", 4, 15s)) << daemon.err();
  EXPECT_LE(slow.count(""), 3u);   // 3 s each, one at a time: the slow host is still busy
  EXPECT_EQ(daemon.stop(), 0);
}
