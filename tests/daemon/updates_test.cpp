// Updated entries end to end: a loopback feed that rewrites its dates and tracking parameters on
// every fetch raises nothing; once an entry's text gains a watched actor, the watchlist with
// on_update sends one update alert, valid against the payload schema, and the other none.
#include "service_fixture.hpp"
#include "tests/support/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* const kLead =
    "Hamas negotiators arrived in Doha on Thursday for a new round of talks on a ceasefire, mediators said, "
    "after weeks of stalled contacts.";
const char* const kLeadWithIrgc =
    "Hamas negotiators arrived in Doha on Thursday for a new round of talks on a ceasefire, mediators said, "
    "after weeks of stalled contacts. A commander of the Revolutionary Guards (IRGC) joined them later.";

// The feed as a publisher's CMS serves it: build dates and links with tracking parameters that
// change on every fetch, and markup and spacing that differ.
std::string desk_rss(int fetch, bool with_irgc) {
  const std::string n = std::to_string(fetch);
  const std::string second = std::to_string(10 + fetch % 50);
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Desk</title><link>http://desk.example/</link><language>en</language>
  <lastBuildDate>Thu, 01 Aug 2024 12:00:)" + second + R"( GMT</lastBuildDate>
  <item>
    <title>Hamas team in Doha for ceasefire talks</title>
    <link>http://desk.example/talks?utm_source=rss&amp;utm_campaign=c)" + n + R"(&amp;fbclid=x)" + n + R"(</link>
    <guid isPermaLink="false">desk-1</guid>
    <pubDate>Thu, 01 Aug 2024 12:)" + second + R"(:00 GMT</pubDate>
    <description><![CDATA[)" + (fetch % 2 == 0 ? "<p>" : "<div>  ") + (with_irgc ? kLeadWithIrgc : kLead) +
         (fetch % 2 == 0 ? "</p>" : "</div>\n") + R"(]]></description>
  </item>
</channel></rss>)";
}

class Updates : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    server_.route("/desk.rss", [this](const RecordedRequest&) {
      Response r;
      r.headers["Content-Type"] = "application/rss+xml";
      r.body = desk_rss(fetches_.fetch_add(1), with_irgc_.load());
      return r;
    });
  }

  std::vector<json> alerts() const {
    std::vector<json> out;
    for (const auto& request : server_.requests("/hook")) out.push_back(json::parse(request.body));
    return out;
  }

  std::atomic<int> fetches_{0};
  std::atomic<bool> with_irgc_{false};
};

}  // namespace

TEST_F(Updates, ChurnRaisesNothingAndAGainedActorOneUpdateAlertForOnUpdateOnly) {
  ServiceConfig c;
  c.feeds = {"/desk.rss"};
  c.watchlists = R"(  - name: with-updates
    on_update: true
    actors: [Hamas, {name: IRGC, aliases: [Revolutionary Guards]}]
    require: actor
  - name: without-updates
    actors: [Hamas, {name: IRGC, aliases: [Revolutionary Guards]}]
    require: actor
)";
  write_config(c);
  // The entry's dates are old (and rewritten): an adaptive schedule would back off toward max_interval.
  std::string text = read_file(config_file());
  text.replace(text.find("poll:\n"), 6, "poll:\n  adaptive: false\n");
  write_file(config_file(), text);
  DaemonProcess daemon({"run", "--config", config_file(), "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s)) << daemon.err();
  // Several more fetches, each with other dates and tracking parameters: no alert.
  ASSERT_TRUE(server_.wait_for("/desk.rss", server_.count("/desk.rss") + 4, 20s)) << daemon.err();
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(alerts().size(), 2u) << daemon.err();

  with_irgc_ = true;
  ASSERT_TRUE(server_.wait_for("/hook", 3, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/desk.rss", server_.count("/desk.rss") + 3, 20s)) << daemon.err();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();

  const auto sent = alerts();
  ASSERT_EQ(sent.size(), 3u) << daemon.err();
  const JsonSchema schema = JsonSchema::load(std::string(NEWSALERT_SOURCE_DIR) + "/docs/webhook-payload.schema.json");
  for (const auto& body : sent) EXPECT_EQ(schema.validate(body), std::vector<std::string>{}) << body.dump();
  std::set<std::string> first_watchlists{sent[0]["watchlist"], sent[1]["watchlist"]};
  EXPECT_EQ(first_watchlists, (std::set<std::string>{"with-updates", "without-updates"}));
  const json& update = sent[2];
  EXPECT_EQ(update["watchlist"], "with-updates");
  EXPECT_EQ(update["update"], true);
  EXPECT_EQ(update["changes"]["added_actors"], json::array({"IRGC"}));
  EXPECT_EQ(update["changes"]["newly_matched"], false);
  EXPECT_EQ(update["changes"]["previous_title"], nullptr);
  for (int i = 0; i < 2; ++i) EXPECT_NE(update["id"], sent[i]["id"]);

  // A restart reads the same feed again: nothing new.
  DaemonProcess again({"run", "--config", config_file(), "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/desk.rss", server_.count("/desk.rss") + 2, 20s)) << again.err();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(again.stop(), 0) << again.err();
  EXPECT_EQ(alerts().size(), 3u);
}
