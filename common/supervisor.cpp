// Restart with backoff, one error line per failure streak, and the state readiness reads.
#include "common/supervisor.hpp"

#include "common/log_exception.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace asio = boost::asio;

// GCC 12 reports a false -Wmismatched-new-delete for coroutine frames (Asio's frame allocator).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace newsalert {

struct Supervisor::Entry {
  LoopStatus status;
  Body body;
  LogContext log;
  std::function<void()> exited;
  std::chrono::steady_clock::time_point started;   // of the current run
  bool waiting = false;                              // for its restart
};

Supervisor::Supervisor(asio::io_context& io) : io_(io) {}

Supervisor::~Supervisor() = default;

void Supervisor::set_delays(std::chrono::milliseconds first, std::chrono::milliseconds max,
                            std::chrono::milliseconds healthy_after) {
  first_delay_ = first;
  max_delay_ = max;
  healthy_after_ = healthy_after;
}

void Supervisor::spawn(std::string kind, std::string name, Body body, LogContext log, std::function<void()> exited) {
  auto entry = std::make_shared<Entry>();
  entry->status.kind = std::move(kind);
  entry->status.name = std::move(name);
  entry->body = std::move(body);
  entry->log = std::move(log);
  entry->exited = std::move(exited);
  restarts_by_kind_.try_emplace(entry->status.kind, 0);
  // Ended loops that never failed are forgotten, so reloads that remove feeds do not pile up.
  std::erase_if(entries_, [](const auto& e) { return !e->status.running && e->status.restarts == 0; });
  entries_.push_back(entry);
  asio::co_spawn(io_, supervise(std::move(entry)), asio::detached);
}

void Supervisor::stop() { stopping_ = true; }

bool Supervisor::healed(const Entry& entry) const {
  return !entry.waiting && std::chrono::steady_clock::now() - entry.started >= healthy_after_;
}

asio::awaitable<void> Supervisor::supervise(std::shared_ptr<Entry> entry) {
  LoopStatus& status = entry->status;
  for (;;) {
    entry->started = std::chrono::steady_clock::now();
    std::exception_ptr error;
    try {
      co_await entry->body();
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) break;
    const std::string message = describe_exception(error);
    // Built only on this path: with thousands of feeds, a healthy loop carries nothing extra.
    const std::string what = status.kind + (status.name.empty() ? std::string() : " " + status.name);
    if (stopping_) {
      entry->log.warn("{} loop ended while stopping: {}", what, message);
      break;
    }
    if (status.streak > 0 && healed(*entry)) {
      entry->log.info("{} loop had run {} without failing since its last restart", what,
                      format_duration(std::chrono::duration_cast<Millis>(healthy_after_)));
      status.streak = 0;
    }
    ++status.streak;
    ++status.restarts;
    ++restarts_by_kind_[status.kind];
    status.last_error = message;
    status.last_failure = Clock::now();
    const auto doublings = std::min<std::uint64_t>(status.streak - 1, 16);
    const auto delay = std::min(max_delay_, first_delay_ * (std::int64_t{1} << doublings));
    // One line at error level per streak: a loop failing every second must not flood the log.
    if (status.streak == 1)
      entry->log.error("{} loop failed: {}; restarting it in {}, then with backoff up to {} while it keeps failing",
                       what, message, format_duration(delay), format_duration(max_delay_));
    else
      entry->log.debug("{} loop failed again ({} in a row): {}; restarting in {}", what, status.streak, message,
                       format_duration(delay));
    entry->waiting = true;
    asio::steady_timer timer(io_, delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    entry->waiting = false;
    if (stopping_) break;
  }
  status.running = false;
  if (entry->exited) entry->exited();
}

std::vector<Supervisor::LoopStatus> Supervisor::failing() const {
  std::vector<LoopStatus> out;
  for (const auto& entry : entries_)
    if (entry->status.running && entry->status.streak > 0 && !healed(*entry)) out.push_back(entry->status);
  return out;
}

std::vector<Supervisor::LoopStatus> Supervisor::loops() const {
  std::vector<LoopStatus> out;
  for (const auto& entry : entries_) {
    LoopStatus status = entry->status;
    if (status.streak > 0 && healed(*entry)) status.streak = 0;
    out.push_back(std::move(status));
  }
  return out;
}

std::map<std::string, std::uint64_t> Supervisor::restarts_by_kind() const { return restarts_by_kind_; }

}  // namespace newsalert
