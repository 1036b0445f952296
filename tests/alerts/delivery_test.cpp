// Delivery policies against a real loopback receiver: every assertion is about what the receiver
// recorded or what the outbox holds. Long schedules are checked through the stored next attempt
// (a controlled clock), so no test waits for minutes.
#include "tests/alerts/delivery_fixture.hpp"

#include "common/crypto.hpp"
#include "store/state_store.hpp"
#include "tests/store/temp_dir.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/webhook_verifier.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <future>
#include <sstream>
#include <thread>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

config::WebhookConfig webhook(const std::string& name, const std::string& url) {
  config::WebhookConfig w;
  w.name = name;
  w.url = url;
  std::string key;
  base64_decode(kSecret.substr(6), key);
  w.secret = key;
  w.retry.schedule = {0ms, 200ms, 200ms, 200ms};
  w.timeout = 5s;
  return w;
}

// The daemon's side (see DeliveryFixture) and a loopback receiver.
class DeliveryTest : public DeliveryFixture {
 protected:
  ~DeliveryTest() override { stop(); }

  void enqueue(const std::string& webhook_name, int count, const std::string& prefix = "na_") {
    std::vector<store::OutboxEntry> entries;
    for (int i = 0; i < count; ++i) {
      const std::string id = prefix + std::to_string(i);
      entries.push_back({id, webhook_name, "w", R"({"id":")" + id + R"(","n":)" + std::to_string(i) + "}"});
    }
    reader().outbox().enqueue(entries, Clock::now());
  }

  void start(std::vector<config::WebhookConfig> hooks) {
    net::HttpClientOptions options;
    options.max_per_host = 64;
    DeliveryFixture::start(std::move(hooks), options);
  }

  void wake() {
    asio::post(io_, [this] { delivery_->wake(); });
  }

  std::filesystem::path db_file() const { return dir_.path() / "newsalert.db"; }

  void expect_signed(const std::vector<RecordedRequest>& requests) {
    const WebhookVerifier verifier(kSecret);
    for (const auto& r : requests) EXPECT_EQ(verifier.verify(r.headers, r.body, Clock::now()), "") << r.body;
  }

  HttpServer server_;
};

// The largest number of requests whose [arrival, arrival + hold) intervals overlap.
std::size_t max_overlap(const std::vector<RecordedRequest>& requests, std::chrono::milliseconds hold) {
  std::size_t best = 0;
  for (const auto& a : requests) {
    std::size_t n = 0;
    for (const auto& b : requests)
      if (b.at <= a.at && a.at < b.at + hold) ++n;
    best = std::max(best, n);
  }
  return best;
}

}  // namespace

TEST_F(DeliveryTest, TwoHundredDeliversOnceSignedAndLeavesTheOutbox) {
  server_.serve_webhook("/hook");
  enqueue("ops", 3);
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 3; }));
  const auto requests = server_.requests("/hook");
  ASSERT_EQ(requests.size(), 3u);
  expect_signed(requests);
  for (const auto& r : requests) {
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.body.find(R"({"id":")" + r.header("webhook-id")), 0u);
  }
  EXPECT_EQ(reader().outbox().pending_count(), 0u);
}

TEST_F(DeliveryTest, ServerErrorsAndDropsAreRetriedUnderTheSameId) {
  server_.serve_webhook("/hook", {{500}, {503}, Response{.close_without_response = true}});
  enqueue("ops", 1);
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto requests = server_.requests("/hook");
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& r : requests) EXPECT_EQ(r.header("webhook-id"), "na_0");
  expect_signed(requests);
}

TEST_F(DeliveryTest, PermanentClientErrorsGoStraightToDeadLetters) {
  server_.serve_webhook("/hook", {}, Response{422, {}, "bad"});
  enqueue("ops", 1);
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(server_.count("/hook"), 1u);
  const auto letter = reader().outbox().dead_letters().front();
  EXPECT_EQ(letter.attempts, 1);
  EXPECT_EQ(letter.last_error, "HTTP 422");
}

TEST_F(DeliveryTest, ExhaustedScheduleEndsInDeadLetters) {
  server_.serve_webhook("/hook", {}, Response{502});
  enqueue("ops", 1);
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(server_.count("/hook"), 4u);   // the schedule has four slots
  EXPECT_EQ(reader().outbox().dead_letters().front().attempts, 4);
}

TEST_F(DeliveryTest, RetryAfterInSecondsPostponesTheNextAttempt) {
  server_.serve_webhook("/hook", {Response{429, {{"Retry-After", "3600"}}, ""}});
  enqueue("ops", 1);
  const auto before = Clock::now();
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().next_due("ops") > before + 30min; }));
  EXPECT_GE(*reader().outbox().next_due("ops"), before + 3600s);
  EXPECT_EQ(server_.count("/hook"), 1u);
}

TEST_F(DeliveryTest, RetryAfterAsAnHttpDatePostponesTheNextAttempt) {
  const std::time_t in_two_hours = Clock::to_time_t(Clock::now() + 2h);
  std::tm tm{};
  ::gmtime_r(&in_two_hours, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  server_.serve_webhook("/hook", {Response{503, {{"Retry-After", date}}, ""}});
  enqueue("ops", 1);
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().next_due("ops") > Clock::now() + 1h; }));
  EXPECT_GE(*reader().outbox().next_due("ops"), Clock::from_time_t(in_two_hours) - 1s);
}

TEST_F(DeliveryTest, AHangingReceiverTimesOutAndIsRetried) {
  server_.serve_webhook("/hook", {Response{.delay = 10s}});
  enqueue("ops", 1);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.timeout = 2s;   // the retry, answered at once, must get through within it
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/hook"), 2u);
}

TEST_F(DeliveryTest, ADownReceiverIsRetriedAndNothingIsLost) {
  std::string url;
  {
    HttpServer gone;
    url = gone.url("/hook");
  }
  enqueue("ops", 2);
  auto hook = webhook("ops", url);
  hook.retry.schedule = {0ms, 1h};
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().next_due("ops") > Clock::now() + 30min; }));
  const auto pending = reader().outbox().due("ops", Clock::now() + 2h, 10);
  ASSERT_EQ(pending.size(), 2u);
  for (const auto& p : pending) {
    EXPECT_EQ(p.attempts, 1);
    EXPECT_FALSE(p.last_error.empty());
  }
}

TEST_F(DeliveryTest, GoneDisablesTheEndpointUntilItIsEnabledAgain) {
  server_.serve_webhook("/hook", {Response{410}});
  enqueue("ops", 1, "na_first_");
  start({webhook("ops", server_.url("/hook"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().disabled_endpoint("ops").has_value(); }));
  EXPECT_EQ(reader().outbox().disabled_endpoint("ops")->reason, "HTTP 410 Gone");
  enqueue("ops", 2, "na_later_");
  wake();
  std::this_thread::sleep_for(500ms);   // a disabled endpoint must not be contacted
  EXPECT_EQ(server_.count("/hook"), 1u);
  EXPECT_EQ(reader().outbox().pending_count("ops"), 3u);   // held, not dropped
  EXPECT_TRUE(reader().outbox().dead_letters().empty());
  // What `newsalertd deliveries retry` does from another process; the loop notices by itself.
  reader().outbox().enable_endpoint("ops");
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 3; }));
  expect_signed(server_.requests("/hook"));
}

// The 410 is written at once, not with the next outcomes: the loop, which reads the endpoint's
// state from the store, sends nothing more of the backlog.
TEST_F(DeliveryTest, GoneStopsABacklogAtTheFirstAnswer) {
  server_.serve_webhook("/hook", {}, Response{410});
  enqueue("ops", 20);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.concurrency = 1;   // one attempt at a time: none was under way when the 410 came
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().disabled_endpoint("ops").has_value(); }));
  std::this_thread::sleep_for(2 * alerts::Delivery::kRecordWithin);
  EXPECT_EQ(server_.count("/hook"), 1u);
  EXPECT_EQ(reader().outbox().pending_count("ops"), 20u);
}

TEST_F(DeliveryTest, AChangedUrlReEnablesAGoneEndpoint) {
  server_.serve_webhook("/new");
  reader().outbox().disable_endpoint("ops", server_.url("/old"), "HTTP 410 Gone", Clock::now());
  enqueue("ops", 1);
  start({webhook("ops", server_.url("/new"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_FALSE(reader().outbox().disabled_endpoint("ops"));
}

TEST_F(DeliveryTest, ConcurrencyBoundsTheAttemptsInFlight) {
  const auto hold = 400ms;
  server_.serve_webhook("/hook", {}, Response{200, {}, "ok", hold});
  enqueue("ops", 9);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.concurrency = 3;
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 9; }, 30s));
  const auto overlap = max_overlap(server_.requests("/hook"), hold);
  EXPECT_LE(overlap, 3u);
  EXPECT_GE(overlap, 2u);   // attempts really run side by side
}

TEST_F(DeliveryTest, ConcurrencyOneIsSequential) {
  const auto hold = 200ms;
  server_.serve_webhook("/hook", {}, Response{200, {}, "ok", hold});
  enqueue("ops", 4);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.concurrency = 1;
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 4; }));
  EXPECT_EQ(max_overlap(server_.requests("/hook"), hold), 1u);
}

TEST_F(DeliveryTest, TheRateLimitPacesAttempts) {
  server_.serve_webhook("/hook");
  enqueue("ops", 15);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.rate = 5;   // 5/s, bursts of 5
  hook.concurrency = 16;
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 15; }));
  const auto requests = server_.requests("/hook");
  // 5 at once, then 10 more at 5/s: at least 2 s from first to last (load only makes it longer).
  EXPECT_GE(requests.back().at - requests.front().at, 1800ms);
}

TEST_F(DeliveryTest, TheCircuitBreakerProbesADeadEndpointAndHealthyOnesAreUnaffected) {
  server_.serve_webhook("/dead", {}, Response{503});
  server_.serve_webhook("/healthy");
  enqueue("dead", 10, "na_dead_");
  enqueue("healthy", 10, "na_ok_");
  auto dead = webhook("dead", server_.url("/dead"));
  dead.retry.schedule = std::vector<Millis>(50, 0ms);   // without a breaker: 500 immediate attempts
  dead.breaker_failures = 3;
  dead.breaker_cooldown = 1s;
  start({dead, webhook("healthy", server_.url("/healthy"))});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 10; }));
  // After the cool-down one probe goes out, fails, and the circuit opens again.
  ASSERT_TRUE(server_.wait_for("/dead", 5, 15s));
  const auto start_count = server_.count("/dead");
  std::this_thread::sleep_for(2500ms);
  const auto later = server_.count("/dead");
  // Two or three probes in 2.5 s at a 1 s cool-down; never a burst of retries.
  EXPECT_LE(later - start_count, 4u);
  EXPECT_LE(later, 16u);
  EXPECT_EQ(reader().outbox().pending_count("dead"), 10u);   // nothing burnt through its schedule
}

TEST_F(DeliveryTest, StopLetsAttemptsInFlightFinishAndKeepsTheRest) {
  server_.serve_webhook("/hook", {}, Response{200, {}, "ok", 300ms});
  enqueue("ops", 20);
  auto hook = webhook("ops", server_.url("/hook"));
  hook.concurrency = 4;
  start({hook});
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s));
  std::promise<void> stopped;
  asio::post(io_, [&] {
    delivery_->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  ASSERT_TRUE(eventually([&] {
    std::promise<std::size_t> running;
    asio::post(io_, [&] { running.set_value(delivery_->running()); });
    return running.get_future().get() == 0;
  }));
  const auto delivered = reader().outbox().delivered_count();
  EXPECT_EQ(delivered + reader().outbox().pending_count(), 20u);
  EXPECT_EQ(delivered, server_.count("/hook"));   // every request that went out was recorded
  EXPECT_LT(delivered, 20u);
}

TEST_F(DeliveryTest, ChatFormatsAreSignedOverTheBodyActuallySent) {
  server_.serve_webhook("/slack");
  reader().outbox().enqueue({{"na_00000000000000000000000000000001", "slack", "w",
                     R"({"id":"na_00000000000000000000000000000001","watchlist":"w","article":{"id":"1","title":"T",)"
                     R"("link":"https://x.example/1","published":null,"feed":{"title":"F","url":"u"}},"actors":[],)"
                     R"("regions":[],"score":1,"snippets":[],"detected_at":"2024-08-01T12:00:00Z"})"}},
                   Clock::now());
  auto hook = webhook("slack", server_.url("/slack"));
  hook.format = config::WebhookFormat::slack;
  hook.headers = {{"Authorization", "Bearer t0ken"}};
  start({hook});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto r = server_.requests("/slack").at(0);
  EXPECT_NE(r.body.find("\"blocks\""), std::string::npos);
  EXPECT_EQ(r.header("authorization"), "Bearer t0ken");
  expect_signed({r});
}
