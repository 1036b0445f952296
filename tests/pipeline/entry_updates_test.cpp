// Updated entries through the pipeline on a real SQLite file: churn raises nothing, a text that gains
// a watched actor raises one update alert for a watchlist with on_update, across a restart.
#include "pipeline/pipeline.hpp"

#include "alerts/payload.hpp"
#include "pipeline/entry_fingerprint.hpp"
#include "tests/store/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

using namespace newsalert;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow = TimePoint(1722513600s);   // 2024-08-01 12:00 UTC
const std::string kFeed = "http://desk/rss";

const char* const kLead =
    "Hamas negotiators arrived in Doha on Thursday for a new round of talks on a ceasefire, mediators said, "
    "after weeks of stalled contacts and sharp disagreements over the sequence of a withdrawal.";
const char* const kLeadWithIrgc =
    "Hamas negotiators arrived in Doha on Thursday for a new round of talks on a ceasefire, mediators said, "
    "after weeks of stalled contacts and sharp disagreements over the sequence of a withdrawal. A commander "
    "of the Revolutionary Guards (IRGC) joined them later in the day.";

Article entry(const std::string& title, const std::string& summary, const std::string& link, TimePoint published) {
  Article a;
  a.feed_url = kFeed;
  a.feed_title = "Desk";
  a.id = "desk-1";
  a.link = link;
  a.title = title;
  a.summary = summary;
  a.published = published;
  a.updated = published;
  return a;
}

config::WatchlistConfig watchlist(const std::string& name, bool on_update) {
  config::WatchlistConfig w;
  w.name = name;
  w.actors = {{"Hamas", {}}, {"IRGC", {"Revolutionary Guards"}}};
  w.require = config::Require::actor;
  w.on_update = on_update;
  return w;
}

class EntryUpdatesTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  // A new process: the store reopened from its file, a new pipeline.
  void open() {
    pipeline_.reset();
    store_.reset();
    store_ = std::make_unique<store::StateStore>(file_);
    const std::vector<config::WatchlistConfig> lists{watchlist("updates", true), watchlist("plain", false)};
    pipeline::Rules rules;
    rules.watchlists = lists;
    for (const auto& w : lists) rules.webhooks_of[w.name] = {"ops"};
    pipeline_ = std::make_unique<pipeline::Pipeline>(*store_, std::move(rules), std::make_shared<const match::Matcher>(lists));
  }

  pipeline::Outcome process(Article article, TimePoint now) {
    return pipeline_->process_now({kFeed, {std::move(article)}, {}, now, "en"});
  }

  std::vector<nlohmann::json> pending() const {
    std::vector<nlohmann::json> out;
    for (const auto& d : store_->outbox().due("ops", TimePoint::max(), 100)) out.push_back(nlohmann::json::parse(d.payload));
    return out;
  }

  store::test::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "newsalert.db";
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
};

}  // namespace

TEST(EntryFingerprint, IgnoresCaseWhitespaceMarkupDatesAndLinks) {
  const Article a = entry("Hamas in Doha", kLead, "https://desk.example/a", kNow);
  Article b = entry("HAMAS  in\n Doha", std::string("<p>") + kLead + "</p>  ", "https://desk.example/a?utm_source=x",
                    kNow + 1h);
  EXPECT_EQ(pipeline::entry_fingerprint(a), pipeline::entry_fingerprint(b));
  b.summary = kLeadWithIrgc;
  EXPECT_NE(pipeline::entry_fingerprint(a), pipeline::entry_fingerprint(b));
  // Digits in the text are text: a corrected death toll is a change.
  EXPECT_NE(pipeline::entry_fingerprint(entry("3 killed", kLead, "", kNow)),
            pipeline::entry_fingerprint(entry("5 killed", kLead, "", kNow)));
}

TEST_F(EntryUpdatesTest, ChurnRaisesNothingAndAGainedActorOneUpdateAlert) {
  const Article first = entry("Hamas team in Doha for talks", kLead, "https://desk.example/talks", kNow - 1h);
  const auto outcome = process(first, kNow);
  ASSERT_EQ(outcome.alert_ids.size(), 2u);   // one per watchlist
  const std::string original_id = alerts::alert_id("updates", first);

  // Every fetch rewrites the dates and the link's tracking parameters, and the markup and spacing.
  for (int i = 1; i <= 3; ++i) {
    const Article churn = entry("Hamas team in Doha  for talks", "<b>" + std::string(kLead) + "</b>\n",
                                "https://desk.example/talks?utm_source=rss&utm_medium=" + std::to_string(i),
                                kNow + std::chrono::hours(i));
    const auto again = process(churn, kNow + std::chrono::minutes(10 * i));
    EXPECT_EQ(again.changed_entries, 0u);
    EXPECT_TRUE(again.alert_ids.empty());
  }

  open();   // what the watchlists matched survives a restart

  const Article updated = entry("Hamas and IRGC team in Doha for talks", kLeadWithIrgc,
                                "https://desk.example/talks?utm_source=rss", kNow + 5h);
  const auto update = process(updated, kNow + 5h);
  EXPECT_EQ(update.changed_entries, 1u);
  const std::string update_id = alerts::update_alert_id("updates", updated, pipeline::entry_fingerprint(updated));
  EXPECT_EQ(update.alert_ids, std::vector<std::string>{update_id});
  EXPECT_EQ(update.update_ids, std::vector<std::string>{update_id});
  EXPECT_EQ(update.raised, std::vector<std::string>{"updates"});   // "plain" has no on_update
  EXPECT_NE(update_id, original_id);

  const auto payloads = pending();
  ASSERT_EQ(payloads.size(), 3u);
  const auto found = std::find_if(payloads.begin(), payloads.end(), [&](const auto& p) { return p["id"] == update_id; });
  ASSERT_NE(found, payloads.end());
  const auto& body = *found;
  EXPECT_EQ(body["update"], true);
  EXPECT_EQ(body["changes"]["newly_matched"], false);
  EXPECT_EQ(body["changes"]["added_actors"], nlohmann::json::array({"IRGC"}));
  EXPECT_EQ(body["changes"]["added_regions"], nlohmann::json::array());
  EXPECT_EQ(body["changes"]["previous_title"], "Hamas team in Doha for talks");
  EXPECT_EQ(body["article"]["lang"], "en");
  EXPECT_EQ(std::count_if(payloads.begin(), payloads.end(), [](const auto& p) { return p.contains("update"); }), 1);

  // The same text again, and a change that adds no watched term: nothing more.
  EXPECT_TRUE(process(updated, kNow + 6h).alert_ids.empty());
  Article reworded = updated;
  reworded.summary = std::string(kLeadWithIrgc) + " Talks are expected to resume on Sunday.";
  const auto reword = process(reworded, kNow + 7h);
  EXPECT_EQ(reword.changed_entries, 1u);
  EXPECT_TRUE(reword.alert_ids.empty());
  EXPECT_EQ(pending().size(), 3u);
}

TEST_F(EntryUpdatesTest, AnEntryThatComesToMatchAlertsAsNewlyMatched) {
  const Article first = entry("Ceasefire talks in Doha", "Mediators met in Doha on Thursday to discuss a ceasefire.",
                              "https://desk.example/doha", kNow - 1h);
  EXPECT_TRUE(process(first, kNow).alert_ids.empty());
  const Article updated = entry("Ceasefire talks in Doha", "Mediators met Hamas negotiators in Doha on Thursday.",
                                "https://desk.example/doha", kNow - 1h);
  const auto outcome = process(updated, kNow + 1h);
  ASSERT_EQ(outcome.update_ids.size(), 1u);
  // An entry seen before is not new to a watchlist without on_update, whatever it says now.
  EXPECT_EQ(outcome.raised, std::vector<std::string>{"updates"});
  const auto payloads = pending();
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0]["changes"]["newly_matched"], true);
  EXPECT_EQ(payloads[0]["changes"]["added_actors"], nlohmann::json::array({"Hamas"}));
  EXPECT_EQ(payloads[0]["changes"]["previous_title"], nullptr);
}
