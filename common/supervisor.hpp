// Long-lived coroutines that heal: one that ends with an exception is restarted with capped
// backoff, as systemd's Restart= does for units, and stays visible to readiness and metrics.
#pragma once

#include "common/log_context.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace newsalert {

class Supervisor {
 public:
  // The first restart waits kFirstDelay, each further one of the same streak twice as long up to
  // kMaxDelay. A loop that has run kHealthyAfter without failing counts as healed: its streak ends.
  static constexpr std::chrono::milliseconds kFirstDelay{1000};
  static constexpr std::chrono::milliseconds kMaxDelay{60'000};
  static constexpr std::chrono::milliseconds kHealthyAfter{60'000};

  struct LoopStatus {
    std::string kind;     // what sort of loop: poll, delivery, websub, retention, admin, ...
    std::string name;     // which one, e.g. the feed's URL or the webhook's name
    std::uint64_t restarts = 0;
    std::uint64_t streak = 0;        // failures since it last ran kHealthyAfter
    std::string last_error;
    std::optional<TimePoint> last_failure;
    bool running = true;             // false once it returned (or failed while stopping)
  };

  using Body = std::function<boost::asio::awaitable<void>()>;

  explicit Supervisor(boost::asio::io_context& io);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs body() until it returns; an exception restarts it after the backoff. `log` is the
  // context of the lines about it; `exited` runs when it is over for good.
  void spawn(std::string kind, std::string name, Body body, LogContext log = {}, std::function<void()> exited = {});

  // No more restarts: loops that end from now on stay ended.
  void stop();

  // Loops in a failure streak that have not run kHealthyAfter since (for /readyz).
  std::vector<LoopStatus> failing() const;
  // Every loop ever spawned and still running, and every loop that failed at least once.
  std::vector<LoopStatus> loops() const;
  // Restarts so far by kind, every kind spawned so far included (for the metric).
  std::map<std::string, std::uint64_t> restarts_by_kind() const;

  // Tests shorten the backoff.
  void set_delays(std::chrono::milliseconds first, std::chrono::milliseconds max,
                  std::chrono::milliseconds healthy_after);

 private:
  struct Entry;
  boost::asio::awaitable<void> supervise(std::shared_ptr<Entry> entry);
  bool healed(const Entry& entry) const;

  boost::asio::io_context& io_;
  std::vector<std::shared_ptr<Entry>> entries_;
  std::map<std::string, std::uint64_t> restarts_by_kind_;
  std::chrono::milliseconds first_delay_ = kFirstDelay;
  std::chrono::milliseconds max_delay_ = kMaxDelay;
  std::chrono::milliseconds healthy_after_ = kHealthyAfter;
  bool stopping_ = false;
};

}  // namespace newsalert
