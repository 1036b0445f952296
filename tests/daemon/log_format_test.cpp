// What the daemon's logs look like in each format: text, text under journald, JSON lines, journal.
#include "service_fixture.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

class LogFormat : public ServiceTest {};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_F(LogFormat, JsonIsOneObjectPerLineWithStructuredFields) {
  const auto file = write_config({.feeds = {"/wire.rss", "/missing.rss"}});
  DaemonProcess daemon({"run", "--config", file, "--log-format", "json"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("HTTP 404", 15s)) << daemon.err();
  ASSERT_TRUE(daemon.wait_for_log("delivered", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);

  bool saw_match = false, saw_failure = false, saw_delivery = false;
  const auto lines = lines_of(daemon.err());
  ASSERT_GE(lines.size(), 4u);
  for (const auto& line : lines) {
    json entry;
    ASSERT_NO_THROW(entry = json::parse(line)) << line;
    ASSERT_TRUE(entry["time"].is_string()) << line;
    EXPECT_EQ(entry["time"].get<std::string>().size(), 24u) << line;   // 2024-08-01T12:00:00.123Z
    EXPECT_TRUE(entry["level"].is_string()) << line;
    EXPECT_TRUE(entry["message"].is_string()) << line;
    const std::string message = entry["message"];
    if (message.starts_with("match:")) {
      saw_match = true;
      EXPECT_EQ(entry["feed_url"], server_.url("/wire.rss")) << line;
      EXPECT_EQ(entry["watchlist"], "iran-israel") << line;
      EXPECT_TRUE(entry["alert_id"].get<std::string>().starts_with("na_")) << line;
    }
    if (message.find("HTTP 404") != std::string::npos) {
      saw_failure = true;
      EXPECT_EQ(entry["level"], "warning");
      EXPECT_EQ(entry["feed_url"], server_.url("/missing.rss")) << line;
      EXPECT_FALSE(entry.contains("watchlist")) << "fields end with their scope: " << line;
    }
    if (message.find("delivered to webhook") != std::string::npos) {
      saw_delivery = true;
      EXPECT_EQ(entry["webhook"], "hook0") << line;
      EXPECT_TRUE(entry.contains("alert_id")) << line;
    }
  }
  EXPECT_TRUE(saw_match && saw_failure && saw_delivery) << daemon.err();
}

TEST_F(LogFormat, TextHasTimestampsExceptUnderJournald) {
  const auto file = write_config({.feeds = {"/wire.rss"}});
  std::filesystem::create_directories(dir_ / "plain");
  std::filesystem::create_directories(dir_ / "journald");
  {
    DaemonProcess daemon({"run", "--config", file}, dir_ / "plain");
    ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
    const auto first = lines_of(daemon.err()).front();
    // 2024-08-01T12:00:00.123 info  newsalertd started...
    EXPECT_EQ(first[4], '-') << first;
    EXPECT_EQ(first[10], 'T') << first;
    EXPECT_NE(first.find("info"), std::string::npos) << first;
  }
  DaemonProcess daemon({"run", "--config", file}, dir_ / "journald", {"JOURNAL_STREAM=8:12345"});
  ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  for (const auto& line : lines_of(daemon.err())) EXPECT_TRUE(line.starts_with("<info> ") || line.starts_with("<warning> ")) << line;
}

TEST_F(LogFormat, JournalFallsBackToStderrWithoutJournald) {
  if (std::filesystem::exists("/run/systemd/journal/socket")) GTEST_SKIP() << "journald is running here";
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file, "--log-format", "journal"}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  const auto lines = lines_of(daemon.err());
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.front().starts_with("<warning> journald is not running; logging to stderr")) << lines.front();
  EXPECT_NE(daemon.err().find("<info> newsalertd started"), std::string::npos) << daemon.err();
}

TEST_F(LogFormat, LevelFiltersAndUnknownValuesAreUsageErrors) {
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file, "--log-level", "warn"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s));
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(daemon.err().find("newsalertd started"), std::string::npos) << daemon.err();

  const auto format = run_command({"run", "--config", file, "--log-format", "xml"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.err.find("unknown log format 'xml' (text, json or journal)"), std::string::npos) << format.err;
  const auto level = run_command({"run", "--config", file, "--log-level", "loud"});
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("unknown log level 'loud'"), std::string::npos) << level.err;
}
