// StatusReport: JSON round trip and the table `newsalertd status` prints.
#include "daemon/status_report.hpp"

#include "common/version.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace newsalert;
using daemon::FeedStatus;
using daemon::StatusReport;

namespace {

StatusReport sample(TimePoint now) {
  using namespace std::chrono_literals;
  StatusReport report;
  report.version = kVersion;
  report.config_file = "/etc/newsalert/newsalert.yaml";
  report.started = now - 2h - 3min;
  report.config_loaded = now - 10min;
  report.ready = true;
  report.watchlists = 2;
  report.webhooks = 1;
  report.outbox_pending = 4;
  report.alerts_total = 12;
  report.polls_total = 300;
  FeedStatus ok{"https://a.example/rss", "A", "not_modified", now - 12s, now - 12s, now + 288s, 0, "", ""};
  FeedStatus bad{"https://b.example/rss", "", "failed", now - 1min, std::nullopt, now + 9min, 3, "HTTP 503", ""};
  report.feeds = {ok, bad};
  return report;
}

}  // namespace

TEST(StatusReport, JsonRoundTrips) {
  const TimePoint now = Clock::from_time_t(1'722'434'400);
  const StatusReport report = sample(now);
  const auto json = report.to_json();
  EXPECT_EQ(json["feeds"][1]["last_success"], nullptr);
  EXPECT_EQ(json["feeds"][0]["next_poll"], "2024-07-31T14:04:48Z");
  const StatusReport back = StatusReport::from_json(json);
  EXPECT_EQ(back.to_json(), json);
}

TEST(StatusReport, TableShowsEveryFeedWithRelativeTimes) {
  const TimePoint now = Clock::from_time_t(1'722'434'400);
  const std::string table = sample(now).table(now);
  EXPECT_NE(table.find("newsalertd " + std::string(kVersion) + ", up 2h3m, ready\n"), std::string::npos) << table;
  EXPECT_NE(table.find("2 feeds (1 failing), 2 watchlists, 1 webhooks; 300 polls and 12 alerts since start, 4 alerts pending"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("A https://a.example/rss  12s ago     not_modified  in 4m48s         0\n"), std::string::npos) << table;
  EXPECT_NE(table.find("1m ago      failed        in 9m            3  HTTP 503\n"), std::string::npos) << table;
}

TEST(StatusReport, MalformedJsonNamesTheField) {
  auto json = sample(Clock::now()).to_json();
  json["feeds"][0].erase("error_streak");
  try {
    StatusReport::from_json(json);
    FAIL() << "accepted a feed without error_streak";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "missing field 'error_streak'");
  }
  json = sample(Clock::now()).to_json();
  json["started"] = "yesterday";
  EXPECT_THROW(StatusReport::from_json(json), std::runtime_error);
}

TEST(StatusReport, TableEscapesWhatServersSaid) {
  const TimePoint now = Clock::from_time_t(1'722'434'400);
  StatusReport report = sample(now);
  report.feeds[1].last_error = "HTTP 503: \x1b]0;owned\x07\nb.example OK";
  report.loops.push_back({"poll", "https://c.example/\x1b[2J", 1, true, "boom\r\n", now});
  const std::string table = report.table(now);
  EXPECT_NE(table.find("  HTTP 503: \\x1b]0;owned\\x07\\nb.example OK\n"), std::string::npos) << table;
  EXPECT_NE(table.find("poll loop https://c.example/\\x1b[2J: 1 restart(s), failing; last error now: boom\\r\\n\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
}
