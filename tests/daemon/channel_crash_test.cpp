// The daemon killed with SIGKILL at random instants while the same stories flow to one channel of
// each kind: a signed JSON webhook, e-mail (a real SMTP server), Telegram, Matrix, PagerDuty,
// Opsgenie, Mattermost, Pushover and Gotify, each against its loopback stand-in, some of them
// refusing or dropping answers now and then. At the end every story has reached every channel;
// where the far end has an idempotency key (Matrix's transaction id, PagerDuty's dedup_key,
// Opsgenie's alias) it holds one post per story, and every e-mail for a story carries the one
// Message-ID derived from its alert id, so a duplicate is recognisable. NEWSALERT_CRASH_CYCLES
// overrides the number of kills; NEWSALERT_CRASH_SEED=N replays the random choices.
#include "alerts/payload.hpp"
#include "daemon_process.hpp"
#include "tests/support/gotify_server.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/matrix_homeserver.hpp"
#include "tests/support/mattermost_webhook.hpp"
#include "tests/support/opsgenie_alert_api.hpp"
#include "tests/support/pagerduty_events_api.hpp"
#include "tests/support/pushover_api.hpp"
#include "tests/support/smtp_server.hpp"
#include "tests/support/telegram_bot_api.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kStories = 10;
const std::string kTelegramToken = "123456:ABC-DEF1234ghIkl";
const std::string kChat = "-1001234567890";
const std::string kMatrixToken = "syt_crash_token";
const std::string kRoom = "!desk:example.org";
const std::string kRoutingKey = "e93facc04764012d7bfb002500d5d1a6";
const std::string kOpsgenieKey = "eb243592-faa2-4ba2-a551-1afdf565c889";
const std::string kPushoverToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const std::string kPushoverUser = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const std::string kGotifyToken = "AbCdEf.GhIjKl1";
const std::string kMattermostPath = "/hooks/crash";

std::uint32_t crash_seed() {
  if (const char* env = std::getenv("NEWSALERT_CRASH_SEED")) return static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  return std::random_device{}();
}

int cycles() {
  if (const char* env = std::getenv("NEWSALERT_CRASH_CYCLES")) return std::max(1, std::atoi(env));
  return 8;
}

// The story number in a text that shows the title "Story N: ...", or -1.
int story_in(const std::string& text) {
  const std::size_t at = text.find("Story ");
  return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 6);
}

std::string item(const std::string& link, int story) {
  return "<item><title>Story " + std::to_string(story) + ": Hamas envoy arrives in Beirut</title><link>" + link +
         "</link><guid isPermaLink=\"false\">" + link + "</guid><description>Officials said on day " +
         std::to_string(story) + " that talks token" + std::to_string(story * 7919) + " went on.</description></item>";
}

// Per channel: story -> how many posts the far end holds for it.
using Counts = std::map<int, int>;

template <class Items, class Text>
Counts count_stories(const Items& items, Text text) {
  Counts counts;
  for (const auto& i : items) ++counts[story_in(text(i))];
  return counts;
}

class ChannelCrashTest : public ::testing::Test {
 protected:
  void publish(int stories) {
    std::string items;
    for (int i = 0; i < stories; ++i) items += item(server_.url("/a/story-" + std::to_string(i)), i);
    const std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title><link>http://x/</link>" +
                             items + "</channel></rss>";
    if (published_ == 0) server_.serve_feed("/a.rss", feed);
    else server_.update_feed("/a.rss", feed);
    published_ = stories;
  }

  std::string hook(const std::string& name, const std::string& rest) const {
    return "  - name: " + name + "\n" + rest +
           "    timeout: 1s\n    circuit_breaker: {failures: 5, cooldown: 200ms}\n"
           "    retry:\n      schedule: [0s, 50ms, 100ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, "
           "200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms]\n";
  }

  std::string config() const {
    const std::string base = server_.url("/");
    std::string text = "state_dir: " + (dir_ / "state").string() + "\nnetwork:\n  allow: [127.0.0.0/8]\n"
                       "poll:\n  interval: 1s\n  timeout: 5s\nshutdown_grace: 2s\nfeeds:\n  - url: " + server_.url("/a.rss") +
                       "\nwatchlists:\n  - name: hamas\n    actors: [Hamas]\n    notify: [json, mail, tg, matrix, pd, og, mm, "
                       "phone, gotify]\nwebhooks:\n";
    text += hook("json", "    url: " + server_.url("/hook") + "\n");
    text += hook("mail", "    format: email\n    url: " + smtp_.url() + "\n    starttls: false\n"
                         "    from: \"newsalert <alerts@example.org>\"\n    to: [desk@example.org]\n");
    text += hook("tg", "    format: telegram\n    url: " + base + "\n    token: \"" + kTelegramToken + "\"\n    chat_id: \"" + kChat + "\"\n");
    text += hook("matrix", "    format: matrix\n    url: " + base + "\n    token: " + kMatrixToken + "\n    room: \"" + kRoom + "\"\n");
    text += hook("pd", "    format: pagerduty\n    url: " + base + "\n    routing_key: " + kRoutingKey + "\n");
    text += hook("og", "    format: opsgenie\n    url: " + base + "\n    token: " + kOpsgenieKey + "\n");
    text += hook("mm", "    format: mattermost\n    url: " + server_.url(kMattermostPath) + "\n");
    text += hook("phone", "    format: pushover\n    url: " + base + "\n    token: " + kPushoverToken + "\n    user: " + kPushoverUser + "\n");
    text += hook("gotify", "    format: gotify\n    url: " + base + "\n    token: " + kGotifyToken + "\n");
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, text);
    return file.string();
  }

  // The JSON webhook answers at random: a server error, a dropped connection, a 429 or a 200.
  void serve_flaky_json() {
    server_.route("/hook", [this](const RecordedRequest& request) {
      std::lock_guard lock(mutex_);
      const json body = json::parse(request.body, nullptr, false);
      const int story = body.is_object() ? story_in(body.value(json::json_pointer("/article/title"), std::string())) : -1;
      json_ids_[story].insert(request.header("webhook-id"));
      const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
      if (roll < 15) return Response{500, {}, "flaky"};
      if (roll < 25) return Response{.close_without_response = true};
      if (roll < 30) return Response{429, {{"Retry-After", "0"}}, ""};
      ++json_delivered_[story];
      return Response{200, {}, "ok", std::chrono::milliseconds(roll < 60 ? 150 : 0)};
    });
  }

  // Before each run the far ends with an idempotency key are told to take their next post and drop
  // the answer (the retry must not post again); others, now and then, to refuse or fail.
  void stir(std::mt19937& random) {
    std::uniform_int_distribution<int> coin(0, 2);
    matrix_.drop_answers(1);
    pagerduty_.drop_answers(1);
    opsgenie_.drop_answers(1);
    if (coin(random) == 0) pagerduty_.rate_limit(1);
    if (coin(random) == 0) pushover_.fail(1);
    if (coin(random) == 0) gotify_.rate_limit(1);
    if (coin(random) == 0) mattermost_.rate_limit(1);
  }

  // story -> the Message-IDs of the e-mails received for it.
  std::map<int, std::set<std::string>> mail_ids() const {
    std::map<int, std::set<std::string>> ids;
    for (const auto& m : smtp_.messages())
      ids[story_in(m["headers"].value("Subject", std::string()))].insert(m["headers"].value("Message-ID", std::string()));
    return ids;
  }

  std::map<std::string, Counts> far_ends() const {
    std::map<std::string, Counts> out;
    {
      std::lock_guard lock(mutex_);
      out["json"] = json_delivered_;
    }
    for (const auto& [story, ids] : mail_ids()) out["mail"][story] = static_cast<int>(ids.size());
    out["tg"] = count_stories(telegram_.messages(), [](const TelegramMessage& m) { return m.text; });
    out["matrix"] = count_stories(matrix_.events(), [](const MatrixEvent& e) { return e.content.value("body", std::string()); });
    out["pd"] = count_stories(pagerduty_.alerts(), [](const PagerDutyAlert& a) { return a.event["payload"].value("summary", std::string()); });
    out["og"] = count_stories(opsgenie_.alerts(), [](const OpsgenieAlert& a) { return a.request.value("message", std::string()); });
    out["mm"] = count_stories(mattermost_.posts(), [](const MattermostPost& p) { return p.text; });
    out["phone"] = count_stories(pushover_.messages(), [](const PushoverMessage& m) { return m.at("title"); });
    out["gotify"] = count_stories(gotify_.messages(), [](const GotifyMessage& m) { return m.message.value("title", std::string()); });
    return out;
  }

  std::size_t matrix_requests() const {
    const auto all = server_.requests();
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [](const RecordedRequest& r) { return r.path.starts_with("/_matrix/"); }));
  }

  bool all_arrived() const {
    for (const auto& [channel, counts] : far_ends())
      for (int i = 0; i < kStories; ++i)
        if (!counts.contains(i)) return false;
    return true;
  }

  TempDir dir_;
  HttpServer server_;
  SmtpServer smtp_{SmtpServerOptions{}};
  TelegramBotApi telegram_{server_, kTelegramToken, {kChat}};
  MatrixHomeserver matrix_{server_, kMatrixToken, {kRoom}};
  PagerDutyEventsApi pagerduty_{server_};
  OpsgenieAlertApi opsgenie_{server_, kOpsgenieKey};
  MattermostWebhook mattermost_{server_, kMattermostPath};
  PushoverApi pushover_{server_, kPushoverToken, kPushoverUser};
  GotifyServer gotify_{server_, kGotifyToken};
  int published_ = 0;
  mutable std::mutex mutex_;
  std::map<int, std::set<std::string>> json_ids_;
  Counts json_delivered_;
  const std::uint32_t seed_ = crash_seed();
  std::mt19937 random_{seed_};
};

}  // namespace

TEST_F(ChannelCrashTest, KilledAtRandomInstantsEveryChannelGetsEveryStoryAndKeyedOnesOnlyOnce) {
  std::cout << "channel crash test: seed " << seed_ << " (NEWSALERT_CRASH_SEED=" << seed_ << " replays it)" << std::endl;
  SCOPED_TRACE("NEWSALERT_CRASH_SEED=" + std::to_string(seed_));
  serve_flaky_json();
  publish(3);
  const auto file = config();
  std::mt19937 random(seed_ + 1);
  const int total_cycles = cycles();
  for (int cycle = 0; cycle < total_cycles; ++cycle) {
    stir(random);
    DaemonProcess daemon({"run", "--config", file, "--log-level", "warn"}, dir_.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 1500)(random)));
    daemon.kill9();
    if (published_ < kStories) publish(std::min(kStories, published_ + 2));
  }
  // Without posts while the kills came, the kills would have tested nothing.
  const auto before_last_run = far_ends();
  const bool flowing = std::any_of(before_last_run.begin(), before_last_run.end(), [](const auto& e) { return !e.second.empty(); });
  EXPECT_TRUE(flowing) << "no channel received anything before the last run";
  publish(kStories);
  stir(random);
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
  eventually([&] { return all_arrived(); }, 45s);
  // Retries still under way would only add posts the checks below must see.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err().substr(daemon.err().size() > 3000 ? daemon.err().size() - 3000 : 0);

  const auto ends = far_ends();
  for (const auto& [channel, counts] : ends)
    for (int i = 0; i < kStories; ++i) EXPECT_TRUE(counts.contains(i)) << "story " << i << " never reached " << channel;
  for (const char* keyed : {"matrix", "pd", "og"})
    for (const auto& [story, posts] : ends.at(keyed))
      EXPECT_EQ(posts, 1) << keyed << " holds " << posts << " posts for story " << story;
  EXPECT_EQ(pagerduty_.refusals(), std::vector<std::string>{});
  EXPECT_EQ(telegram_.refusals(), std::vector<std::string>{});
  for (const auto& [story, ids] : mail_ids()) {
    ASSERT_EQ(ids.size(), 1u) << "story " << story << " was mailed under " << ids.size() << " Message-IDs";
    Article a;
    a.link = server_.url("/a/story-" + std::to_string(story));
    EXPECT_EQ(*ids.begin(), "<" + alerts::alert_id("hamas", a) + "@example.org>") << "story " << story;
  }
  std::lock_guard lock(mutex_);
  for (const auto& [story, ids] : json_ids_) EXPECT_EQ(ids.size(), 1u) << "json story " << story << " under " << ids.size() << " ids";
  std::cout << "channel crash test: seed " << seed_ << ", " << total_cycles << " kills; " << kStories
            << " stories; requests: json " << server_.count("/hook") << ", pagerduty " << server_.count("/v2/enqueue")
            << ", opsgenie " << server_.count("/v2/alerts") << ", pushover " << server_.count("/1/messages.json")
            << ", gotify " << server_.count("/message") << ", matrix " << matrix_requests() << "; e-mails " << smtp_.messages().size() << ", Telegram messages "
            << telegram_.messages().size() << ", Mattermost posts " << mattermost_.posts().size() << "\n";
}
