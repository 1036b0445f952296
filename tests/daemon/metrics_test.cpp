// Metrics: counters, histogram buckets and label escaping in the exposition text.
#include "daemon/metrics.hpp"

#include <gtest/gtest.h>

using newsalert::daemon::Metrics;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.feed_polled("http://a/", "updated", 0.03, std::nullopt);
  metrics.feed_polled("http://a/", "not_modified", 0.3, std::nullopt);
  metrics.feed_polled("http://a/", "failed", 100, std::nullopt);
  const std::string text = metrics.render(0);
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_poll_duration_seconds_bucket{le="0.05"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_poll_duration_seconds_bucket{le="0.25"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_poll_duration_seconds_bucket{le="0.5"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_poll_duration_seconds_bucket{le="60"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_poll_duration_seconds_bucket{le="+Inf"} 3)")) << text;
  EXPECT_TRUE(has_line(text, "newsalert_feed_poll_duration_seconds_count 3")) << text;
  EXPECT_TRUE(has_line(text, "newsalert_feed_poll_duration_seconds_sum 100.33")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_polls_total{result="failed"} 1)")) << text;
  EXPECT_EQ(metrics.polls_total(), 3u);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.alert_raised("a\"b\\c\nd");
  EXPECT_TRUE(has_line(metrics.render(0), R"(newsalert_alerts_total{watchlist="a\"b\\c\nd"} 1)"));
}

TEST(Metrics, DeclaredLabelsStartAtZeroAndForgottenFeedsDisappear) {
  Metrics metrics;
  metrics.declare({"w"}, {"ops"});
  metrics.feed_known("http://a/", std::nullopt);
  metrics.delivery_outcome("ops", "retry");
  metrics.articles_new(4);
  std::string text = metrics.render(7);
  EXPECT_TRUE(has_line(text, R"(newsalert_alerts_total{watchlist="w"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_deliveries_total{webhook="ops",result="delivered"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_deliveries_total{webhook="ops",result="retry"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_last_success_timestamp_seconds{feed="http://a/"} 0)")) << text;
  EXPECT_TRUE(has_line(text, "newsalert_articles_new_total 4")) << text;
  EXPECT_TRUE(has_line(text, "newsalert_outbox_pending 7")) << text;

  metrics.feed_polled("http://a/", "updated", 0.1, newsalert::from_unix_millis(1'700'000'000'500));
  EXPECT_TRUE(has_line(metrics.render(0), R"(newsalert_feed_last_success_timestamp_seconds{feed="http://a/"} 1700000000.5)"));
  metrics.forget_feed("http://a/");
  metrics.feed_polled("http://a/", "updated", 0.1, newsalert::from_unix_millis(1'700'000'000'500));
  EXPECT_EQ(metrics.render(0).find("feed=\"http://a/\""), std::string::npos);
}

TEST(Metrics, FeedLabelsHideSecretsAndStayDistinct) {
  Metrics metrics;
  metrics.feed_known("https://a.example/rss?apikey=k-one&x=1", std::nullopt);
  metrics.feed_known("https://a.example/rss?apikey=k-two&x=1", newsalert::from_unix_millis(1'700'000'000'000));
  metrics.feed_known("https://a.example/rss?q=open", std::nullopt);
  const std::string text = metrics.render(0);
  EXPECT_EQ(text.find("k-one"), std::string::npos) << text;
  EXPECT_EQ(text.find("k-two"), std::string::npos) << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_last_success_timestamp_seconds{feed="https://a.example/rss?apikey=REDACTED&x=1"} 0)"))
      << text;
  EXPECT_TRUE(has_line(
      text, R"x(newsalert_feed_last_success_timestamp_seconds{feed="https://a.example/rss?apikey=REDACTED&x=1 (2)"} 1700000000)x"))
      << text;
  EXPECT_TRUE(has_line(text, R"(newsalert_feed_last_success_timestamp_seconds{feed="https://a.example/rss?q=open"} 0)")) << text;
}
