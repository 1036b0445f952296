// Pipeline on a real SQLite file: what one batch of a feed's entries commits, and that it commits all of it or nothing.
#include "pipeline/pipeline.hpp"

#include "alerts/payload.hpp"
#include "store/database.hpp"
#include "tests/store/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>

using namespace newsalert;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow = TimePoint(1722513600s);   // 2024-08-01 12:00 UTC

const char* const kCeasefireLead =
    "Hamas negotiators arrived in Cairo on Thursday for a new round of talks on a ceasefire and the release "
    "of hostages, mediators said, after weeks of stalled contacts and sharp disagreements over the sequence "
    "of a withdrawal and the return of displaced families to the north.";
const char* const kPrisonerLead =
    "Hamas published the names of prisoners it wants freed in any exchange, a list that officials in several "
    "capitals described as a maximalist opening position rather than a final offer, while families of the "
    "detained held vigils outside government buildings late into the night.";
const char* const kTunnelLead =
    "Engineers surveyed a network of tunnels that Hamas built beneath the border crossing, and the army said "
    "demolition would take months because of flooding, collapsed shafts and the risk to nearby water pipes "
    "that supply the southern towns.";

Article article(const std::string& feed, const std::string& id, const std::string& link, const std::string& title,
                const std::string& summary, std::optional<TimePoint> published = std::nullopt) {
  Article a;
  a.feed_url = feed;
  a.feed_title = feed;
  a.id = id;
  a.link = link;
  a.title = title;
  a.summary = summary;
  a.published = published;
  return a;
}

config::WatchlistConfig watchlist(const std::string& name) {
  config::WatchlistConfig w;
  w.name = name;
  w.actors = {{"Hamas", {}}};
  w.require = config::Require::actor;
  return w;
}

class PipelineTest : public ::testing::Test {
 protected:
  // Every watchlist notifies two webhooks, so "one alert" shows as one outbox row on each.
  void make_pipeline(std::vector<config::WatchlistConfig> lists, Millis max_age = Millis(0)) {
    pipeline::Rules rules;
    rules.watchlists = lists;
    rules.max_age = max_age;
    for (const auto& w : lists) rules.webhooks_of[w.name] = {"ops", "chat"};
    pipeline_ = std::make_unique<pipeline::Pipeline>(store_, std::move(rules),
                                                     std::make_shared<const match::Matcher>(lists));
  }

  pipeline::Outcome process(const std::string& feed, std::vector<Article> articles, store::FeedState state = {},
                            TimePoint now = kNow) {
    return pipeline_->process_now({feed, std::move(articles), std::move(state), now});
  }
  // The daemon's way in: the coroutine, run to its end on an event loop of its own.
  pipeline::Outcome process_async(const std::string& feed, std::vector<Article> articles, store::FeedState state,
                                  TimePoint now) {
    boost::asio::io_context io;
    std::optional<pipeline::Outcome> outcome;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, pipeline_->process({feed, std::move(articles), std::move(state), now}, nullptr),
                          [&](std::exception_ptr e, pipeline::Outcome o) {
                            failure = e;
                            if (!e) outcome = std::move(o);
                          });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return *outcome;
  }

  store::test::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "newsalert.db";
  store::StateStore store_{file_};
  std::unique_ptr<pipeline::Pipeline> pipeline_;
};

}  // namespace

TEST_F(PipelineTest, SyndicatedCopiesRaiseOneAlert) {
  make_pipeline({watchlist("w")});
  const auto original = article("http://a/rss", "a-1", "https://news.example/ceasefire",
                                "Hamas team in Cairo for ceasefire talks", kCeasefireLead);
  const auto outcome = process("http://a/rss", {original});
  ASSERT_EQ(outcome.raised, std::vector<std::string>{"w"});
  const std::string id = alerts::alert_id("w", original);
  EXPECT_EQ(outcome.alert_ids, std::vector<std::string>{id});

  // The same link in another feed, and the same text with a byline under another link.
  auto same_link = original;
  same_link.feed_url = "http://b/rss";
  same_link.id = "b-7";
  auto same_text = article("http://b/rss", "b-8", "https://mirror.example/2024/08/01/cairo-talks",
                           "Hamas team in Cairo for ceasefire talks (AFP)", kCeasefireLead);
  const auto copies = process("http://b/rss", {same_link, same_text}, {}, kNow + 1h);
  EXPECT_EQ(copies.new_entries, 2u);
  EXPECT_EQ(copies.matches, 2u);
  EXPECT_TRUE(copies.raised.empty());
  EXPECT_EQ(copies.queued, 0u);

  EXPECT_EQ(store_.outbox().pending_count("ops"), 1u);
  EXPECT_EQ(store_.outbox().pending_count("chat"), 1u);
  EXPECT_EQ(store_.stories().story_copies(id).size(), 2u);
  EXPECT_FALSE(store_.stories().story(alerts::alert_id("w", same_text)));
}

TEST_F(PipelineTest, EntriesOlderThanMaxAgeAreRecordedNotAlerted) {
  make_pipeline({watchlist("w")}, 48h);
  const auto old = article("http://a/rss", "old", "https://news.example/prisoners", "Hamas names prisoners",
                           kPrisonerLead, kNow - 24h * 10);
  const auto young = article("http://a/rss", "young", "https://news.example/ceasefire", "Hamas in Cairo",
                             kCeasefireLead, kNow - 1h);
  const auto first = process("http://a/rss", {old, young});
  EXPECT_EQ(first.new_entries, 2u);
  EXPECT_EQ(first.alert_ids, std::vector<std::string>{alerts::alert_id("w", young)});
  EXPECT_FALSE(store_.stories().story(alerts::alert_id("w", old)));
  EXPECT_TRUE(store_.articles().unseen("http://a/rss", {"old", "young"}).empty());

  const auto again = process("http://a/rss", {old, young}, {}, kNow + 5min);
  EXPECT_EQ(again.new_entries, 0u);
  EXPECT_EQ(again.matches, 0u);
  EXPECT_TRUE(again.raised.empty());
  EXPECT_EQ(store_.outbox().pending_count("ops"), 1u);
}

TEST_F(PipelineTest, AThrottledWatchlistHoldsTheSecondStory) {
  auto w = watchlist("w");
  w.throttle.max = 1;
  w.throttle.per = 1h;
  make_pipeline({w});
  const auto first = article("http://a/rss", "1", "https://news.example/ceasefire", "Hamas in Cairo", kCeasefireLead);
  const auto second = article("http://a/rss", "2", "https://news.example/tunnels", "Hamas tunnels", kTunnelLead);
  const auto outcome = process("http://a/rss", {first, second});
  EXPECT_EQ(outcome.matches, 2u);
  EXPECT_EQ(outcome.alert_ids, std::vector<std::string>{alerts::alert_id("w", first)});
  EXPECT_EQ(store_.outbox().pending_count("ops"), 1u);
  const auto held = store_.stories().held_stories("w");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].alert_id, alerts::alert_id("w", second));
}

TEST_F(PipelineTest, ExcludedTermsRaiseNothing) {
  auto w = watchlist("w");
  w.exclude = {"football"};
  make_pipeline({w});
  const auto sport = article("http://a/rss", "1", "https://news.example/cup", "Hamas official attends football final",
                             "Fans filled the stadium as a Hamas official watched the football final in Doha.");
  const auto news = article("http://a/rss", "2", "https://news.example/ceasefire", "Hamas in Cairo", kCeasefireLead);
  const auto outcome = process("http://a/rss", {sport, news});
  EXPECT_EQ(outcome.new_entries, 2u);
  EXPECT_EQ(outcome.alert_ids, std::vector<std::string>{alerts::alert_id("w", news)});
  EXPECT_FALSE(store_.stories().story(alerts::alert_id("w", sport)));
  EXPECT_EQ(store_.outbox().pending_count("ops"), 1u);
}

TEST_F(PipelineTest, ABatchWhoseCommitFailsLeavesNothingBehind) {
  make_pipeline({watchlist("w")});
  store::FeedState before;
  before.etag = "\"v1\"";
  before.last_success = kNow - 1h;
  store_.feeds().save_feed_state("http://a/rss", before);
  store::FeedState after = before;
  after.etag = "\"v2\"";
  after.last_poll = kNow;
  after.last_success = kNow;
  const auto a = article("http://a/rss", "1", "https://news.example/ceasefire", "Hamas in Cairo", kCeasefireLead);
  const std::string id = alerts::alert_id("w", a);

  // A real SQLite error at the outbox, the last thing a batch writes before its feed state.
  store::Database other(file_);
  other.exec("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;");
  try {
    process("http://a/rss", {a}, after);
    FAIL() << "the outbox refused the batch's alert, yet the batch went through";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("outbox refused"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(store_.stories().story(id));
  EXPECT_EQ(store_.articles().unseen("http://a/rss", {"1"}), std::vector<std::string>{"1"});
  EXPECT_EQ(store_.feeds().feed_state("http://a/rss").etag, "\"v1\"");
  EXPECT_EQ(store_.outbox().pending_count(), 0u);

  other.exec("DROP TRIGGER fail_outbox;");
  const auto outcome = process("http://a/rss", {a}, after);
  EXPECT_EQ(outcome.alert_ids, std::vector<std::string>{id});
  EXPECT_EQ(store_.outbox().pending_count("ops"), 1u);
  EXPECT_EQ(store_.outbox().pending_count("chat"), 1u);
  ASSERT_TRUE(store_.stories().story(id));
  EXPECT_EQ(store_.stories().story(id)->state, store::StoryState::alerted);
  EXPECT_EQ(store_.feeds().feed_state("http://a/rss").etag, "\"v2\"");
}

TEST_F(PipelineTest, TheFeedStateOfABatchIsStoredWithIt) {
  make_pipeline({watchlist("w")});
  store::FeedState state;
  state.etag = "\"abc\"";
  state.last_modified = "Thu, 01 Aug 2024 11:00:00 GMT";
  state.last_poll = kNow;
  state.last_success = kNow;
  state.ttl = 15min;
  const auto outcome = process("http://a/rss", {article("http://a/rss", "1", "https://news.example/weather",
                                                        "Rain expected", "Showers over the coast this evening.")},
                               state);
  EXPECT_EQ(outcome.new_entries, 1u);
  EXPECT_EQ(outcome.matches, 0u);
  const auto stored = store_.feeds().feed_state("http://a/rss");
  EXPECT_EQ(stored.etag, "\"abc\"");
  EXPECT_EQ(stored.last_modified, "Thu, 01 Aug 2024 11:00:00 GMT");
  EXPECT_EQ(stored.last_success, kNow);
  EXPECT_EQ(stored.ttl, Millis(15min));
}

// Most polls that fetch a feed find only entries seen before. process() then writes nothing, not even
// the new validators: the daemon writes those with other polls' states, a transaction a second.
TEST_F(PipelineTest, ABatchWithNothingNewWritesNothingAndLeavesItsFeedStateToTheCaller) {
  make_pipeline({watchlist("w")});
  const auto first = article("http://a/rss", "1", "https://news.example/ceasefire", "Hamas in Cairo", kCeasefireLead);
  store::FeedState v1;
  v1.etag = "\"v1\"";
  ASSERT_TRUE(process_async("http://a/rss", {first}, v1, kNow).recorded);
  ASSERT_EQ(store_.outbox().pending_count("ops"), 1u);

  store::FeedState v2;
  v2.etag = "\"v2\"";
  store::Database reader(file_);
  const auto version_before = reader.query_int64("PRAGMA data_version");
  const auto again = process_async("http://a/rss", {first}, v2, kNow + 1min);
  EXPECT_FALSE(again.recorded);
  EXPECT_EQ(again.entries, 1u);
  EXPECT_EQ(again.new_entries, 0u);
  EXPECT_TRUE(again.alert_ids.empty());
  EXPECT_EQ(reader.query_int64("PRAGMA data_version"), version_before) << "the batch wrote to the state database";
  EXPECT_EQ(store_.feeds().feed_state("http://a/rss").etag, "\"v1\"");

  // A new entry beside it: the batch is written, with its feed state.
  const auto second = article("http://a/rss", "2", "https://news.example/prisoners", "Hamas names prisoners", kPrisonerLead);
  store::FeedState v3;
  v3.etag = "\"v3\"";
  const auto next = process_async("http://a/rss", {first, second}, v3, kNow + 2min);
  EXPECT_TRUE(next.recorded);
  EXPECT_EQ(next.new_entries, 1u);
  EXPECT_EQ(store_.feeds().feed_state("http://a/rss").etag, "\"v3\"");
  EXPECT_EQ(store_.outbox().pending_count("ops"), 2u);
}
