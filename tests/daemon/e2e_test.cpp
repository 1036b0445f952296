// The real newsalertd against a real feed server and a real webhook receiver on 127.0.0.1.
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* const kWireRss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Wire World</title><link>http://wire.example/</link>
  <item>
    <title>Iran&#8217;s supreme leader orders direct strike on Israel</title>
    <link>/world/iran-strike-order</link>
    <guid isPermaLink="false">wire-2024-0731-001</guid>
    <pubDate>Wed, 31 Jul 2024 14:02:00 GMT</pubDate>
    <description><![CDATA[<p>Iran's supreme leader, Ayatollah Ali Khamenei, ordered a direct strike on Israel after
      Hamas leader Ismail Haniyeh was killed in Tehran, <b>Iranian officials</b> said. The Revolutionary
      Guards (IRGC) were told to prepare; Hezbollah's Hassan Nasrallah and the Houthis in Yemen pledged
      support, and the Quds Force's Ismail Qaani met allies from Iraq, Lebanon and Gaza.</p>]]></description>
  </item>
  <item>
    <title>Late goal sends Sevilla through in Madrid</title>
    <link>http://wire.example/sport/sevilla</link>
    <guid>wire-2024-0731-002</guid>
    <pubDate>Wed, 31 Jul 2024 15:00:00 GMT</pubDate>
    <description>A stoppage-time header settled the cup tie in Spain.</description>
  </item>
</channel></rss>)";

const char* const kLebanonAtom = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Levant Desk</title>
  <id>urn:levant</id>
  <updated>2024-08-01T09:00:00Z</updated>
  <entry>
    <title type="html">Hezbollah fires rockets from southern Lebanon</title>
    <id>urn:levant:1</id>
    <link rel="alternate" href="http://levant.example/hezbollah-rockets"/>
    <updated>2024-08-01T09:00:00Z</updated>
    <summary>Hezbollah said it targeted positions across the border from Lebanon.</summary>
  </entry>
  <entry>
    <title>Baghdad hosts trade fair</title>
    <id>urn:levant:2</id>
    <link href="http://levant.example/baghdad-fair"/>
    <updated>2024-08-01T10:00:00Z</updated>
    <summary>Iraq's commerce ministry opened the annual fair.</summary>
  </entry>
</feed>)";

class EndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.serve_feed("/wire.rss", kWireRss, "application/rss+xml");
    server_.serve_feed("/levant.atom", kLebanonAtom, "application/atom+xml");
    server_.serve_webhook("/hook");
  }

  std::string config(const std::string& retry = "[0s, 300ms, 300ms, 300ms]", bool with_webhook = true) const {
    std::string text = "state_dir: " + (dir_ / "state").string() + R"(
network:
  allow: [127.0.0.0/8]   # the test server is on loopback, which is refused by default
poll:
  interval: 1s
  adaptive: false   # the fixtures' entries are old: an adaptive schedule would wait max_interval
  timeout: 5s
shutdown_grace: 3s
feeds:
  - url: )" + server_.url("/wire.rss") + R"(
  - url: )" + server_.url("/levant.atom") + R"(
watchlists:
  - name: iran-israel
    actors:
      - name: Ali Khamenei
        aliases: [Khamenei, Ayatollah Khamenei]
      - name: IRGC
        aliases: [Revolutionary Guards, IRG]
      - Hamas
    regions: [Iran, Israel]
    require: actor and region
  - name: hezbollah-lebanon
    actors: [Hezbollah]
    regions: [Lebanon]
  - name: iraq-militias
    actors: [Kataib Hezbollah]
    regions: [Iraq]
)";
    if (with_webhook)
      text += R"(webhooks:
  - name: ops
    url: )" + server_.url("/hook") + R"(
    retry:
      schedule: )" + retry + "\n";
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    return file.string();
  }

  // Requests the daemon made to the receiver, as (webhook-id, parsed body).
  std::vector<std::pair<std::string, json>> posts() const {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& request : server_.requests("/hook")) out.emplace_back(request.header("webhook-id"), json::parse(request.body));
    return out;
  }

  // Lets the daemon poll both feeds `n` more times.
  void wait_polls(std::size_t n) {
    const auto rss = server_.count("/wire.rss"), atom = server_.count("/levant.atom");
    ASSERT_TRUE(server_.wait_for("/wire.rss", rss + n, 15s));
    ASSERT_TRUE(server_.wait_for("/levant.atom", atom + n, 15s));
  }

  TempDir dir_;
  HttpServer server_;
};

std::set<std::string> names(const json& hits) {
  std::set<std::string> out;
  for (const auto& hit : hits) out.insert(hit["name"].get<std::string>());
  return out;
}

}  // namespace

TEST_F(EndToEnd, WireStoryRaisesOneAlertPerMatchingWatchlist) {
  DaemonProcess daemon({"run", "--config", config(), "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
  wait_polls(2);   // more polls must not raise more alerts
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();

  const auto received = posts();
  ASSERT_EQ(received.size(), 3u) << daemon.err();
  std::map<std::string, json> by_watchlist;
  for (const auto& [id, body] : received) {
    EXPECT_EQ(id, body["id"].get<std::string>());
    by_watchlist[body["watchlist"].get<std::string>() + " " + body["article"]["id"].get<std::string>()] = body;
  }
  ASSERT_TRUE(by_watchlist.count("iran-israel wire-2024-0731-001"));
  ASSERT_TRUE(by_watchlist.count("hezbollah-lebanon wire-2024-0731-001"));
  ASSERT_TRUE(by_watchlist.count("hezbollah-lebanon urn:levant:1"));

  const json& wire = by_watchlist["iran-israel wire-2024-0731-001"];
  EXPECT_EQ(names(wire["actors"]), (std::set<std::string>{"Ali Khamenei", "IRGC", "Hamas"}));
  EXPECT_EQ(names(wire["regions"]), (std::set<std::string>{"Iran", "Israel"}));
  EXPECT_EQ(wire["article"]["link"], server_.url("/world/iran-strike-order"));
  EXPECT_EQ(wire["article"]["published"], "2024-07-31T14:02:00Z");
  EXPECT_EQ(wire["article"]["feed"]["url"], server_.url("/wire.rss"));
  EXPECT_FALSE(wire["snippets"].empty());
  EXPECT_TRUE(wire["detected_at"].is_string());
}

TEST_F(EndToEnd, UnchangedFeedCostsA304) {
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  wait_polls(2);
  EXPECT_EQ(daemon.stop(), 0);
  const auto requests = server_.requests("/wire.rss");
  ASSERT_GE(requests.size(), 2u);
  EXPECT_TRUE(requests[0].header("if-none-match").empty());
  EXPECT_FALSE(requests[1].header("if-none-match").empty());
  EXPECT_NE(requests[0].header("user-agent").find("newsalertd/"), std::string::npos);
  EXPECT_NE(requests[0].header("accept-encoding").find("gzip"), std::string::npos);
}

TEST_F(EndToEnd, RestartRaisesNoNewAlert) {
  const auto file = config();
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  // A new ETag forces a full 200 on the next poll: the same entries must still count as seen.
  server_.update_feed("/wire.rss", std::string(kWireRss) + "\n");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  wait_polls(2);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/hook"), 3u) << daemon.err();
}

TEST_F(EndToEnd, ReceiverFailingTwiceGetsEachAlertExactlyOnce) {
  server_.serve_webhook("/hook", {{500, {}, "boom"}, {500, {}, "boom"}});
  DaemonProcess daemon({"run", "--config", config()}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 5, 15s)) << daemon.err();
  wait_polls(1);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(daemon.stop(), 0);
  // Three alerts; the first two POSTs (whichever alerts they carry) get 500, all later ones 200.
  const auto received = posts();
  ASSERT_EQ(received.size(), 5u) << daemon.err();
  std::map<std::string, int> delivered;
  for (std::size_t i = 0; i < received.size(); ++i) {
    if (i >= 2) ++delivered[received[i].first];
    EXPECT_EQ(received[i].first, received[i].second["id"].get<std::string>());
  }
  EXPECT_EQ(delivered.size(), 3u);
  for (const auto& [id, n] : delivered) EXPECT_EQ(n, 1) << id;
  EXPECT_NE(daemon.err().find("retrying"), std::string::npos);
}

TEST_F(EndToEnd, AlertPendingAtShutdownIsDeliveredAfterRestart) {
  server_.serve_webhook("/hook", {}, {503, {}, "down"});
  const auto file = config("[0s, 1h]");
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  server_.clear_requests();
  server_.serve_webhook("/hook");
  // The next retry was an hour away; a restart tries the backlog at once.
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
  wait_polls(1);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/hook"), 3u);
  EXPECT_NE(daemon.err().find("3 pending alert(s)"), std::string::npos) << daemon.err();
}

TEST_F(EndToEnd, WithoutWebhooksAlertsArePrintedAsJsonLines) {
  DaemonProcess daemon({"run", "--config", config("", false)}, dir_.path());
  wait_polls(2);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(daemon.stop(), 0);
  std::istringstream lines(daemon.out());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const json alert = json::parse(line);
    EXPECT_TRUE(alert.contains("watchlist"));
    ++count;
  }
  EXPECT_EQ(count, 3) << daemon.out();
}

TEST_F(EndToEnd, DeadFeedIsLoggedAndRetriedWithoutCrashing) {
  const auto file = config();
  std::string text = read_file(file);
  text.replace(text.find(server_.url("/levant.atom")), server_.url("/levant.atom").size(), server_.url("/missing.xml"));
  write_file(file, text);
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("HTTP 404", 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s));
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(EndToEnd, ShutdownWithAHangingReceiverIsBoundedAndKeepsTheAlert) {
  server_.serve_webhook("/hook", {}, {200, {}, "late", 60s});
  const auto file = config();   // shutdown_grace: 3s
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
    const auto asked = std::chrono::steady_clock::now();
    EXPECT_EQ(daemon.stop(std::chrono::seconds(20)), 0) << daemon.err();
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 15s);   // grace is 3s; the receiver hangs for 60s
    EXPECT_NE(daemon.err().find("still busy"), std::string::npos) << daemon.err();
  }
  server_.clear_requests();
  server_.serve_webhook("/hook");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
  wait_polls(1);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/hook"), 3u);
}

TEST_F(EndToEnd, KilledWithSigkillLosesNothingAndRepeatsNothing) {
  server_.serve_webhook("/hook", {}, {503, {}, "down"});
  const auto file = config("[0s, 1h]");
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
    daemon.kill9();
  }
  server_.clear_requests();
  server_.serve_webhook("/hook");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
  wait_polls(2);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(daemon.stop(), 0);
  std::set<std::string> ids;
  for (const auto& [id, body] : posts()) ids.insert(id);
  EXPECT_EQ(server_.count("/hook"), 3u);
  EXPECT_EQ(ids.size(), 3u);
}
