// The JSON and journald sinks: what one log call turns into.
#include "common/log_context.hpp"
#include "daemon/journal_sink.hpp"
#include "daemon/json_log_sink.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>

#include <mutex>

using namespace newsalert;
using daemon::JournalSink;
using daemon::JsonLogSink;

namespace {
spdlog::details::log_msg message(spdlog::level::level_enum level, std::string_view text) {
  return spdlog::details::log_msg(spdlog::source_loc{}, "newsalertd", level, text);
}

// What both sinks make of each line logged while it is the default logger.
class RecordingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> json_lines;
  std::vector<std::vector<std::string>> journal_entries;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    json_lines.push_back(JsonLogSink::format_line(msg));
    journal_entries.push_back(JournalSink::fields(msg));
  }
  void flush_() override {}
};

class LogSinks : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    sink_ = std::make_shared<RecordingSink>();
    auto logger = std::make_shared<spdlog::logger>("test", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  std::shared_ptr<RecordingSink> sink_;

 private:
  std::shared_ptr<spdlog::logger> previous_;
};
}  // namespace

TEST_F(LogSinks, JsonLineCarriesTheFieldsItWasLoggedWith) {
  const LogContext context{{"FEED_URL", "https://a.example/rss"}, {"WATCHLIST", "w"}};
  context.warn("say \"{}\"\nthere", "hi");
  spdlog::info("x");
  ASSERT_EQ(sink_->json_lines.size(), 2u);
  const std::string& line = sink_->json_lines[0];
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only";
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "warning");
  EXPECT_EQ(json["message"], "say \"hi\"\nthere");
  EXPECT_EQ(json["feed_url"], "https://a.example/rss");
  EXPECT_EQ(json["watchlist"], "w");
  EXPECT_FALSE(nlohmann::json::parse(sink_->json_lines[1]).contains("watchlist")) << "fields end with their line";
}

TEST(JsonLogSink, BrokenUtf8DoesNotLoseTheLine) {
  const auto json = nlohmann::json::parse(JsonLogSink::format_line(message(spdlog::level::info, "caf\xe9")));
  EXPECT_EQ(json["message"], "caf\xef\xbf\xbd");
}

TEST_F(LogSinks, JournalEntryCarriesPriorityIdentifierAndFields) {
  feed_log("https://a.example/rss").with("ALERT_ID", "na_1").error("boom");
  ASSERT_EQ(sink_->journal_entries.size(), 1u);
  EXPECT_EQ(sink_->journal_entries[0], (std::vector<std::string>{"MESSAGE=boom", "PRIORITY=3", "SYSLOG_IDENTIFIER=newsalertd",
                                              "FEED_URL=https://a.example/rss", "ALERT_ID=na_1"}));
  EXPECT_EQ(JournalSink::fields(message(spdlog::level::info, "x"))[1], "PRIORITY=6");
  EXPECT_EQ(JournalSink::fields(message(spdlog::level::debug, "x"))[1], "PRIORITY=7");
}

TEST_F(LogSinks, ContextsDoNotLeakIntoEachOthersLines) {
  const LogContext a = feed_log("https://a.example/rss");
  {
    const LogContext b = feed_log("https://b.example/rss");
    b.info("about b");
  }
  a.info("about a");
  spdlog::info("about nothing");
  ASSERT_EQ(sink_->journal_entries.size(), 3u);
  EXPECT_EQ(sink_->journal_entries[0].back(), "FEED_URL=https://b.example/rss");
  EXPECT_EQ(sink_->journal_entries[1].back(), "FEED_URL=https://a.example/rss");
  EXPECT_EQ(sink_->journal_entries[1].size(), 4u) << "a's line carries a's field only";
  EXPECT_EQ(sink_->journal_entries[2].size(), 3u);
}

TEST_F(LogSinks, LinesBelowTheLevelAreNotFormatted) {
  spdlog::default_logger()->set_level(spdlog::level::info);
  feed_log("https://a.example/rss").debug("hidden {}", 1);
  EXPECT_TRUE(sink_->json_lines.empty());
}
