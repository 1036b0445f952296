#include "alerts/payload.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

namespace {

Article article(std::string link, std::string feed = "http://a.example/rss", std::string id = "1") {
  Article a;
  a.feed_url = std::move(feed);
  a.feed_title = "A";
  a.id = std::move(id);
  a.title = "Title";
  a.link = std::move(link);
  a.published = TimePoint(std::chrono::seconds(1722513600));
  return a;
}

}  // namespace

TEST(AlertId, SameStoryInTwoFeedsHasOneId) {
  const auto a = article("https://News.Example/story?id=7&utm_source=rss#top", "http://a.example/rss", "x");
  const auto b = article("https://news.example/story?utm_medium=feed&id=7", "http://b.example/atom", "y");
  EXPECT_EQ(alerts::alert_id("w", a), alerts::alert_id("w", b));
}

TEST(AlertId, DiffersPerWatchlistAndPerStory) {
  const auto a = article("https://news.example/story-1");
  EXPECT_NE(alerts::alert_id("w1", a), alerts::alert_id("w2", a));
  EXPECT_NE(alerts::alert_id("w1", a), alerts::alert_id("w1", article("https://news.example/story-2")));
  EXPECT_EQ(alerts::alert_id("w1", a).rfind("na_", 0), 0u);
}

TEST(AlertId, EntriesWithoutLinkUseFeedAndId) {
  EXPECT_NE(alerts::alert_id("w", article("", "http://a.example/rss", "1")),
            alerts::alert_id("w", article("", "http://a.example/rss", "2")));
}

TEST(AlertPayload, HasEveryContractField) {
  match::Match m;
  m.watchlist = "iran-israel";
  m.actors = {{"Ali Khamenei", {"Khamenei's"}}};
  m.regions = {{"Iran", {"Tehran"}}};
  m.score = 3;
  m.snippets = {"... Khamenei's order ..."};
  const auto a = article("https://news.example/s");
  const auto body = alerts::alert_payload(m, a, "na_1", TimePoint(std::chrono::seconds(1722513700)));
  EXPECT_EQ(body["id"], "na_1");
  EXPECT_EQ(body["watchlist"], "iran-israel");
  EXPECT_EQ(body["article"]["id"], "1");
  EXPECT_EQ(body["article"]["title"], "Title");
  EXPECT_EQ(body["article"]["link"], "https://news.example/s");
  EXPECT_EQ(body["article"]["published"], "2024-08-01T12:00:00Z");
  EXPECT_EQ(body["article"]["feed"]["url"], "http://a.example/rss");
  EXPECT_EQ(body["actors"][0]["name"], "Ali Khamenei");
  EXPECT_EQ(body["actors"][0]["matched"][0], "Khamenei's");
  EXPECT_EQ(body["regions"][0]["matched"][0], "Tehran");
  EXPECT_EQ(body["score"], 3);
  EXPECT_EQ(body["snippets"].size(), 1u);
  EXPECT_EQ(body["detected_at"], "2024-08-01T12:01:40Z");
}

TEST(AlertPayload, UnknownPublicationDateIsNull) {
  auto a = article("https://news.example/s");
  a.published.reset();
  EXPECT_TRUE(alerts::match_json(match::Match{}, a)["article"]["published"].is_null());
}
