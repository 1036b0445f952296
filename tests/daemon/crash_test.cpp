// The daemon killed with SIGKILL at random instants while alerts flow to a flaky receiver, then
// restarted, many times over. At the end every (watchlist, story) pair must have been delivered,
// always under one alert id, and every POST must carry a valid Standard Webhooks signature.
// NEWSALERT_CRASH_CYCLES overrides the number of cycles (scripts/soak-delivery runs many more).
// The random seed is printed at the start and in every failure message; NEWSALERT_CRASH_SEED=N
// replays a run's random choices (kill instants, the receiver's answers), though not its timing.
#include "alerts/payload.hpp"
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/webhook_verifier.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char* const kWatchlists[] = {"hamas", "lebanon"};

// Twenty words of its own per story, so distinct stories are far apart in SimHash.
std::string lead(int story) {
  std::string out = "Officials said on day " + std::to_string(story) + " that";
  for (int i = 0; i < 20; ++i) out += " token" + std::to_string(story * 100 + i);
  return out + ".";
}

std::string item(const std::string& link, int story) {
  return "<item><title>Story " + std::to_string(story) + ": Hamas envoy arrives in Lebanon</title><link>" + link +
         "</link><guid isPermaLink=\"false\">" + link + "</guid><description>" + lead(story) +
         "</description></item>";
}

std::string feed(const std::string& title, const std::string& items) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title + "</title><link>http://x/</link>" +
         items + "</channel></rss>";
}

std::uint32_t crash_seed() {
  const char* env = std::getenv("NEWSALERT_CRASH_SEED");
  if (env == nullptr) return std::random_device{}();
  char* end = nullptr;
  const unsigned long seed = std::strtoul(env, &end, 10);
  if (*env == '\0' || *end != '\0')
    throw std::invalid_argument("NEWSALERT_CRASH_SEED is not a number: " + std::string(env));
  return static_cast<std::uint32_t>(seed);
}

int cycles() {
  if (const char* env = std::getenv("NEWSALERT_CRASH_CYCLES")) return std::max(1, std::atoi(env));
  return 50;
}

class CrashTest : public ::testing::Test {
 protected:
  // Story i is in feed A; every third story is also in feed B under another URL (a syndicated
  // copy, same text) and every fifth under the same URL.
  void publish(int stories) {
    std::string a, b;
    for (int i = 0; i < stories; ++i) {
      a += item(server_.url("/a/story-" + std::to_string(i)), i);
      if (i % 3 == 0) b += item(server_.url("/b/copy-" + std::to_string(i)), i);
      else if (i % 5 == 0) b += item(server_.url("/a/story-" + std::to_string(i)), i);
    }
    if (!serving_) {
      server_.serve_feed("/a.rss", feed("Feed A", a));
      server_.serve_feed("/b.rss", feed("Feed B", b));
      serving_ = true;
      return;
    }
    server_.update_feed("/a.rss", feed("Feed A", a));
    server_.update_feed("/b.rss", feed("Feed B", b));
  }

  std::string config() const {
    const std::string text = "state_dir: " + (dir_ / "state").string() + R"(
network:
  allow: [127.0.0.0/8]
poll:
  interval: 1s
  timeout: 5s
shutdown_grace: 2s
feeds:
  - url: )" + server_.url("/a.rss") + R"(
  - url: )" + server_.url("/b.rss") + R"(
watchlists:
  - name: hamas
    actors: [Hamas]
  - name: lebanon
    regions: [Lebanon]
webhooks:
  - name: flaky
    url: )" + server_.url("/hook") + R"(
    secret: )" + kSecret + R"(
    timeout: 1s
    concurrency: 4
    circuit_breaker: {failures: 5, cooldown: 200ms}
    retry:
      schedule: [0s, 50ms, 100ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms]
)";
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    return file.string();
  }

  // (watchlist, story) -> ids it was received under; and the pairs answered with a 2xx.
  struct Tally {
    std::map<std::pair<std::string, int>, std::set<std::string>> ids;
    std::set<std::pair<std::string, int>> delivered;
    std::vector<std::string> bad_signatures;
    std::size_t posts = 0;
  };

  void serve_flaky_receiver() {
    server_.route("/hook", [this](const RecordedRequest& request) {
      const WebhookVerifier verifier(kSecret);
      std::lock_guard lock(mutex_);
      ++tally_.posts;
      if (auto problem = verifier.verify(request.headers, request.body, std::chrono::system_clock::now());
          !problem.empty())
        tally_.bad_signatures.push_back(problem);
      const json body = json::parse(request.body, nullptr, false);
      const std::string title = body.is_object() ? body["article"]["title"].get<std::string>() : "";
      const int story = std::atoi(title.c_str() + std::string("Story ").size());
      const auto pair = std::make_pair(body.value("watchlist", std::string()), story);
      tally_.ids[pair].insert(request.header("webhook-id"));
      const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
      if (roll < 20) return Response{500, {}, "flaky"};
      if (roll < 28) return Response{.close_without_response = true};
      if (roll < 35) return Response{429, {{"Retry-After", "0"}}, ""};
      tally_.delivered.insert(pair);
      return Response{200, {}, "ok", std::chrono::milliseconds(roll < 45 ? 100 : 0)};
    });
  }

  bool all_delivered(int stories) {
    std::lock_guard lock(mutex_);
    for (const char* watchlist : kWatchlists)
      for (int i = 0; i < stories; ++i)
        if (!tally_.delivered.contains({watchlist, i})) return false;
    return true;
  }

  TempDir dir_;
  HttpServer server_;
  bool serving_ = false;
  std::mutex mutex_;
  Tally tally_;
  const std::uint32_t seed_ = crash_seed();
  std::mt19937 random_{seed_};
};

}  // namespace

TEST_F(CrashTest, KilledAtRandomInstantsEveryAlertArrivesUnderOneId) {
  std::cout << "crash test: seed " << seed_ << " (NEWSALERT_CRASH_SEED=" << seed_ << " replays it)" << std::endl;
  RecordProperty("seed", std::to_string(seed_));
  SCOPED_TRACE("NEWSALERT_CRASH_SEED=" + std::to_string(seed_));
  serve_flaky_receiver();
  const int total_cycles = cycles();
  const int stories = 40;
  int published = 4;
  publish(published);
  const auto file = config();
  std::mt19937 random(seed_ + 1);
  for (int cycle = 0; cycle < total_cycles; ++cycle) {
    DaemonProcess daemon({"run", "--config", file, "--log-level", "warn"}, dir_.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 600)(random)));
    daemon.kill9();
    // New stories keep arriving between and during runs.
    if (published < stories && cycle % 2 == 1) publish(published = std::min(stories, published + 2));
  }
  publish(stories);
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  // Everything may already be delivered; SIGTERM before the handler is set up would kill it.
  ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (!all_delivered(stories) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  const int status = daemon.stop();
  EXPECT_EQ(status, 0) << daemon.err().substr(daemon.err().size() > 3000 ? daemon.err().size() - 3000 : 0);

  std::lock_guard lock(mutex_);
  EXPECT_TRUE(tally_.bad_signatures.empty()) << tally_.bad_signatures.front();
  for (const char* watchlist : kWatchlists) {
    for (int i = 0; i < stories; ++i) {
      const auto pair = std::make_pair(std::string(watchlist), i);
      EXPECT_TRUE(tally_.delivered.contains(pair)) << watchlist << " story " << i << " never delivered";
      const auto& ids = tally_.ids[pair];
      EXPECT_EQ(ids.size(), 1u) << watchlist << " story " << i << " arrived under " << ids.size() << " ids";
      // Stories only in feed A (or under the same URL in B) have a known id.
      if (i % 3 != 0 && !ids.empty()) {
        Article a;
        a.link = server_.url("/a/story-" + std::to_string(i));
        EXPECT_EQ(*ids.begin(), alerts::alert_id(watchlist, a)) << watchlist << " story " << i;
      }
    }
  }
  EXPECT_GT(tally_.posts, static_cast<std::size_t>(2 * stories));
  std::cout << "crash test: seed " << seed_ << ", " << total_cycles << " kills, " << tally_.posts << " POSTs for "
            << 2 * stories << " alerts\n";
}
