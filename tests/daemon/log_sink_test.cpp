// The JSON and journald sinks: what one log call turns into.
#include "common/log_fields.hpp"
#include "daemon/journal_sink.hpp"
#include "daemon/json_log_sink.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace newsalert;
using daemon::JournalSink;
using daemon::JsonLogSink;

namespace {
spdlog::details::log_msg message(spdlog::level::level_enum level, std::string_view text) {
  return spdlog::details::log_msg(spdlog::source_loc{}, "newsalertd", level, text);
}
}  // namespace

TEST(JsonLogSink, OneObjectPerLineWithFieldsInScope) {
  std::string line;
  {
    const LogFields fields{{"FEED_URL", "https://a.example/rss"}, {"WATCHLIST", "w"}};
    line = JsonLogSink::format_line(message(spdlog::level::warn, "say \"hi\"\nthere"));
  }
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only";
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "warning");
  EXPECT_EQ(json["message"], "say \"hi\"\nthere");
  EXPECT_EQ(json["feed_url"], "https://a.example/rss");
  EXPECT_EQ(json["watchlist"], "w");
  EXPECT_FALSE(nlohmann::json::parse(JsonLogSink::format_line(message(spdlog::level::info, "x"))).contains("watchlist"));
}

TEST(JsonLogSink, BrokenUtf8DoesNotLoseTheLine) {
  const auto json = nlohmann::json::parse(JsonLogSink::format_line(message(spdlog::level::info, "caf\xe9")));
  EXPECT_EQ(json["message"], "caf\xef\xbf\xbd");
}

TEST(JournalSink, FieldsCarryPriorityIdentifierAndStructuredFields) {
  const LogFields outer{{"FEED_URL", "https://a.example/rss"}};
  const LogFields inner{{"ALERT_ID", "na_1"}};
  const auto fields = JournalSink::fields(message(spdlog::level::err, "boom"));
  EXPECT_EQ(fields, (std::vector<std::string>{"MESSAGE=boom", "PRIORITY=3", "SYSLOG_IDENTIFIER=newsalertd",
                                              "FEED_URL=https://a.example/rss", "ALERT_ID=na_1"}));
  EXPECT_EQ(JournalSink::fields(message(spdlog::level::info, "x"))[1], "PRIORITY=6");
  EXPECT_EQ(JournalSink::fields(message(spdlog::level::debug, "x"))[1], "PRIORITY=7");
}
