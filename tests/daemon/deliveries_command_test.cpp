// `newsalertd deliveries`: list, retry and purge dead letters, offline and beside a running daemon.
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

const char* const kRss = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><link>http://w/</link>
<item><title>Hamas envoy arrives in Lebanon</title><link>http://w.example/1</link><guid>1</guid>
<description>Talks began on Monday.</description></item>
<item><title>Hamas statement on ceasefire talks</title><link>http://w.example/2</link><guid>2</guid>
<description>A second unrelated story.</description></item>
</channel></rss>)";

class DeliveriesCommand : public ::testing::Test {
 protected:
  void SetUp() override { server_.serve_feed("/feed.rss", kRss); }

  std::string config() const {
    const std::string text = "state_dir: " + (dir_ / "state").string() + R"(
network:
  allow: [127.0.0.0/8]
poll:
  interval: 1s
shutdown_grace: 2s
feeds:
  - url: )" + server_.url("/feed.rss") + R"(
watchlists:
  - name: hamas
    actors: [Hamas]
webhooks:
  - name: ops
    url: )" + server_.url("/hook") + R"(
    retry:
      schedule: [0s]
)";
    write_file(dir_ / "newsalert.yaml", text);
    return (dir_ / "newsalert.yaml").string();
  }

  TempDir dir_;
  HttpServer server_;
};

}  // namespace

TEST_F(DeliveriesCommand, ListRetryAndPurgeWorkBesideTheRunningDaemon) {
  server_.serve_webhook("/hook", {}, Response{400, {}, "rejected"});
  const auto file = config();
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("kept as a dead letter", 15s));
  // Both dead letters are written; list them from another process while the daemon runs.
  CommandResult list;
  for (int i = 0; i < 100; ++i) {
    list = run_command({"deliveries", "list", "--config", file});
    if (list.out.find("2 dead letter(s)") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("2 dead letter(s)"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("HTTP 400"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\tops\thamas\t1\tna_"), std::string::npos) << list.out;

  // The receiver is fixed; one letter is retried by id and the daemon delivers it on its own.
  server_.serve_webhook("/hook");
  server_.clear_requests();
  const auto line = list.out.substr(list.out.find("\n", list.out.find("ID\t")) + 1);
  const std::string id = line.substr(0, line.find('\t'));
  const auto retry = run_command({"deliveries", "retry", id, "--config", file});
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(retry.out, "requeued dead letter " + id + "\n");
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  const auto again = run_command({"deliveries", "retry", id, "--config", file});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "newsalertd deliveries retry: no dead letter with ID " + id + "\n");

  const auto purge = run_command({"deliveries", "purge", "--config", file});
  EXPECT_EQ(purge.exit_code, 0) << purge.err;
  EXPECT_EQ(purge.out, "purged 1 dead letter(s)\n");
  EXPECT_NE(run_command({"deliveries", "list", "--config", file}).out.find("0 dead letter(s)"), std::string::npos);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(server_.count("/hook"), 1u);   // the purged one is never sent again
}

TEST_F(DeliveriesCommand, RetryAllEnablesAGoneWebhook) {
  server_.serve_webhook("/hook", {}, Response{410});
  const auto file = config();
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(daemon.wait_for_log("is disabled", 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  // Both alerts may have been in flight (concurrency 4) when the first 410 came back.
  const auto gone_answers = server_.count("/hook");
  EXPECT_GE(gone_answers, 1u);
  EXPECT_LE(gone_answers, 2u);
  const auto list = run_command({"deliveries", "list", "--config", file});
  EXPECT_NE(list.out.find("webhook ops: disabled since"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("HTTP 410 Gone); 2 alert(s) held"), std::string::npos) << list.out;

  // A restart alone does not hammer a gone endpoint.
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(daemon.wait_for_log("is disabled", 15s)) << daemon.err();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(daemon.stop(), 0);
  }
  EXPECT_EQ(server_.count("/hook"), gone_answers);

  server_.serve_webhook("/hook");
  const auto retry = run_command({"deliveries", "retry", "--all", "--config", file});
  EXPECT_EQ(retry.exit_code, 0);
  EXPECT_EQ(retry.out, "requeued 0 dead letter(s); enabled 1 disabled webhook(s)\n");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", gone_answers + 2, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(DeliveriesCommand, ReportsUsageErrorsWithExitCodeTwo) {
  const auto file = config();
  EXPECT_EQ(run_command({"deliveries", "--config", file}).exit_code, 2);
  EXPECT_EQ(run_command({"deliveries", "resend", "--config", file}).exit_code, 2);
  const auto bad = run_command({"deliveries", "retry", "x7", "--config", file});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'x7' is not a dead letter ID"), std::string::npos);
  const auto missing = run_command({"deliveries", "list", "--config", file});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no database at"), std::string::npos) << missing.err;
}
