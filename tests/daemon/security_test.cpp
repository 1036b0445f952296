// The daemon facing a hostile or careless setup: loopback targets without an allow, secrets that
// must not leak into logs or `check` output, and warnings a user has to see.
#include "daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

const char* const kFeed = R"(<rss version="2.0"><channel><title>Wire</title>
<item><title>Hamas leaders meet in Doha</title><link>http://wire.example/1</link><guid>w-1</guid></item>
</channel></rss>)";

const char* const kSecrets[] = {"whsec-literal-9f2c", "Bearer tok-31d7", "feedpass-77aa", "apikey-5b5e"};

class Security : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.serve_feed("/wire.rss", kFeed);
    server_.serve_webhook("/hook", {}, Response{500, {}, "down"});
  }

  // One feed and one webhook on the loopback server; `feed_extra` and `webhook_extra` are added
  // under each (with their indentation).
  std::string config(const std::string& feed_extra, const std::string& webhook_extra, const std::string& top = "",
                     const std::string& feed_path = "/wire.rss", const std::string& hook_path = "/hook") {
    const std::string text = "state_dir: " + (dir_ / "state").string() + "\n" + top +
                             "poll:\n  interval: 1s\n  timeout: 5s\n  adaptive: false\nshutdown_grace: 2s\n"
                             "feeds:\n  - url: " + server_.url(feed_path) + "\n" + feed_extra +
                             "watchlists:\n  - name: w\n    actors: [Hamas]\n"
                             "webhooks:\n  - name: ops\n    url: " + server_.url(hook_path) + "\n" + webhook_extra +
                             "    retry:\n      schedule: [0s, 200ms, 200ms]\n";
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::others_read);
    return file.string();
  }

  std::string feed_allow() const { return "    allow: [\"127.0.0.1:" + std::to_string(server_.port()) + "\"]\n"; }

  static void expect_no_secret(const std::string& output, const std::string& what) {
    for (const char* secret : kSecrets) EXPECT_EQ(output.find(secret), std::string::npos) << secret << " in " << what;
    EXPECT_EQ(output.find("tok-31d7"), std::string::npos) << what;
  }

  HttpServer server_;
  TempDir dir_;
};

}  // namespace

TEST_F(Security, FeedOnLoopbackWithoutAnAllowIsRefusedAndNeverContacted) {
  DaemonProcess daemon({"run", "--config", config("", ""), "--log-level", "debug"}, dir_.path());
  const std::string expected = "poll failed: blocked: address refused: 127.0.0.1 port " +
                               std::to_string(server_.port()) +
                               " is loopback; allow it with network.allow or the feed's allow";
  ASSERT_TRUE(daemon.wait_for_log(expected, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count(""), 0u);
}

TEST_F(Security, WebhookOnLoopbackWithoutAnAllowIsRefusedAndNeverContacted) {
  // The feed may reach its own port on loopback; the webhook has no allow of its own.
  DaemonProcess daemon({"run", "--config", config(feed_allow(), ""), "--log-level", "debug"}, dir_.path());
  const std::string expected = "to webhook 'ops' failed (attempt 1): address refused: 127.0.0.1 port " +
                               std::to_string(server_.port()) +
                               " is loopback; allow it with network.allow or the webhook's allow";
  ASSERT_TRUE(daemon.wait_for_log(expected, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_GE(server_.count("/wire.rss"), 1u);   // polled again if the 1 s interval came round
  EXPECT_EQ(server_.count("/hook"), 0u);
}

TEST_F(Security, SecretsNeverAppearInLogsOrCheckOutput) {
  const std::string file = config(feed_allow() +
                                      "    username: reader\n    password: feedpass-77aa\n"
                                      "    headers:\n      X-Api-Key: apikey-5b5e\n",
                                  "    secret: whsec-literal-9f2c\n    headers:\n      Authorization: Bearer tok-31d7\n",
                                  "network:\n  allow: [127.0.0.0/8]\n");
  DaemonProcess daemon({"run", "--config", file, "--log-level", "trace"}, dir_.path());
  // The receiver answers 500: the failure and its retries are logged.
  ASSERT_TRUE(daemon.wait_for_log("failed for good after 3 attempt(s)", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  ASSERT_GE(server_.count("/hook"), 3u);
  EXPECT_EQ(server_.requests("/hook")[0].header("authorization"), "Bearer tok-31d7");   // it was sent, not logged
  expect_no_secret(daemon.err(), "the daemon's log");
  expect_no_secret(daemon.out(), "the daemon's standard output");
  // The world-readable file holding secrets is called out, by line, without the secret.
  EXPECT_NE(daemon.err().find("warning: the file is readable by every user (mode 0604) and holds a secret"),
            std::string::npos)
      << daemon.err();

  const auto check = run_command({"check", "--config", file});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.err.find("readable by every user"), std::string::npos) << check.err;
  expect_no_secret(check.out + check.err, "check");
}

TEST_F(Security, SecretsStayOutOfConfigErrors) {
  // Every secret-bearing key is wrong in some way, and one unrelated key is misspelt.
  const std::string file = config("    username: \"feedpass-77aa:x\"\n    password: feedpass-77aa\n"
                                  "    headers:\n      X-Api-Key: \"apikey-5b5e\\nsecond line\"\n",
                                  "    secret: \"whsec_!!whsec-literal-9f2c\"\n    headers:\n      Authorization: "
                                  "[Bearer tok-31d7]\n",
                                  "intervall: 5m\n");
  const auto check = run_command({"check", "--config", file});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(check.err.find("unknown key 'intervall'"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("username: must not contain ':'"), std::string::npos) << check.err;
  expect_no_secret(check.out + check.err, "check");
}

TEST_F(Security, TurningTlsVerificationOffIsLoggedAtWarn) {
  const std::string file = config(feed_allow() + "    tls_verify: false\n", "", "network:\n  allow: [127.0.0.0/8]\n");
  const auto check = run_command({"check", "--config", file});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.err.find("warning: feeds[0].tls_verify: false: certificates are not checked"), std::string::npos)
      << check.err;
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("tls_verify: false: certificates are not checked", 15s)) << daemon.err();
  // The warning comes while the config is read, before the daemon handles signals: stop it once it
  // has started (a slow, sanitized build took SIGTERM's default action there).
  ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.err().find("warn"), std::string::npos);
}

namespace {

// Secrets in the query strings of feed URLs: given in the config, and chosen by a server that
// moves a feed. The webhook's URL carries one in its path, as Slack's and Discord's do.
const char* const kQuerySecrets[] = {"apikey-q-8e21", "tok-q-2d90", "sig-q-77b4", "tok-q-5a3f", "hooksecret-q-93ab"};

void expect_no_query_secret(const std::string& output, const std::string& what) {
  for (const char* secret : kQuerySecrets) EXPECT_EQ(output.find(secret), std::string::npos) << secret << " in " << what;
}

}  // namespace

TEST_F(Security, ApiKeysInFeedUrlsAreHiddenWhereverUrlsAreShown) {
  server_.redirect("/moved.rss", "/wire2.rss?access_token=tok-q-2d90&X-Amz-Signature=sig-q-77b4");
  server_.serve_feed("/wire2.rss", kFeed);
  server_.serve_webhook("/hook/hooksecret-q-93ab");
  const std::uint16_t port = free_port();
  const std::string allow = "    allow: [\"127.0.0.1:" + std::to_string(server_.port()) + "\"]\n";
  const std::string more_feeds = "  - url: " + server_.url("/moved.rss?access_token=tok-q-2d90") + "\n" + allow +
                                 "  - url: " + server_.url("/gone.rss?Token=tok-q-5a3f") + "\n" + allow;
  const std::string file = config(allow + more_feeds, allow, "http:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n",
                                  "/wire.rss?apikey=apikey-q-8e21&x=1", "/hook/hooksecret-q-93ab");
  DaemonProcess daemon({"run", "--config", file, "--log-level", "trace"}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("delivered to webhook", 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("moved permanently", 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("HTTP 404", 15s)) << daemon.err();

  // The real URLs are the ones fetched.
  ASSERT_FALSE(server_.requests("/wire.rss").empty());
  EXPECT_EQ(server_.requests("/wire.rss")[0].target, "/wire.rss?apikey=apikey-q-8e21&x=1");
  ASSERT_FALSE(server_.requests("/wire2.rss").empty());
  EXPECT_EQ(server_.requests("/gone.rss")[0].target, "/gone.rss?Token=tok-q-5a3f");

  const auto status = get("http://127.0.0.1:" + std::to_string(port) + "/v1/status");
  ASSERT_EQ(status.status, 200) << status.error;
  EXPECT_NE(status.body.find(server_.url("/wire.rss?apikey=REDACTED&x=1")), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(server_.url("/gone.rss?Token=REDACTED")), std::string::npos) << status.body;
  expect_no_query_secret(status.body, "/v1/status");
  const auto metrics = get("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_NE(metrics.body.find("feed=\"" + server_.url("/moved.rss?access_token=REDACTED") + "\""), std::string::npos)
      << metrics.body;
  expect_no_query_secret(metrics.body, "/metrics");
  const auto table = run_command({"status", "--config", file});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("/gone.rss?Token=REDACTED"), std::string::npos) << table.out;
  expect_no_query_secret(table.out + table.err, "newsalertd status");

  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.err().find("feed " + server_.url("/wire.rss?apikey=REDACTED&x=1") + ":"), std::string::npos)
      << daemon.err();
  EXPECT_NE(daemon.err().find("moved permanently to " + server_.url("/wire2.rss?access_token=REDACTED&X-Amz-Signature=REDACTED")),
            std::string::npos)
      << daemon.err();
  expect_no_query_secret(daemon.err(), "the daemon's log");
  expect_no_query_secret(daemon.out(), "the daemon's standard output");

  // `check` names a feed's URL when it is listed twice.
  const std::string twice = config(allow + "  - url: " + server_.url("/wire.rss?apikey=apikey-q-8e21&x=1") + "\n", "",
                                   "", "/wire.rss?apikey=apikey-q-8e21&x=1");
  const auto check = run_command({"check", "--config", twice});
  EXPECT_EQ(check.exit_code, 2) << check.err;
  EXPECT_NE(check.err.find("feeds[1]: duplicate feed URL '" + server_.url("/wire.rss?apikey=REDACTED&x=1") +
                           "' (already listed on line "),
            std::string::npos)
      << check.err;
  expect_no_query_secret(check.out + check.err, "check");
}
