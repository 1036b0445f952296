// Delivery throughput and latency to a local receiver, at 1 and 64 endpoints, beside a baseline
// measured in the same run: a bare sequential POST loop on the same HTTP client (no outbox, no
// signing, one request at a time), the cost of one round trip on one connection.
//
//   build/bench/delivery_bench [alerts-per-run]     (default 2000)
//
// "burst": every alert committed at once, then delivered: alerts/s is the outbox drain rate.
// "trickle": alerts committed one by one at a fixed rate below capacity: latency from commit
// (the moment a match is committed in the daemon) to the POST arriving at the receiver.
#include "alerts/delivery.hpp"
#include "store/state_store.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <unordered_map>

using namespace newsalert;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Result {
  double alerts_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Records when each webhook-id first arrived.
class Receiver {
 public:
  explicit Receiver(int endpoints) {
    for (int i = 0; i < endpoints; ++i)
      server_.route("/hook/" + std::to_string(i), [this](const testing::RecordedRequest& request) {
        const auto now = SteadyClock::now();
        std::lock_guard lock(mutex_);
        arrived_.emplace(request.header("webhook-id"), now);
        return testing::Response{200, {}, "ok"};
      });
  }
  std::string url(int i) const { return server_.url("/hook/" + std::to_string(i)); }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return arrived_.size();
  }
  std::unordered_map<std::string, SteadyClock::time_point> arrived() {
    std::lock_guard lock(mutex_);
    return arrived_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    arrived_.clear();
  }

 private:
  testing::HttpServer server_;
  std::mutex mutex_;
  std::unordered_map<std::string, SteadyClock::time_point> arrived_;
};

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("newsalert-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void wait_until(Receiver& receiver, std::size_t n) {
  const auto deadline = SteadyClock::now() + 300s;
  while (receiver.count() < n && SteadyClock::now() < deadline) std::this_thread::sleep_for(1ms);
}

// The outbox and delivery loops as the daemon runs them, on their own I/O thread.
Result run_delivery(Receiver& receiver, int endpoints, int alerts, bool burst, const std::filesystem::path& db) {
  receiver.clear();
  std::filesystem::remove(db);
  store::StateStore store(db);
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  net::HttpClientOptions options;
  options.max_connections = 256;
  options.max_per_host = 256;   // every endpoint is on 127.0.0.1:port
  net::HttpClient http(io, options);
  std::vector<config::WebhookConfig> hooks;
  for (int i = 0; i < endpoints; ++i) {
    config::WebhookConfig w;
    w.name = "hook" + std::to_string(i);
    w.url = receiver.url(i);
    w.secret = std::string("benchmark-secret");
    w.concurrency = 4;
    w.breaker_failures = 0;
    hooks.push_back(std::move(w));
  }
  std::ostringstream lines;
  Supervisor supervisor(io);
  alerts::Delivery delivery(io, supervisor, http, store.outbox(), hooks, lines);
  std::unordered_map<std::string, SteadyClock::time_point> committed;
  const auto payload = [](const std::string& id) {
    return R"({"id":")" + id + R"(","watchlist":"bench","article":{"title":"Benchmark story","link":"https://x/"}})";
  };
  const auto make = [&](int i) {
    const std::string id = "na_" + std::to_string(i);
    return store::OutboxEntry{id, hooks[static_cast<std::size_t>(i % endpoints)].name, "bench", payload(id)};
  };

  SteadyClock::time_point start;
  std::thread thread([&] { io.run(); });
  if (burst) {
    std::promise<void> done;
    asio::post(io, [&] {
      std::vector<store::OutboxEntry> all;
      for (int i = 0; i < alerts; ++i) all.push_back(make(i));
      start = SteadyClock::now();
      store.outbox().enqueue(all, Clock::now());
      for (int i = 0; i < alerts; ++i) committed["na_" + std::to_string(i)] = start;
      delivery.start();
      done.set_value();
    });
    done.get_future().wait();
  } else {
    asio::post(io, [&] { delivery.start(); });
    start = SteadyClock::now();
    const auto gap = 20ms;   // 50 alerts/s: well below capacity, so latency is not queueing
    for (int i = 0; i < alerts; ++i) {
      std::this_thread::sleep_until(start + gap * i);
      asio::post(io, [&, i] {
        committed["na_" + std::to_string(i)] = SteadyClock::now();
        const auto entry = make(i);
        store.outbox().enqueue({entry}, Clock::now());
        delivery.wake({entry.webhook});
      });
    }
  }
  wait_until(receiver, static_cast<std::size_t>(alerts));
  const auto arrived = receiver.arrived();
  std::promise<void> stopped;
  asio::post(io, [&] {
    delivery.stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  while (true) {
    std::promise<std::size_t> running;
    asio::post(io, [&] { running.set_value(delivery.running()); });
    if (running.get_future().get() == 0) break;
    std::this_thread::sleep_for(1ms);
  }
  guard.reset();
  io.stop();
  thread.join();

  std::vector<double> latencies;
  SteadyClock::time_point last = start;
  for (const auto& [id, at] : arrived) {
    latencies.push_back(std::chrono::duration<double, std::milli>(at - committed[id]).count());
    last = std::max(last, at);
  }
  Result r;
  r.alerts_per_second = static_cast<double>(arrived.size()) / std::chrono::duration<double>(last - start).count();
  r.p50_ms = percentile(latencies, 0.50);
  r.p99_ms = percentile(latencies, 0.99);
  return r;
}

// Baseline: one POST at a time on one connection, no outbox, no signature.
Result run_baseline(Receiver& receiver, int alerts) {
  receiver.clear();
  asio::io_context io;
  net::HttpClient http(io, {});
  std::vector<double> latencies;
  const auto start = SteadyClock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < alerts; ++i) {
          net::HttpRequest request;
          request.url = receiver.url(0);
          request.method = "POST";
          request.body = R"({"id":"na_)" + std::to_string(i) + R"("})";
          request.headers = {{"Content-Type", "application/json"}, {"webhook-id", "na_" + std::to_string(i)}};
          const auto sent = SteadyClock::now();
          co_await http.async_fetch(std::move(request), asio::use_awaitable);
          latencies.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count());
        }
      },
      asio::detached);
  io.run();
  Result r;
  r.alerts_per_second = alerts / std::chrono::duration<double>(SteadyClock::now() - start).count();
  r.p50_ms = percentile(latencies, 0.50);
  r.p99_ms = percentile(latencies, 0.99);
  return r;
}

void print(const char* name, const Result& r) {
  std::printf("%-44s %10.0f %10.2f %10.2f\n", name, r.alerts_per_second, r.p50_ms, r.p99_ms);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int alerts = argc > 1 ? std::max(64, std::atoi(argv[1])) : 2000;
  const auto dir = scratch_dir();
  Receiver receiver(64);
  std::printf("delivery benchmark: %d alerts per run, receiver on 127.0.0.1, SQLite outbox (WAL, synchronous=FULL)\n",
              alerts);
  std::printf("%-44s %10s %10s %10s\n", "", "alerts/s", "p50 ms", "p99 ms");
  print("baseline: sequential POST loop, 1 connection", run_baseline(receiver, alerts));
  print("outbox -> 1 endpoint, burst", run_delivery(receiver, 1, alerts, true, dir / "a.db"));
  print("outbox -> 64 endpoints, burst", run_delivery(receiver, 64, alerts, true, dir / "b.db"));
  const int trickle = std::min(alerts, 200);
  print("outbox -> 1 endpoint, trickle 50/s", run_delivery(receiver, 1, trickle, false, dir / "c.db"));
  print("outbox -> 64 endpoints, trickle 50/s", run_delivery(receiver, 64, trickle, false, dir / "d.db"));
  std::filesystem::remove_all(dir);
  return 0;
}
