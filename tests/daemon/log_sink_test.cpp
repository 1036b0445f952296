// The JSON and journald sinks: what one log call turns into.
#include "common/log_context.hpp"
#include "daemon/escaped_message_flag.hpp"
#include "daemon/journal_sink.hpp"
#include "daemon/json_log_sink.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>

#include <mutex>

using namespace newsalert;
using daemon::EscapedMessageFlag;
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

namespace {
// A title and a link as a hostile feed writes them.
const std::string kHostile = "Hamas\n<0>forged \r\x1b[31mred\x1b[0m back\\slash \xc2\x9b" "31m \x7f caf\xe9";
const std::string kEscaped = "Hamas\\n<0>forged \\r\\x1b[31mred\\x1b[0m back\\\\slash \\u009b31m \\x7f caf\\xe9";

std::string text_line(const spdlog::details::log_msg& msg, const std::string& pattern) {
  spdlog::pattern_formatter formatter;
  formatter.add_flag<EscapedMessageFlag>(EscapedMessageFlag::kFlag).set_pattern(pattern);
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

// Bytes a terminal or a line-based reader would act on: C0 but the final newline, DEL, C1 (UTF-8).
bool has_raw_control(const std::string& line) {
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const auto next = static_cast<unsigned char>(line[i + 1]);
    if (c < 0x20 || c == 0x7f || (c == 0xc2 && next >= 0x80 && next <= 0x9f)) return true;
  }
  return false;
}
}  // namespace

TEST(EscapedMessageFlag, TextLineShowsOutsideTextEscapedOnOneLine) {
  const auto line = text_line(message(spdlog::level::info, "title \"" + kHostile + "\""), "<%l> %v");
  EXPECT_EQ(line, "<info> title \"" + kEscaped + "\"\n");
  EXPECT_FALSE(has_raw_control(line)) << line;
}

TEST(EscapedMessageFlag, TextLineHidesSecretsInUrls) {
  const auto line = text_line(message(spdlog::level::warn, "feed https://a.example/rss?apikey=s3cr3t&x=1: poll failed"), "%v");
  EXPECT_EQ(line, "feed https://a.example/rss?apikey=REDACTED&x=1: poll failed\n");
}

TEST_F(LogSinks, JsonLineKeepsOutsideTextExactAndHidesSecretsInUrls) {
  feed_log("https://a.example/rss?token=s3cr3t").warn("title \"{}\" from https://a.example/rss?token=s3cr3t", kHostile);
  ASSERT_EQ(sink_->json_lines.size(), 1u);
  const std::string& line = sink_->json_lines[0];
  EXPECT_FALSE(has_raw_control(line)) << line;
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  const auto json = nlohmann::json::parse(line);
  // JSON has its own escapes: the value reads back as the feed wrote it (broken UTF-8 aside).
  const std::string title = kHostile.substr(0, kHostile.size() - 1) + "\xef\xbf\xbd";
  EXPECT_EQ(json["message"], "title \"" + title + "\" from https://a.example/rss?token=REDACTED");
  EXPECT_EQ(json["feed_url"], "https://a.example/rss?token=REDACTED");
}

TEST_F(LogSinks, JournalMessageIsEscapedAndItsFieldsHideSecretsInUrls) {
  feed_log("https://a.example/rss?token=s3cr3t").error("title \"{}\"", kHostile);
  ASSERT_EQ(sink_->journal_entries.size(), 1u);
  EXPECT_EQ(sink_->journal_entries[0],
            (std::vector<std::string>{"MESSAGE=title \"" + kEscaped + "\"", "PRIORITY=3", "SYSLOG_IDENTIFIER=newsalertd",
                                      "FEED_URL=https://a.example/rss?token=REDACTED"}));
}
