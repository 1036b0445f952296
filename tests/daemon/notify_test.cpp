// The sd_notify protocol without systemd: the test plays the service manager's NOTIFY_SOCKET.
#include "service_fixture.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

// A bound AF_UNIX datagram socket collecting every notification message.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot bind " + path.string());
    timeval timeout{0, 100000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { ::close(fd_); }

  // Receives until a message containing `text` arrives; every message is kept in messages().
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (std::size_t seen = 0; std::chrono::steady_clock::now() < deadline;) {
      for (; seen < messages_.size(); ++seen)
        if (messages_[seen].find(text) != std::string::npos) return true;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) messages_.emplace_back(buffer, static_cast<std::size_t>(n));
    }
    return false;
  }

  // Receives whatever arrives during `period`.
  void drain(std::chrono::milliseconds period) {
    const auto deadline = std::chrono::steady_clock::now() + period;
    while (std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) messages_.emplace_back(buffer, static_cast<std::size_t>(n));
    }
  }

  std::size_t count(const std::string& text) const {
    std::size_t n = 0;
    for (const auto& message : messages_) n += message.find(text) != std::string::npos ? 1 : 0;
    return n;
  }
  // Index of the first message containing `text` at or after `from`, or npos.
  std::size_t find(const std::string& text, std::size_t from = 0) const {
    for (std::size_t i = from; i < messages_.size(); ++i)
      if (messages_[i].find(text) != std::string::npos) return i;
    return std::string::npos;
  }
  std::string all() const {
    std::string out;
    for (const auto& message : messages_) out += "[" + message + "] ";
    return out;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

class Notify : public ServiceTest {};

}  // namespace

TEST_F(Notify, SendsReadyStatusWatchdogReloadingAndStopping) {
  NotifySocket notify(dir_ / "notify.sock");
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file}, dir_.path(),
                       {"NOTIFY_SOCKET=" + (dir_ / "notify.sock").string(), "WATCHDOG_USEC=400000"});

  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << notify.all() << daemon.err();
  const std::size_t ready = notify.find("READY=1");
  EXPECT_NE(notify.find("STATUS=1 feeds"), std::string::npos) << notify.all();
  // Half of WATCHDOG_USEC: a ping every 200 ms; several must arrive while the loop runs.
  ASSERT_TRUE(eventually([&] { notify.drain(200ms); return notify.count("WATCHDOG=1") >= 3; }, 15s))
      << notify.all();

  // The alert count in STATUS= follows the deliveries.
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();
  EXPECT_TRUE(notify.wait_for("1 alerts since start", 15s)) << notify.all();

  daemon.send_signal(SIGHUP);
  ASSERT_TRUE(notify.wait_for("RELOADING=1", 15s)) << notify.all() << daemon.err();
  const std::size_t reloading = notify.find("RELOADING=1");
  EXPECT_NE(notify.all().find("MONOTONIC_USEC="), std::string::npos);
  EXPECT_TRUE(eventually([&] { notify.drain(100ms); return notify.find("READY=1", reloading) != std::string::npos; }, 15s))
      << notify.all();
  EXPECT_GT(reloading, ready);

  daemon.send_signal(SIGTERM);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 15s)) << notify.all();
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
}

TEST_F(Notify, NoWatchdogPingsWhenTheWatchdogIsOff) {
  NotifySocket notify(dir_ / "notify.sock");
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file}, dir_.path(), {"NOTIFY_SOCKET=" + (dir_ / "notify.sock").string()});
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/wire.rss", 2, 15s));
  notify.drain(500ms);
  EXPECT_EQ(notify.count("WATCHDOG=1"), 0u) << notify.all();
  EXPECT_EQ(daemon.stop(), 0);
}
