// SIGHUP reloads the config: a valid one is swapped in keeping state, an invalid one is rejected.
#include "service_fixture.hpp"

#include <nlohmann/json.hpp>

#include <signal.h>

#include <set>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

class Reload : public ServiceTest {
 protected:
  std::uint16_t port_ = free_port();

  // Sends SIGHUP and waits for the outcome line the reload logs.
  bool reload(DaemonProcess& daemon, const std::string& expect) {
    const std::size_t before = occurrences(daemon.err(), expect);
    daemon.send_signal(SIGHUP);
    return eventually([&] { return occurrences(daemon.err(), expect) > before; }, 15s);
  }

  static std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
  }
};

}  // namespace

TEST_F(Reload, ValidConfigSwapsFeedsWatchlistsAndWebhooksKeepingState) {
  // Before: /wire.rss only, watched for Hamas; deliveries to /down, which fails for now.
  server_.serve_webhook("/down", {}, {503, {}, "down"});
  ServiceConfig before{.feeds = {"/wire.rss"}, .hooks = {"/down"}, .retry = "[0s, 1h]", .admin_port = port_};
  DaemonProcess daemon({"run", "--config", write_config(before)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/down", 1, 15s)) << daemon.err();   // the Hamas alert, now pending for an hour

  // After: /wire.rss stays, /two.rss is added; a Hezbollah watchlist is added (wire-2 mentions
  // Hezbollah but was seen before the reload, so it must not alert); a Houthis watchlist matches
  // the new feed; the webhook keeps its name but moves to a working receiver.
  ServiceConfig after = before;
  after.feeds = {"/two.rss", "/wire.rss"};
  after.watchlists += R"(  - name: hezbollah
    actors: [Hezbollah]
    regions: [Lebanon]
  - name: houthis
    actors: [Houthis]
    regions: [Yemen]
)";
  after.hooks = {"/hook"};
  after.retry = "[0s, 300ms]";
  write_config(after);
  server_.update_feed("/wire.rss", std::string(kServiceRss) + "\n");   // a full 200 on the next poll
  ASSERT_TRUE(reload(daemon, "reloaded ")) << daemon.err();
  EXPECT_NE(daemon.err().find("2 feeds (1 added, 0 removed, 0 rescheduled), 3 watchlists"), std::string::npos)
      << daemon.err();

  // The pending alert is kept in the outbox and goes to the webhook's new URL, with its id.
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/wire.rss", server_.count("/wire.rss") + 1, 15s));
  std::this_thread::sleep_for(500ms);
  const auto downs = server_.requests("/down");
  const auto hooks = server_.requests("/hook");
  ASSERT_EQ(hooks.size(), 2u) << daemon.err();
  std::set<std::string> watchlists;
  for (const auto& request : hooks) watchlists.insert(json::parse(request.body)["watchlist"].get<std::string>());
  EXPECT_EQ(watchlists, (std::set<std::string>{"iran-israel", "houthis"}));
  for (const auto& request : hooks) {
    if (json::parse(request.body)["watchlist"] == "iran-israel") {
      EXPECT_EQ(request.header("webhook-id"), downs[0].header("webhook-id"));
    }
  }

  HttpClient admin("127.0.0.1", port_);
  const json report = json::parse(admin.get("/v1/status").body);
  ASSERT_EQ(report["feeds"].size(), 2u);
  EXPECT_EQ(report["feeds"][0]["url"], server_.url("/two.rss"));
  EXPECT_EQ(report["watchlists"], 3);

  // Removing a feed stops its polls.
  after.feeds = {"/two.rss"};
  write_config(after);
  ASSERT_TRUE(reload(daemon, "reloaded ")) << daemon.err();
  std::this_thread::sleep_for(1s);   // a poll in flight at the reload may still finish
  const std::size_t wire_polls = server_.count("/wire.rss");
  ASSERT_TRUE(server_.wait_for("/two.rss", server_.count("/two.rss") + 2, 15s));
  EXPECT_EQ(server_.count("/wire.rss"), wire_polls);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
}

TEST_F(Reload, IntervalChangeReschedulesTheNextPoll) {
  ServiceConfig slow{.feeds = {"/wire.rss"}, .interval = "1h"};
  DaemonProcess daemon({"run", "--config", write_config(slow)}, dir_.path());
  // Its alert is sent once the first poll is over: a reload while that poll is still in flight has
  // nothing to reschedule (the poll itself then waits the new interval).
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  ServiceConfig fast = slow;
  fast.interval = "1s";
  write_config(fast);
  ASSERT_TRUE(reload(daemon, "reloaded ")) << daemon.err();
  EXPECT_NE(daemon.err().find("1 rescheduled"), std::string::npos) << daemon.err();
  // Without the reschedule the next poll would be an hour away.
  EXPECT_TRUE(server_.wait_for("/wire.rss", 3, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(Reload, InvalidConfigIsRejectedAndTheOldOneKeepsRunning) {
  ServiceConfig good{.feeds = {"/wire.rss"}, .admin_port = port_};
  DaemonProcess daemon({"run", "--config", write_config(good)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  write_file(config_file(), read_file(config_file()) + "poll:\n  intervall: 2s\n");
  ASSERT_TRUE(reload(daemon, "reload rejected")) << daemon.err();
  const std::string err = daemon.err();
  EXPECT_NE(err.find("reload: " + config_file() + ":"), std::string::npos) << err;
  EXPECT_NE(err.find("still running the configuration loaded at"), std::string::npos) << err;

  write_file(config_file(), "state_dir: [");
  ASSERT_TRUE(reload(daemon, "reload rejected")) << daemon.err();

  // Still polling on the old config, still answering, and exits normally.
  const std::size_t polls = server_.count("/wire.rss");
  EXPECT_TRUE(server_.wait_for("/wire.rss", polls + 2, 15s));
  HttpClient admin("127.0.0.1", port_);
  EXPECT_EQ(admin.get("/healthz").status, 200);
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
  EXPECT_EQ(server_.count("/hook"), 1u);
}

TEST_F(Reload, RuleNestedTooDeepIsRejectedAndTheOldConfigKeepsRunning) {
  ServiceConfig good{.feeds = {"/wire.rss"}, .admin_port = port_};
  DaemonProcess daemon({"run", "--config", write_config(good)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  // 8,000 parentheses: the parser used to overflow the stack before it could find them unclosed.
  ServiceConfig deep = good;
  deep.watchlists += "  - name: deep\n    actors: [Hamas]\n    require: " + std::string(8000, '(') + "Hamas\n";
  write_config(deep);
  ASSERT_TRUE(reload(daemon, "reload rejected")) << daemon.err();
  EXPECT_NE(daemon.err().find("reload: " + config_file() + ":16:78: watchlists[1].require: rule nested deeper than 64"),
            std::string::npos) << daemon.err();

  const std::size_t polls = server_.count("/wire.rss");
  EXPECT_TRUE(server_.wait_for("/wire.rss", polls + 2, 15s));
  HttpClient admin("127.0.0.1", port_);
  EXPECT_EQ(json::parse(admin.get("/v1/status").body)["watchlists"], 1);
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
}

TEST_F(Reload, WarningsOfTheNewConfigAreLogged) {
  ServiceConfig good{.feeds = {"/wire.rss"}};
  DaemonProcess daemon({"run", "--config", write_config(good)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  std::string text = read_file(config_file());
  const std::string feed_line = "  - url: " + server_.url("/wire.rss") + "\n";
  text.replace(text.find(feed_line), feed_line.size(), feed_line + "    tls_verify: false\n");
  write_file(config_file(), text);
  ASSERT_TRUE(reload(daemon, "reloaded ")) << daemon.err();
  EXPECT_NE(daemon.err().find("reload: " + config_file() + ":"), std::string::npos) << daemon.err();
  EXPECT_NE(daemon.err().find("warning: feeds[0].tls_verify: false"), std::string::npos) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
}

TEST_F(Reload, TakenAdminPortRejectsTheReload) {
  ServiceConfig good{.feeds = {"/wire.rss"}, .admin_port = port_};
  DaemonProcess daemon({"run", "--config", write_config(good)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s)) << daemon.err();
  HttpServer squatter;
  ServiceConfig moved = good;
  moved.admin_port = squatter.port();
  moved.feeds = {"/wire.rss", "/two.rss"};
  write_config(moved);
  ASSERT_TRUE(reload(daemon, "reload rejected")) << daemon.err();
  EXPECT_NE(daemon.err().find("cannot listen on 127.0.0.1:" + std::to_string(squatter.port())), std::string::npos);
  HttpClient admin("127.0.0.1", port_);
  const json report = json::parse(admin.get("/v1/status").body);
  EXPECT_EQ(report["feeds"].size(), 1u);
  EXPECT_EQ(daemon.stop(), 0);
}
