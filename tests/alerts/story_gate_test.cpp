// Story dedupe, throttle, digests and quiet hours on a real SQLite store, with a controlled clock.
#include "alerts/story_gate.hpp"

#include "alerts/payload.hpp"
#include "tests/store/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace newsalert;
using namespace newsalert::alerts;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const TimePoint kT0 = TimePoint(1722513600s);

const char* const kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
                              "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
                              "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu"};

// A story text of its own: 50 words picked by `seed`, so different seeds are far apart in SimHash.
std::string lead(int seed) {
  std::string out;
  for (int i = 0; i < 50; ++i) out += std::string(kWords[(seed * 7 + i * (seed + 3)) % 26]) + std::to_string(seed * 31 + i) + " ";
  return out;
}

Article article(const std::string& feed, const std::string& id, const std::string& link, int story) {
  Article a;
  a.feed_url = feed;
  a.feed_title = feed;
  a.id = id;
  a.link = link;
  a.title = "Story " + std::to_string(story) + " headline";
  a.summary = lead(story);
  return a;
}

match::Match matched(const std::string& watchlist) {
  match::Match m;
  m.watchlist = watchlist;
  m.actors = {{"Hamas", {"Hamas"}}};
  m.score = 1;
  return m;
}

config::WatchlistConfig watchlist(const std::string& name) {
  config::WatchlistConfig w;
  w.name = name;
  w.actors = {{"Hamas", {}}};
  return w;
}

class StoryGateTest : public ::testing::Test {
 protected:
  void make_gate(std::vector<config::WatchlistConfig> lists) {
    watchlists_ = std::move(lists);
    std::map<std::string, std::vector<std::string>> targets;
    for (const auto& w : watchlists_) targets[w.name] = {"ops", "chat"};
    gate_ = std::make_unique<StoryGate>(store_, watchlists_, targets, [this] { ++queued_; });
  }

  store::test::TempDir dir_;
  store::StateStore store_{dir_.path() / "newsalert.db"};
  std::vector<config::WatchlistConfig> watchlists_;
  std::unique_ptr<StoryGate> gate_;
  int queued_ = 0;
};

}  // namespace

TEST(QuietHours, WrapPastMidnight) {
  EXPECT_TRUE(in_quiet_hours({22 * 60, 7 * 60}, 23 * 60));
  EXPECT_TRUE(in_quiet_hours({22 * 60, 7 * 60}, 0));
  EXPECT_FALSE(in_quiet_hours({22 * 60, 7 * 60}, 7 * 60));
  EXPECT_FALSE(in_quiet_hours({22 * 60, 7 * 60}, 12 * 60));
  EXPECT_TRUE(in_quiet_hours({12 * 60, 13 * 60}, 12 * 60 + 30));
  EXPECT_FALSE(in_quiet_hours({12 * 60, 13 * 60}, 13 * 60));
}

TEST_F(StoryGateTest, ANewStoryRaisesOneEntryPerWebhookWithTheAlertId) {
  make_gate({watchlist("w")});
  const auto a = article("http://a/rss", "1", "https://a.example/1", 1);
  const auto entries = gate_->admit(matched("w"), a, kT0);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].alert_id, alert_id("w", a));
  EXPECT_EQ(entries[0].webhook, "ops");
  EXPECT_EQ(entries[1].webhook, "chat");
  EXPECT_EQ(json::parse(entries[0].payload)["id"], alert_id("w", a));
}

TEST_F(StoryGateTest, ANearDuplicateInAnotherFeedIsRecordedNotAlerted) {
  make_gate({watchlist("w")});
  const auto a = article("http://a/rss", "1", "https://a.example/1", 1);
  auto b = article("http://b/rss", "9", "https://b.example/other-url", 1);
  b.title += " (AFP)";   // a syndicated copy with a small edit
  ASSERT_EQ(gate_->admit(matched("w"), a, kT0).size(), 2u);
  EXPECT_TRUE(gate_->admit(matched("w"), b, kT0 + 1h).empty());
  const auto copies = store_.stories().story_copies(alert_id("w", a));
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].feed_url, "http://b/rss");
  EXPECT_EQ(store_.stories().story(alert_id("w", a))->copies, 1);
}

TEST_F(StoryGateTest, TheSameLinkInAnotherFeedIsACopyEvenWithOtherText) {
  make_gate({watchlist("w")});
  ASSERT_FALSE(gate_->admit(matched("w"), article("http://a/rss", "1", "https://x.example/s", 1), kT0).empty());
  EXPECT_TRUE(gate_->admit(matched("w"), article("http://b/rss", "2", "https://x.example/s", 2), kT0).empty());
}

TEST_F(StoryGateTest, AReplayedEntryGetsTheSameEntriesAgain) {
  // After a crash between the story record and the poll's commit, the entry is read again: its
  // alert must still be committed, under the same id.
  make_gate({watchlist("w")});
  const auto a = article("http://a/rss", "1", "https://a.example/1", 1);
  const auto first = gate_->admit(matched("w"), a, kT0);
  const auto again = gate_->admit(matched("w"), a, kT0 + 1s);
  ASSERT_EQ(first.size(), again.size());
  EXPECT_EQ(first[0].alert_id, again[0].alert_id);
  EXPECT_EQ(first[0].payload, again[0].payload);
  EXPECT_EQ(store_.stories().story(first[0].alert_id)->copies, 0);
}

TEST_F(StoryGateTest, OutsideTheWindowOrOverTheDistanceIsANewStory) {
  auto w = watchlist("w");
  w.stories.window = 48h;
  make_gate({w});
  ASSERT_FALSE(gate_->admit(matched("w"), article("http://a/rss", "1", "https://a.example/1", 1), kT0).empty());
  EXPECT_FALSE(gate_->admit(matched("w"), article("http://b/rss", "2", "https://b.example/2", 1), kT0 + 49h).empty());
  EXPECT_FALSE(gate_->admit(matched("w"), article("http://b/rss", "3", "https://b.example/3", 2), kT0 + 1h).empty());
}

TEST_F(StoryGateTest, EachWatchlistAlertsOncePerStory) {
  make_gate({watchlist("w1"), watchlist("w2")});
  const auto a = article("http://a/rss", "1", "https://a.example/1", 1);
  const auto b = article("http://b/rss", "2", "https://b.example/2", 1);
  EXPECT_FALSE(gate_->admit(matched("w1"), a, kT0).empty());
  EXPECT_FALSE(gate_->admit(matched("w2"), a, kT0).empty());
  EXPECT_TRUE(gate_->admit(matched("w1"), b, kT0).empty());
  EXPECT_TRUE(gate_->admit(matched("w2"), b, kT0).empty());
}

TEST_F(StoryGateTest, AFollowUpIsQueuedOnceWhenEnoughCopiesArrive) {
  auto w = watchlist("w");
  w.stories.follow_up = 2;
  make_gate({w});
  const auto a = article("http://a/rss", "1", "https://a.example/1", 1);
  ASSERT_EQ(store_.outbox().enqueue(gate_->admit(matched("w"), a, kT0), kT0), 2u);
  gate_->admit(matched("w"), article("http://b/rss", "2", "https://b.example/2", 1), kT0 + 1min);
  EXPECT_EQ(store_.outbox().pending_count(), 2u);
  EXPECT_EQ(queued_, 0);
  gate_->admit(matched("w"), article("http://c/rss", "3", "https://c.example/3", 1), kT0 + 2min);
  EXPECT_EQ(queued_, 1);
  ASSERT_EQ(store_.outbox().pending_count(), 4u);
  const auto due = store_.outbox().due("ops", kT0 + 1h, 10);
  ASSERT_EQ(due.size(), 2u);
  const auto follow_up = json::parse(due[1].payload);
  EXPECT_EQ(follow_up["type"], "follow_up");
  EXPECT_EQ(follow_up["id"], follow_up_id(alert_id("w", a)));
  EXPECT_EQ(follow_up["copies"].size(), 2u);
  gate_->admit(matched("w"), article("http://d/rss", "4", "https://d.example/4", 1), kT0 + 3min);
  EXPECT_EQ(store_.outbox().pending_count(), 4u);
}

TEST_F(StoryGateTest, ThrottleHoldsAlertsBeyondTheLimitAndSendsOneDigestAfterThePeriod) {
  auto w = watchlist("w");
  w.throttle.max = 2;
  w.throttle.per = 1h;
  make_gate({w});
  std::vector<std::string> held_ids;
  for (int i = 0; i < 5; ++i) {
    const auto a = article("http://a/rss", std::to_string(i), "https://a.example/" + std::to_string(i), i + 1);
    const auto entries = gate_->admit(matched("w"), a, kT0 + std::chrono::minutes(i));
    if (i < 2) EXPECT_EQ(entries.size(), 2u) << i;
    else {
      EXPECT_TRUE(entries.empty()) << i;
      held_ids.push_back(alert_id("w", a));
    }
  }
  EXPECT_EQ(gate_->flush(kT0 + 30min), 0u);
  EXPECT_EQ(gate_->flush(kT0 + 2min + 1h), 2u);   // one digest, to both webhooks
  EXPECT_EQ(queued_, 1);
  const auto due = store_.outbox().due("ops", kT0 + 2h, 10);
  ASSERT_EQ(due.size(), 1u);
  const auto digest = json::parse(due[0].payload);
  EXPECT_EQ(digest["type"], "digest");
  ASSERT_EQ(digest["alerts"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(digest["alerts"][i]["id"], held_ids[i]);
  EXPECT_EQ(gate_->flush(kT0 + 3h), 0u);   // nothing held any more
  // The next period starts fresh.
  EXPECT_EQ(gate_->admit(matched("w"), article("http://a/rss", "x", "https://a.example/x", 20), kT0 + 3h).size(), 2u);
}

TEST_F(StoryGateTest, QuietHoursHoldEverythingUntilTheyEnd) {
  auto w = watchlist("w");
  w.throttle.quiet_hours = std::pair{22 * 60, 7 * 60};
  make_gate({w});
  int minute = 23 * 60;
  gate_->minute_of_day = [&](TimePoint) { return minute; };
  EXPECT_TRUE(gate_->admit(matched("w"), article("http://a/rss", "1", "https://a.example/1", 1), kT0).empty());
  EXPECT_TRUE(gate_->admit(matched("w"), article("http://a/rss", "2", "https://a.example/2", 2), kT0).empty());
  minute = 3 * 60;
  EXPECT_EQ(gate_->flush(kT0 + 4h), 0u);
  minute = 7 * 60;
  EXPECT_EQ(gate_->flush(kT0 + 8h), 2u);
  EXPECT_EQ(json::parse(store_.outbox().due("chat", kT0 + 9h, 10).at(0).payload)["alerts"].size(), 2u);
  EXPECT_EQ(gate_->admit(matched("w"), article("http://a/rss", "3", "https://a.example/3", 3), kT0 + 8h).size(), 2u);
}
