// The daemon's side of a delivery test: a store, the clients and the delivery loops on their own
// I/O thread; the test reads the database through a second connection.
#pragma once

#include "alerts/delivery.hpp"
#include "store/state_store.hpp"
#include "tests/store/temp_dir.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <sstream>
#include <thread>

namespace newsalert::testing {

// An alert payload whose feed text needs escaping in every markup (a feed title with & and <, a
// snippet with a tag) and whose names are not ASCII.
inline std::string chat_alert(const std::string& id, const std::string& title, const std::string& link,
                              const std::string& snippet = "He said <b>no</b> & left") {
  return nlohmann::json{{"id", id},
                        {"watchlist", "iran-turkey"},
                        {"article", {{"title", title}, {"link", link}, {"feed", {{"title", "Wire & <Co>"}}}}},
                        {"actors", {{{"name", "Recep Tayyip Erdoğan"}}, {{"name", "علی خامنه‌ای"}}}},
                        {"regions", {{{"name", "Iran"}}}},
                        {"snippets", {snippet}},
                        {"detected_at", "2026-12-03T10:00:00Z"}}
      .dump();
}

// A chat or incident API's webhook at `url` with a short retry schedule, for the delivery tests.
inline config::WebhookConfig api_hook(const std::string& name, config::WebhookFormat format, const std::string& url,
                                      const std::string& token) {
  config::WebhookConfig w;
  w.name = name;
  w.format = format;
  w.url = url;
  w.token = token;
  w.retry.schedule = {Millis(0), Millis(50), Millis(50)};
  w.timeout = std::chrono::seconds(5);
  return w;
}

// A derived fixture whose members the loops use (a receiver) calls stop() in its own destructor,
// before those members go.
class DeliveryFixture : public ::testing::Test {
 protected:
  ~DeliveryFixture() override { stop(); }

  void enqueue(const std::string& id, const std::string& webhook, const std::string& payload) {
    reader().outbox().enqueue({{id, webhook, "w", payload}}, Clock::now());
  }

  void start(std::vector<config::WebhookConfig> hooks, const net::HttpClientOptions& options = {}) {
    store_ = std::make_unique<store::StateStore>(dir_.path() / "newsalert.db");
    http_ = std::make_unique<net::HttpClient>(io_, options);
    delivery_ = std::make_unique<alerts::Delivery>(io_, supervisor_, *http_, store_->outbox(), std::move(hooks), lines_);
    delivery_->start();
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    if (!thread_.joinable()) return;
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      delivery_->stop();
      delivery_->cancel_mail();
      http_->cancel_all();
      done.set_value();
    });
    done.get_future().wait();
    guard_.reset();
    thread_.join();
  }

  store::StateStore& reader() {
    if (!reader_) reader_ = std::make_unique<store::StateStore>(dir_.path() / "newsalert.db");
    return *reader_;
  }

  template <class F>
  bool eventually(F done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  store::test::TempDir dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ = boost::asio::make_work_guard(io_);
  std::ostringstream lines_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<store::StateStore> reader_;
  std::unique_ptr<net::HttpClient> http_;
  Supervisor supervisor_{io_};
  std::unique_ptr<alerts::Delivery> delivery_;
  std::thread thread_;
};

}  // namespace newsalert::testing
