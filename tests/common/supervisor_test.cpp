// Supervised loops: restarted with backoff after an exception, visible while failing, healed after
// running long enough, and left ended once the supervisor stops.
#include "common/supervisor.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

using namespace newsalert;
using namespace std::chrono_literals;
namespace asio = boost::asio;

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

// Fails `failures` times, then runs until `hold` has passed.
asio::awaitable<void> flaky(asio::io_context& io, int& runs, int failures, std::chrono::milliseconds hold) {
  ++runs;
  if (runs <= failures) throw std::runtime_error("database is locked");
  asio::steady_timer timer(io, hold);
  co_await timer.async_wait(asio::use_awaitable);
}

void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

}  // namespace

TEST(Supervisor, RestartsALoopThatThrowsWithGrowingDelays) {
  asio::io_context io;
  Supervisor supervisor(io);
  supervisor.set_delays(20ms, 80ms, 10s);
  int runs = 0;
  bool exited = false;
  supervisor.spawn("poll", "https://a.example/rss", [&] { return flaky(io, runs, 3, 10ms); }, {},
                   [&] { exited = true; });
  const auto start = std::chrono::steady_clock::now();
  run_for(io, 2s);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(runs, 4) << "three failures, then a run that returns";
  EXPECT_TRUE(exited);
  // 20 + 40 + 80 ms of backoff before the fourth run.
  EXPECT_GE(took, 140ms);
  const auto loops = supervisor.loops();
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_EQ(loops[0].restarts, 3u);
  EXPECT_EQ(loops[0].last_error, "database is locked");
  EXPECT_FALSE(loops[0].running);
  EXPECT_EQ(supervisor.restarts_by_kind().at("poll"), 3u);
}

TEST(Supervisor, AFailingLoopIsListedUntilItHasRunLongEnough) {
  asio::io_context io;
  Supervisor supervisor(io);
  supervisor.set_delays(10ms, 10ms, 300ms);
  int runs = 0;
  supervisor.spawn("delivery", "ops", [&] { return flaky(io, runs, 1, 10s); });
  supervisor.spawn("retention", "", [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(io, 10s);
    co_await timer.async_wait(asio::use_awaitable);
  });
  run_for(io, 100ms);
  auto failing = supervisor.failing();
  ASSERT_EQ(failing.size(), 1u) << "the loop that never failed is not listed";
  EXPECT_EQ(failing[0].kind, "delivery");
  EXPECT_EQ(failing[0].name, "ops");
  run_for(io, 400ms);
  EXPECT_TRUE(supervisor.failing().empty()) << "healed after running 300 ms without failing";
  EXPECT_EQ(supervisor.restarts_by_kind().at("retention"), 0u);
}

TEST(Supervisor, NoRestartOnceStopped) {
  asio::io_context io;
  Supervisor supervisor(io);
  supervisor.set_delays(50ms, 50ms, 10s);
  int runs = 0;
  bool exited = false;
  supervisor.spawn("poll", "x", [&] { return flaky(io, runs, 100, 0ms); }, {}, [&] { exited = true; });
  run_for(io, 20ms);
  EXPECT_EQ(runs, 1);
  supervisor.stop();
  run_for(io, 200ms);
  EXPECT_EQ(runs, 1) << "the wait for the restart ends without one";
  EXPECT_TRUE(exited);
}
