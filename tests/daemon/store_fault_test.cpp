// The state database failing under a running daemon (locked by another process, a full disk) and
// at start (damaged): the daemon keeps going or stops clearly, and no alert is lost or sent twice.
#include "service_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

// The wire feed of the fixture, one story longer: Hamas in Gaza, which the watchlist also wants.
std::string wire_with(const std::string& extra_items) {
  std::string feed = kServiceRss;
  feed.insert(feed.find("</channel>"), extra_items);
  return feed;
}

const char* const kGazaItem = R"(
  <item>
    <title>Hamas says ceasefire talks with Israel resume in Cairo</title>
    <link>http://wire.example/world/cairo-talks</link>
    <guid>wire-3</guid>
    <description>Hamas and Israel sent negotiators to Cairo.</description>
  </item>)";

// Another process that holds the database's write lock: `BEGIN EXCLUSIVE` through Python's own
// SQLite, until release() or `at_most` seconds, then commits and exits. The test decides when the
// lock goes, not a clock: which of the daemon's writes waits out the busy timeout first depends on
// how its timers fall.
class LockHolder {
 public:
  LockHolder(const std::filesystem::path& db, int at_most, const std::filesystem::path& marker)
      : release_(marker.string() + ".release") {
    const std::string script =
        "import os, sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "open(sys.argv[3], 'w').close()\n"
        "deadline = time.monotonic() + float(sys.argv[2])\n"
        "while not os.path.exists(sys.argv[4]) and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "c.execute('COMMIT')\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string secs = std::to_string(at_most);
      ::execlp("python3", "python3", "-c", script.c_str(), db.c_str(), secs.c_str(), marker.c_str(),
               release_.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~LockHolder() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // Lets the lock go and waits for it to be released; returns the holder's exit status.
  int release() {
    std::ofstream{release_};
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string release_;
  pid_t pid_ = -1;
};

// Webhook deliveries by alert id, and how the receiver answered each.
std::map<std::string, std::vector<int>> posts_by_id(const HttpServer& server, const std::vector<int>& answers) {
  std::map<std::string, std::vector<int>> out;
  const auto requests = server.requests("/hook");
  for (std::size_t i = 0; i < requests.size(); ++i)
    out[requests[i].header("webhook-id")].push_back(i < answers.size() ? answers[i] : 200);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class StoreFaults : public ServiceTest {
 protected:
  std::filesystem::path db_file() const { return dir_ / "state" / "newsalert.db"; }
};

}  // namespace

TEST_F(StoreFaults, ALockHeldPastTheBusyTimeoutDelaysAlertsButLosesAndRepeatsNone) {
  // The first attempt fails, so a retry falls due while the database is locked.
  server_.serve_webhook("/hook", {{503, {}, "busy"}});
  const std::uint16_t port = free_port();
  const auto file = write_config({.feeds = {"/wire.rss"},
                                  .retry = "[0s, 3s, 3s, 3s, 3s, 3s, 3s, 3s]",
                                  .admin_port = port});
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  {
    LockHolder lock(db_file(), 90, dir_ / "locked");
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(dir_ / "locked"); }, 10s));
    server_.update_feed("/wire.rss", wire_with(kGazaItem));
    // Each write now waits out the busy timeout (5 s) and fails; the retry's outcome and the new
    // entry's commit both wait for the lock. It is held until the poll that found the new entry
    // has failed to commit it: the feed states' flush and the outcome's write, each blocking the
    // loop for as long, may come first.
    HttpClient admin("127.0.0.1", port, 15s);
    EXPECT_TRUE(eventually([&] { return admin.get("/readyz").status == 503; }, 20s)) << daemon.err();
    const std::string poll_failed = "poll " + server_.url("/wire.rss") + " loop failed:";
    EXPECT_TRUE(eventually([&] { return daemon.err().find(poll_failed) != std::string::npos; }, 75s)) << daemon.err();
    EXPECT_EQ(lock.release(), 0);
  }

  // Without a restart, every alert arrives, and a delivered one only once.
  ASSERT_TRUE(eventually([&] { return posts_by_id(server_, {503}).size() == 2; }, 40s)) << daemon.err();
  std::this_thread::sleep_for(4s);   // more than one retry interval: nothing else may come
  const auto posts = posts_by_id(server_, {503});
  ASSERT_EQ(posts.size(), 2u) << daemon.err();
  for (const auto& [id, answers] : posts) {
    EXPECT_EQ(std::count(answers.begin(), answers.end(), 200), 1) << id << " was delivered more than once";
  }
  EXPECT_TRUE(daemon.running());

  const std::string log = daemon.err();
  // One error line per failure streak, not one per attempt.
  EXPECT_EQ(count_of(log, "poll " + server_.url("/wire.rss") + " loop failed:"), 1u) << log;
  EXPECT_LE(count_of(log, "cannot record the outcome"), 1u) << log;
  EXPECT_NE(log.find("database is locked"), std::string::npos) << log;

  HttpClient admin("127.0.0.1", port, 15s);
  const auto status = nlohmann::json::parse(admin.get("/v1/status").body);
  ASSERT_TRUE(status.contains("loops")) << status.dump();
  bool poll_loop_restarted = false;
  for (const auto& loop : status["loops"])
    poll_loop_restarted |= loop["kind"] == "poll" && loop["restarts"].get<int>() >= 1;
  EXPECT_TRUE(poll_loop_restarted) << status.dump();
  const std::string metrics = admin.get("/metrics").body;
  EXPECT_NE(metrics.find("newsalert_loop_restarts_total{loop=\"poll\"}"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("newsalert_loop_restarts_total{loop=\"poll\"} 0"), std::string::npos) << metrics;
  EXPECT_EQ(daemon.stop(), 0);
}

namespace {

// A small tmpfs of our own for state_dir, so that "disk full" is real and costs nothing else.
class SmallDisk {
 public:
  explicit SmallDisk(const std::filesystem::path& where) : path_(where) {
    std::filesystem::create_directories(path_);
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=4m,mode=0700") != 0) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (error_.empty()) ::umount2(path_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }

  // Writes a file until the disk refuses more, then gives `spare` bytes back.
  void fill(std::uintmax_t spare = 0) {
    {
      std::ofstream filler(path_ / "filler", std::ios::binary);
      const std::string block(4 * 1024, 'x');
      while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
      }
    }
    const auto size = std::filesystem::file_size(path_ / "filler");
    std::filesystem::resize_file(path_ / "filler", size > spare ? size - spare : 0);
  }
  void free_up() { std::filesystem::remove(path_ / "filler"); }

 private:
  std::filesystem::path path_;
  std::string error_;
};

// Many entries that match nothing: their records make the next commit grow the database.
std::string bulk_items(int count) {
  std::string items;
  for (int i = 0; i < count; ++i)
    items += "<item><title>Market report " + std::to_string(i) + " " + std::string(400, 'a' + i % 26) +
             "</title><link>http://wire.example/markets/" + std::to_string(i) + "</link><guid>bulk-" +
             std::to_string(i) + "</guid><description>Prices moved.</description></item>\n";
  return items;
}

}  // namespace

TEST_F(StoreFaults, AFullDiskDelaysAlertsButLosesAndRepeatsNone) {
  SmallDisk disk(dir_ / "state");
  if (!disk.error().empty()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << disk.error();
  const auto file = write_config({.feeds = {"/wire.rss"}, .retry = "[0s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s]"});
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

    disk.fill();
    server_.update_feed("/wire.rss", wire_with(bulk_items(300) + kGazaItem));
    ASSERT_TRUE(daemon.wait_for_log("database or disk is full", 30s)) << daemon.err();
    std::this_thread::sleep_for(3s);   // a few more polls fail the same way
    EXPECT_EQ(server_.count("/hook"), 1u) << "nothing new can be committed, so nothing new is sent";
    EXPECT_TRUE(daemon.running());

    disk.free_up();
    ASSERT_TRUE(server_.wait_for("/hook", 2, 40s)) << daemon.err();
    std::this_thread::sleep_for(3s);
    const auto posts = posts_by_id(server_, {});
    EXPECT_EQ(posts.size(), 2u) << daemon.err();
    for (const auto& [id, answers] : posts) EXPECT_EQ(answers.size(), 1u) << id << " sent more than once";
    EXPECT_TRUE(daemon.running());
    const std::string log = daemon.err();
    EXPECT_EQ(count_of(log, "poll " + server_.url("/wire.rss") + " loop failed:"), 1u) << log;
    EXPECT_EQ(daemon.stop(), 0);
  }
}

namespace {

// Alerts that match the fixture's watchlist, each its own story (under eight words: no fingerprint).
std::string matching_items(int count) {
  std::string items;
  for (int i = 0; i < count; ++i)
    items += "<item><title>Hamas and Israel, report " + std::to_string(i) + "</title><link>http://wire.example/report/" +
             std::to_string(i) + "</link><guid>report-" + std::to_string(i) + "</guid></item>\n";
  return items;
}

}  // namespace

// Alerts wait in the outbox (the receiver was down); the daemon restarts on a disk with almost no
// room, so the marks of sent alerts cannot be stored. It must wait and retry the marks, not send
// the same alerts again and again, and say so once.
TEST_F(StoreFaults, OutcomesThatCannotBeStoredHoldDeliveriesBackInsteadOfResendingThem) {
  SmallDisk disk(dir_ / "state");
  if (!disk.error().empty()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << disk.error();
  constexpr int kAlerts = 60;
  server_.serve_feed("/wire.rss", wire_with(matching_items(kAlerts)));
  server_.serve_webhook("/hook", {}, {503, {}, "down"});
  const auto file = write_config({.feeds = {"/wire.rss"}, .retry = "[0s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s]"});
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    // One batch commits all the alerts; the first refused POST means they are all in the outbox.
    ASSERT_TRUE(server_.wait_for("/hook", 1, 30s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  const std::size_t refused = server_.count("/hook");
  disk.fill(40 * 1024);
  server_.serve_webhook("/hook");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(daemon.wait_for_log("cannot record the outcome of an attempt", 30s)) << daemon.err();
  std::this_thread::sleep_for(6s);
  const std::size_t sent_while_full = server_.count("/hook") - refused;
  EXPECT_LE(sent_while_full, static_cast<std::size_t>(kAlerts) + 1) << "alerts were sent again while their marks could not be stored";
  EXPECT_TRUE(daemon.running());

  disk.free_up();
  ASSERT_TRUE(daemon.wait_for_log("outcomes recorded again", 40s)) << daemon.err();
  const auto all_sent = [&] {
    std::set<std::string> delivered;
    const auto requests = server_.requests("/hook");
    for (std::size_t i = refused; i < requests.size(); ++i) delivered.insert(requests[i].header("webhook-id"));
    return delivered.size() == static_cast<std::size_t>(kAlerts) + 1;   // the fixture's Hamas story too
  };
  for (int i = 0; i < 300 && !all_sent(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(all_sent()) << daemon.err();
  std::this_thread::sleep_for(2s);
  std::map<std::string, int> accepted;
  const auto requests = server_.requests("/hook");
  for (std::size_t i = refused; i < requests.size(); ++i) ++accepted[requests[i].header("webhook-id")];
  for (const auto& [id, times] : accepted) EXPECT_EQ(times, 1) << id << " was accepted " << times << " times";
  const std::string log = daemon.err();
  EXPECT_EQ(count_of(log, "cannot record the outcome of an attempt"), 1u) << "once per streak:\n" << log;
  EXPECT_EQ(daemon.stop(), 0);
}

namespace {

std::string file_bytes(const std::filesystem::path& file) { return read_file(file); }

}  // namespace

TEST_F(StoreFaults, ADamagedDatabaseStopsStartUpAndIsLeftUntouched) {
  const auto file = write_config({.feeds = {}});
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
    ASSERT_EQ(daemon.stop(), 0);
  }
  const std::string healthy = file_bytes(db_file());
  ASSERT_GT(healthy.size(), 8192u);

  struct Damage {
    std::string name;
    std::string bytes;
  };
  std::string garbled = healthy;
  garbled.replace(0, 16, "not a database!!");
  const std::vector<Damage> damages{{"garbled header", garbled}, {"truncated", healthy.substr(0, 8192)}};
  for (const auto& damage : damages) {
    SCOPED_TRACE(damage.name);
    std::filesystem::remove(db_file().string() + "-wal");
    std::filesystem::remove(db_file().string() + "-shm");
    write_file(db_file(), damage.bytes);
    const CommandResult result = run_command({"run", "--config", file});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_NE(result.err.find(db_file().string()), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("is damaged and was left untouched"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(".recover"), std::string::npos) << result.err;
    EXPECT_EQ(file_bytes(db_file()), damage.bytes) << "the damaged file must stay as it was";
  }
}

TEST_F(StoreFaults, AnEmptyDatabaseFileIsRefusedUnlessTheStartSaysItIsNew) {
  const auto file = write_config({.feeds = {"/wire.rss"}});
  std::filesystem::create_directories(db_file().parent_path());
  write_file(db_file(), "");

  const CommandResult check = run_command({"check", "--config", file});
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_NE(check.err.find(file + ": state database: " + db_file().string() + " exists but is empty (0 bytes)"),
            std::string::npos) << check.err;

  const CommandResult run = run_command({"run", "--config", file});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find(db_file().string() + " exists but is empty (0 bytes)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("newsalertd run --init-state"), std::string::npos) << run.err;
  EXPECT_EQ(file_bytes(db_file()), "") << "the file stays as it was";
  EXPECT_EQ(server_.count("/hook"), 0u);

  DaemonProcess daemon({"run", "--init-state", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(StoreFaults, CheckReportsAStateDatabaseTheDaemonCouldNotOpen) {
  const auto file = write_config({.feeds = {}});
  const CommandResult fresh = run_command({"check", "--config", file});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;   // no file yet: the daemon creates it
  EXPECT_EQ((std::filesystem::status(dir_ / "state").permissions() & std::filesystem::perms::all),
            std::filesystem::perms::owner_all) << "a state_dir made by newsalertd is the owner's alone";

  write_file(db_file(), std::string("not a database!!") + std::string(8192, 'x'));
  const CommandResult garbled = run_command({"check", "--config", file});
  EXPECT_EQ(garbled.exit_code, 1) << garbled.err;
  EXPECT_NE(garbled.err.find(file + ": state database: " + db_file().string()), std::string::npos) << garbled.err;
  EXPECT_NE(garbled.err.find("file is not a database"), std::string::npos) << garbled.err;

  std::filesystem::remove(db_file());
  {
    DaemonProcess daemon({"run", "--config", file}, dir_.path());
    ASSERT_TRUE(daemon.wait_for_log("newsalertd started", 15s)) << daemon.err();
    EXPECT_EQ(daemon.stop(), 0);
  }
  const CommandResult healthy = run_command({"check", "--config", file});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.err;
  // A state written by a newer release.
  const std::string bump = "python3 -c \"import sqlite3,sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 99'); c.commit()\" " + db_file().string();
  ASSERT_EQ(std::system(bump.c_str()), 0);
  const CommandResult newer = run_command({"check", "--config", file});
  EXPECT_EQ(newer.exit_code, 1) << newer.err;
  EXPECT_NE(newer.err.find("schema version 99 is newer than this newsalertd understands"), std::string::npos) << newer.err;
}

