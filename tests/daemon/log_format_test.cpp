// What the daemon's logs look like in each format: text, text under journald, JSON lines, journal.
#include "service_fixture.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Fifty feeds at once; every fifth is missing, so its polls fail and warn while the others match
// and deliver.
constexpr int kFeeds = 50;
constexpr std::size_t kAlerts = kFeeds - kFeeds / 5;

std::string numbered_feed(int i);

class LogFormat : public ServiceTest {
 protected:
  // Serves the feeds, adds them to `config`, and returns their URLs.
  std::vector<std::string> serve_many_feeds(ServiceConfig& config) {
    std::vector<std::string> urls;
    for (int i = 0; i < kFeeds; ++i) {
      const std::string path = "/desk" + std::to_string(i) + ".rss";
      if (i % 5 != 4) server_.serve_feed(path, numbered_feed(i));
      config.feeds.push_back(path);
      urls.push_back(server_.url(path));
    }
    return urls;
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

namespace {

// A JSON Feed whose entry title and link carry what a hostile feed would use to forge log lines
// and drive a terminal: line breaks, a journald priority prefix, escape sequences, a backslash,
// a C1 CSI and DEL. Served at a path with a backslash and "<0>" of its own.
const char* const kHostileFeedPath = "/desk<0>\\x1b.json";
const char* const kHostileFeed = R"({"version": "https://jsonfeed.org/version/1.1", "title": "Desk",
  "items": [{"id": "h-1", "content_text": "Hamas and Israel talk in Iran.",
    "title": "Hamas <0>forged \u001b[31mIsrael\u001b[0m back\\slash \u009b31m \u007f end",
    "url": "http://wire.example/a\n<0>forged\r\u001b[2Jb\\c"}]})";

// What the log shows of them: the match line names the title and the link.
const char* const kEscapedTitle = R"("Hamas <0>forged \x1b[31mIsrael\x1b[0m back\\slash \u009b31m \x7f end")";
const char* const kEscapedLink = R"((http://wire.example/a\n<0>forged\r\x1b[2Jb\\c))";
const char* const kEscapedFeedPath = R"(/desk<0>\\x1b.json)";

// C0 controls (the line's own end aside), DEL and C1 controls in UTF-8.
bool has_raw_control(const std::string& line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const auto next = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
    if (c < 0x20 || c == 0x7f || (c == 0xc2 && next >= 0x80 && next <= 0x9f)) return true;
  }
  return false;
}

}  // namespace

TEST_F(LogFormat, TextShowsHostileFeedTextEscapedOneRecordPerLine) {
  server_.serve_feed(kHostileFeedPath, kHostileFeed, "application/feed+json");
  const auto file = write_config({.feeds = {kHostileFeedPath}});
  for (const bool journald : {false, true}) {
    SCOPED_TRACE(journald ? "under journald" : "plain");
    const auto dir = dir_ / (journald ? "journald" : "plain");
    std::filesystem::create_directories(dir);
    std::filesystem::remove_all(dir_ / "state");   // the entry is new to each run
    DaemonProcess daemon({"run", "--config", file, "--log-level", "debug"}, dir,
                         journald ? std::vector<std::string>{"JOURNAL_STREAM=8:12345"} : std::vector<std::string>{});
    ASSERT_TRUE(daemon.wait_for_log("delivered to webhook", 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);

    bool saw_match = false;
    for (const auto& line : lines_of(daemon.err())) {
      EXPECT_FALSE(has_raw_control(line)) << line;
      if (journald) {
        EXPECT_TRUE(line.starts_with("<debug> ") || line.starts_with("<info> ") || line.starts_with("<warning> "))
            << "a record of its own: " << line;
      } else {
        ASSERT_GT(line.size(), 24u) << line;
        EXPECT_TRUE(line[4] == '-' && line[10] == 'T' && line[23] == ' ') << "a record of its own: " << line;
      }
      if (line.find("match: ") == std::string::npos) continue;
      saw_match = true;
      EXPECT_NE(line.find(kEscapedTitle), std::string::npos) << line;
      EXPECT_NE(line.find(kEscapedLink), std::string::npos) << line;
      EXPECT_NE(line.find(kEscapedFeedPath), std::string::npos) << line;
    }
    EXPECT_TRUE(saw_match) << daemon.err();
  }
}

TEST_F(LogFormat, JsonCarriesHostileFeedTextExactly) {
  server_.serve_feed(kHostileFeedPath, kHostileFeed, "application/feed+json");
  const auto file = write_config({.feeds = {kHostileFeedPath}});
  DaemonProcess daemon({"run", "--config", file, "--log-format", "json", "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("delivered to webhook", 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  bool saw_match = false;
  for (const auto& line : lines_of(daemon.err())) {
    EXPECT_FALSE(has_raw_control(line)) << line;
    json entry;
    ASSERT_NO_THROW(entry = json::parse(line)) << line;
    const std::string message = entry["message"];
    if (!message.starts_with("match: ")) continue;
    saw_match = true;
    EXPECT_NE(message.find("\"Hamas <0>forged \x1b[31mIsrael\x1b[0m back\\slash \xc2\x9b" "31m \x7f end\""),
              std::string::npos) << line;
    EXPECT_NE(message.find("(http://wire.example/a\n<0>forged\r\x1b[2Jb\\c)"), std::string::npos) << line;
    EXPECT_EQ(entry["feed_url"], server_.url(kHostileFeedPath)) << line;
  }
  EXPECT_TRUE(saw_match) << daemon.err();
}

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

namespace {

// Feed i of many, each with one story the watchlist wants.
std::string numbered_feed(int i) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk " + std::to_string(i) +
         "</title><item><title>Hamas and Israel: report " + std::to_string(i) +
         "</title><link>http://desk.example/" + std::to_string(i) + "</link><guid>desk-" + std::to_string(i) +
         "</guid><description>Talks on Gaza, dispatch number " + std::to_string(i) +
         ".</description></item></channel></rss>";
}

// The URLs among `urls` that `message` names.
std::vector<std::string> named_in(const std::string& message, const std::vector<std::string>& urls) {
  std::vector<std::string> out;
  for (const auto& url : urls)
    if (message.find(url) != std::string::npos) out.push_back(url);
  return out;
}

}  // namespace

namespace {

using JournalEntry = std::map<std::string, std::string>;

// One datagram of journald's native protocol: FIELD=value lines, or FIELD, a newline, a 64-bit
// little-endian length and the value (for values with newlines).
JournalEntry parse_journal_datagram(const std::string& data) {
  JournalEntry entry;
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t end = data.find_first_of("=\n", at);
    if (end == std::string::npos) break;
    const std::string name = data.substr(at, end - at);
    if (data[end] == '=') {
      const std::size_t line_end = data.find('\n', end);
      entry[name] = data.substr(end + 1, line_end - end - 1);
      at = line_end == std::string::npos ? data.size() : line_end + 1;
    } else {
      std::uint64_t length = 0;
      for (int i = 0; i < 8; ++i) length |= std::uint64_t(static_cast<unsigned char>(data[end + 1 + i])) << (8 * i);
      entry[name] = data.substr(end + 9, length);
      at = end + 9 + length + 1;
    }
  }
  return entry;
}

// journald as far as newsalertd can tell: a datagram socket at /run/systemd/journal/socket, in a
// mount namespace of this thread only (the daemon forked from it sees it; the machine does not).
class PrivateJournal {
 public:
  explicit PrivateJournal(const std::filesystem::path& dir) {
    original_ = ::open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (::unshare(CLONE_NEWNS) != 0) {
      error_ = std::string("unshare: ") + std::strerror(errno);
      return;
    }
    ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
    std::filesystem::create_directories(dir / "journal");
    std::filesystem::create_directories("/run/systemd");
    if (::mount(dir.c_str(), "/run/systemd", nullptr, MS_BIND, nullptr) != 0) {
      error_ = std::string("mount: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, "/run/systemd/journal/socket");
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      error_ = std::string("bind: ") + std::strerror(errno);
      return;
    }
    timeval timeout{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    reader_ = std::thread([this] { read(); });
  }
  ~PrivateJournal() {
    stop_ = true;
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) ::close(fd_);
    if (mounted_) ::umount2("/run/systemd", MNT_DETACH);
    if (original_ >= 0) {
      ::setns(original_, CLONE_NEWNS);
      ::close(original_);
    }
  }
  const std::string& error() const { return error_; }
  std::vector<JournalEntry> entries() {
    const std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  void read() {
    std::string buffer(1 << 16, '\0');
    while (!stop_) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n <= 0) continue;
      const std::lock_guard lock(mutex_);
      entries_.push_back(parse_journal_datagram(buffer.substr(0, static_cast<std::size_t>(n))));
    }
  }

  int original_ = -1;
  int fd_ = -1;
  bool mounted_ = false;
  std::string error_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  std::mutex mutex_;
  std::vector<JournalEntry> entries_;
};

}  // namespace

TEST_F(LogFormat, JournalEntriesCarryTheirFeedOrWebhookAmongManyFeeds) {
  PrivateJournal journal(dir_ / "run-systemd");
  if (!journal.error().empty()) GTEST_SKIP() << "no private mount namespace here (needs root): " << journal.error();
  ServiceConfig config;
  const std::vector<std::string> urls = serve_many_feeds(config);
  const auto file = write_config(config);
  DaemonProcess daemon({"run", "--config", file, "--log-format", "journal"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", kAlerts, 30s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(daemon.err(), "") << "every line went to the journal";

  std::size_t feed_entries = 0, webhook_entries = 0;
  const auto entries = journal.entries();
  ASSERT_GT(entries.size(), kAlerts);
  for (const auto& entry : entries) {
    ASSERT_TRUE(entry.contains("MESSAGE") && entry.contains("PRIORITY")) << entry.size();
    EXPECT_EQ(entry.at("SYSLOG_IDENTIFIER"), "newsalertd");
    const std::string& message = entry.at("MESSAGE");
    const auto named = named_in(message, urls);
    if (entry.contains("FEED_URL")) {
      ++feed_entries;
      ASSERT_EQ(named.size(), 1u) << message;
      EXPECT_EQ(entry.at("FEED_URL"), named.front()) << message;
      EXPECT_FALSE(entry.contains("WEBHOOK")) << message;
    } else {
      EXPECT_TRUE(named.empty()) << "an entry about a feed carries its field: " << message;
    }
    if (entry.contains("WEBHOOK")) {
      ++webhook_entries;
      EXPECT_NE(message.find("webhook '" + entry.at("WEBHOOK") + "'"), std::string::npos) << message;
    } else {
      EXPECT_EQ(message.find("webhook 'hook"), std::string::npos) << "an entry about a webhook carries its field: " << message;
    }
  }
  EXPECT_GE(feed_entries, kAlerts);
  EXPECT_GE(webhook_entries, kAlerts);
}

TEST_F(LogFormat, ManyFeedsAtOnceEachLineCarriesOnlyItsOwnFeedOrWebhook) {
  ServiceConfig config;
  config.hooks = {"/hook", "/hook"};
  const std::vector<std::string> urls = serve_many_feeds(config);
  const auto file = write_config(config);
  DaemonProcess daemon({"run", "--config", file, "--log-format", "json", "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 2 * kAlerts, 30s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);

  std::size_t feed_lines = 0, webhook_lines = 0;
  for (const auto& line : lines_of(daemon.err())) {
    json entry;
    ASSERT_NO_THROW(entry = json::parse(line)) << line;
    const std::string message = entry["message"];
    const auto named = named_in(message, urls);
    if (entry.contains("feed_url")) {
      ++feed_lines;
      ASSERT_EQ(named.size(), 1u) << "a line with a feed's field names that feed, and only it: " << line;
      EXPECT_EQ(entry["feed_url"], named.front()) << line;
      EXPECT_FALSE(entry.contains("webhook")) << line;
    } else {
      EXPECT_TRUE(named.empty()) << "a line about a feed carries its field: " << line;
    }
    const bool about_webhook = message.find("webhook 'hook") != std::string::npos;
    if (entry.contains("webhook")) {
      ++webhook_lines;
      EXPECT_NE(message.find("webhook '" + entry["webhook"].get<std::string>() + "'"), std::string::npos) << line;
      EXPECT_FALSE(entry.contains("feed_url")) << line;
    } else {
      EXPECT_FALSE(about_webhook) << "a line about a webhook carries its field: " << line;
    }
  }
  EXPECT_GE(feed_lines, static_cast<std::size_t>(kFeeds)) << daemon.err();
  EXPECT_GE(webhook_lines, 2 * kAlerts) << daemon.err();
}
