// The admin listener against clients that hold connections and a process short of descriptors.
#include "service_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kHealthz = "GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n";

// A TCP connection that sends exactly what the test says, or nothing at all.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) close();
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool is_open() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view text) {
    return fd_ >= 0 && ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // Reads until `marker` has arrived `times` times in all, the peer closes, or `timeout` passes;
  // everything read is kept.
  bool read_until(std::string_view marker, std::chrono::milliseconds timeout, std::size_t times = 1) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (occurrences(marker) < times)
      if (!read_some(deadline)) return false;
    return true;
  }
  // Whether the peer closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!peer_closed_)
      if (!read_some(deadline)) return peer_closed_;
    return true;
  }
  const std::string& received() const { return received_; }

 private:
  std::size_t occurrences(std::string_view marker) const {
    std::size_t n = 0;
    for (auto at = received_.find(marker); at != std::string::npos; at = received_.find(marker, at + marker.size())) ++n;
    return n;
  }

  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd wanted{fd_, POLLIN, 0};
    if (fd_ < 0 || peer_closed_ || left.count() <= 0 || ::poll(&wanted, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      peer_closed_ = n == 0 || errno == ECONNRESET;
      return false;
    }
    received_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool peer_closed_ = false;
  std::string received_;
};

// A kept-alive connection that has had one /healthz answered, so the daemon holds it open; null
// when none was answered.
std::unique_ptr<RawConnection> held_connection(std::uint16_t port) {
  std::unique_ptr<RawConnection> held;
  const bool answered = eventually([&] {
    held = std::make_unique<RawConnection>(port);
    return held->send(kHealthz) && held->read_until("\r\n\r\nok\n", 2s);
  }, 10s);
  return answered ? std::move(held) : nullptr;
}

std::vector<std::string> lines_with(const std::string& log, std::string_view text) {
  std::vector<std::string> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.find(text) != std::string::npos) found.push_back(line);
  return found;
}

// The first few lines, for failure messages about a log that may have grown huge.
std::string head(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < 5; ++i) out += lines[i] + "\n";
  return out + "(" + std::to_string(lines.size()) + " lines)";
}

// Soft and hard "Max open files" of a process, as /proc shows them.
std::pair<std::string, std::string> open_file_limits(int pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  for (std::string line; std::getline(limits, line);) {
    if (!line.starts_with("Max open files")) continue;
    std::istringstream fields(line.substr(std::strlen("Max open files")));
    std::string soft, hard;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {};
}

// The descriptor a process would get next: the lowest number it has not open.
rlim_t lowest_free_descriptor(int pid) {
  std::set<rlim_t> open;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    open.insert(std::stoull(entry.path().filename().string()));
  rlim_t fd = 0;
  while (open.contains(fd)) ++fd;
  return fd;
}

// The same, once it has stayed put for a few readings (a connection just answered may still be
// closing).
rlim_t settled_lowest_free_descriptor(int pid) {
  rlim_t fd = lowest_free_descriptor(pid);
  for (int same = 0; same < 5;) {
    std::this_thread::sleep_for(100ms);
    const rlim_t now = lowest_free_descriptor(pid);
    same = now == fd ? same + 1 : 0;
    fd = now;
  }
  return fd;
}

class AdminPressure : public ServiceTest {
 protected:
  // The fixture's config with more keys in its http section (which it writes last).
  std::string config_with_http(ServiceConfig c, const std::string& http_keys) const {
    c.admin_port = port_;
    const std::string file = write_config(c);
    write_file(file, read_file(file) + http_keys);
    return file;
  }

  bool healthy() const {
    HttpClient admin("127.0.0.1", port_, 2s);
    return admin.get("/healthz").status == 200;
  }

  std::string listener() const { return "admin listener 127.0.0.1:" + std::to_string(port_) + ": "; }

  std::uint16_t port_ = free_port();
};

}  // namespace

TEST_F(AdminPressure, IdleCrowdAtALowDescriptorLimitNeitherFloodsTheLogNorStopsPolling) {
  // Every poll needs a new connection, so a new descriptor.
  server_.route("/closing.rss", [](const RecordedRequest&) {
    return Response{200, {{"Content-Type", "application/rss+xml"}, {"Connection", "close"}}, kServiceRss};
  });
  // The hard limit is low too, so raising the soft limit at start cannot make room.
  const auto file = config_with_http({.feeds = {"/closing.rss"}}, "");
  DaemonProcess daemon({"run", "--config", file}, dir_.path(), {}, OpenFileLimit{64, 64});
  ASSERT_TRUE(eventually([&] { return healthy(); }, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/closing.rss", 1, 15s)) << daemon.err();

  // Far more idle connections than the daemon has descriptors; the kernel queues them all.
  std::vector<std::unique_ptr<RawConnection>> crowd;
  for (int i = 0; i < 200; ++i) crowd.push_back(std::make_unique<RawConnection>(port_));
  const std::size_t polls = server_.count("/closing.rss");
  std::this_thread::sleep_for(3s);

  const auto about_the_listener = lines_with(daemon.err(), "admin listener");
  EXPECT_LE(about_the_listener.size(), 3u) << head(about_the_listener);
  EXPECT_EQ(lines_with(daemon.err(), "accept failed").size(), 0u) << head(lines_with(daemon.err(), "accept failed"));
  EXPECT_EQ(lines_with(daemon.err(), listener() + "fewer than 32 of 64 descriptors free (RLIMIT_NOFILE), kept for "
                                                  "polls and deliveries; closing new connections at once until "
                                                  "there is room")
                .size(),
            1u)
      << head(about_the_listener);
  // Polling goes on while the crowd waits.
  EXPECT_TRUE(server_.wait_for("/closing.rss", polls + 2, 10s)) << "polls before: " << polls;

  crowd.clear();
  EXPECT_TRUE(eventually([&] { return healthy(); }, 10s)) << head(lines_with(daemon.err(), "admin listener"));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(AdminPressure, AcceptFailuresBackOffAndAreLoggedOncePerStreak) {
  const auto file = config_with_http({.feeds = {}}, "");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(eventually([&] { return healthy(); }, 15s)) << daemon.err();

  // With the soft limit at the lowest free descriptor, every accept fails with EMFILE.
  rlimit original{};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &original), 0) << std::strerror(errno);
  const rlimit exhausted{settled_lowest_free_descriptor(daemon.pid()), original.rlim_max};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, &exhausted, nullptr), 0) << std::strerror(errno);
  RawConnection waiting(port_);
  ASSERT_TRUE(waiting.send(kHealthz));
  std::this_thread::sleep_for(3s);

  const auto failures = lines_with(daemon.err(), "accept failed");
  ASSERT_EQ(failures.size(), 1u) << head(failures);
  EXPECT_NE(failures[0].find(listener() + "accept failed: Too many open files; retrying in 100ms, backing off to "
                                          "every 1s, until it works"),
            std::string::npos)
      << failures[0];
  EXPECT_FALSE(waiting.read_until("ok\n", 10ms)) << waiting.received();

  // Descriptors back: the queued connection is taken within a retry and answered.
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, &original, nullptr), 0) << std::strerror(errno);
  EXPECT_TRUE(waiting.read_until("\r\n\r\nok\n", 5s)) << waiting.received();
  const auto recovered = lines_with(daemon.err(), listener() + "accepting again after ");
  ASSERT_EQ(recovered.size(), 1u) << daemon.err();
  // Over about 3 s the waits go 100, 200, 400, 800 ms and then 1 s: a handful of attempts, not millions.
  const std::size_t at = recovered[0].find("accepting again after ") + std::strlen("accepting again after ");
  const int attempts = std::stoi(recovered[0].substr(at));
  EXPECT_GE(attempts, 2) << recovered[0];
  EXPECT_LE(attempts, 20) << recovered[0];
  EXPECT_NE(recovered[0].find(" failed attempts over "), std::string::npos) << recovered[0];
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(AdminPressure, ConnectionsBeyondMaxConnectionsAreClosedAtOnce) {
  const auto file = config_with_http({.feeds = {}}, "  max_connections: 2\n");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(eventually([&] { return healthy(); }, 15s)) << daemon.err();

  auto first = held_connection(port_);
  const auto second = held_connection(port_);
  ASSERT_TRUE(first && second);
  // request_timeout is 10 s by default: closing this one in under 3 s is the cap, not a timeout.
  RawConnection third(port_);
  EXPECT_TRUE(third.closed_within(3s)) << third.received();
  EXPECT_EQ(third.received(), "");
  const std::string refusing =
      listener() + "2 connections open (http.max_connections); closing new connections at once until there is room";
  EXPECT_EQ(lines_with(daemon.err(), refusing).size(), 1u) << daemon.err();

  // A freed slot is taken again, and the next connection refused: still the same streak, no new lines.
  first->close();
  first = held_connection(port_);
  ASSERT_TRUE(first);
  RawConnection fourth(port_);
  EXPECT_TRUE(fourth.closed_within(3s)) << fourth.received();
  EXPECT_EQ(lines_with(daemon.err(), refusing).size(), 1u) << daemon.err();
  EXPECT_EQ(lines_with(daemon.err(), "taking connections again").size(), 0u) << daemon.err();

  // The streak ends with the first connection kept after 10 s without a refusal. One check a second
  // leaves the slot of each check free again before the next.
  first->close();
  // (The count includes any attempt of held_connection that came before the freed slot showed.)
  const std::string ended = listener() + "taking connections again; closed ";
  bool over = false;
  for (int i = 0; i < 20 && !over; ++i) {
    std::this_thread::sleep_for(1s);
    over = healthy() && !lines_with(daemon.err(), ended).empty();
  }
  EXPECT_TRUE(over) << daemon.err();
  EXPECT_EQ(lines_with(daemon.err(), "taking connections again").size(), 1u) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(AdminPressure, ReloadKeepsTheBoundsTheListenerWasOpenedWith) {
  const auto file = config_with_http({.feeds = {}}, "  max_connections: 2\n");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(eventually([&] { return healthy(); }, 15s)) << daemon.err();
  config_with_http({.feeds = {}}, "  max_connections: 3\n");
  daemon.send_signal(SIGHUP);
  ASSERT_TRUE(daemon.wait_for_log("reload: http.max_connections, http.request_timeout and http.idle_timeout take "
                                  "effect at the next restart",
                                  15s))
      << daemon.err();

  const auto first = held_connection(port_);
  const auto second = held_connection(port_);
  ASSERT_TRUE(first && second);
  RawConnection third(port_);
  EXPECT_TRUE(third.closed_within(3s));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(AdminPressure, SilentConnectionsAreClosedAfterRequestTimeoutAndIdleOnesAfterIdleTimeout) {
  const auto file = config_with_http({.feeds = {}}, "  request_timeout: 1s\n  idle_timeout: 5s\n");
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(eventually([&] { return healthy(); }, 15s)) << daemon.err();

  // One that never sends a request and one that stops halfway through its headers.
  RawConnection silent(port_), halfway(port_);
  ASSERT_TRUE(halfway.send("GET /healthz HTTP/1.1\r\nHost: admin\r\n"));
  const auto opened = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closed_within(5s));
  EXPECT_TRUE(halfway.closed_within(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - opened, 900ms) << "closed before request_timeout";
  EXPECT_EQ(halfway.received(), "");

  // Between requests a kept-alive connection has idle_timeout, longer here than request_timeout
  // (the quiet 2 s below outlasts request_timeout, and leaves idle_timeout room for a slow answer)...
  const auto kept = held_connection(port_);
  ASSERT_TRUE(kept);
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(kept->send(kHealthz));
  EXPECT_TRUE(kept->read_until("\r\n\r\nok\n", 2s, 2)) << kept->received();
  // ...and is closed once it has been quiet that long.
  EXPECT_TRUE(kept->closed_within(8s)) << kept->received();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(AdminPressure, SoftDescriptorLimitIsRaisedToTheHardLimitAtStart) {
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  ASSERT_GT(own.rlim_max, 256u) << "the test needs a hard limit above 256";
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file}, dir_.path(), {}, OpenFileLimit{256, own.rlim_max});
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s)) << daemon.err();

  const std::string hard = std::to_string(own.rlim_max);
  EXPECT_EQ(open_file_limits(daemon.pid()), std::make_pair(hard, hard));
  EXPECT_NE(daemon.err().find("open file limit (RLIMIT_NOFILE): " + hard + " (soft limit raised from 256)"),
            std::string::npos)
      << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}
