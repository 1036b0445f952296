// HttpClient against a real loopback server: concurrency, timeouts, redirects, encodings, limits.
#include "net/http_client.hpp"
#include "tests/net/fetch_one.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <thread>

using namespace newsalert;
using namespace newsalert::net;
using namespace std::chrono_literals;
using newsalert::testing::HttpServer;
using newsalert::testing::Response;

using newsalert::net::testing::fetch_one;
using newsalert::net::testing::get;
using newsalert::net::testing::loopback_allowed;

TEST(HttpClient, FetchesABodyWithHeaders) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  const auto response = fetch_one(get(server.url("/feed")));
  EXPECT_FALSE(response.error) << response.describe();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<rss/>");
  EXPECT_FALSE(response.header("etag").empty());
  EXPECT_EQ(response.header("content-type"), "application/rss+xml");
}

TEST(HttpClient, SendsUserAgentAndRequestHeaders) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  auto request = get(server.url("/feed"));
  request.headers.emplace_back("If-None-Match", "\"abc\"");
  fetch_one(request);
  const auto seen = server.requests("/feed");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("if-none-match"), "\"abc\"");
  EXPECT_EQ(seen[0].header("user-agent").rfind("newsalertd/", 0), 0u);
}

TEST(HttpClient, DecodesGzip) {
  HttpServer server;
  const std::string body(50'000, 'x');
  server.serve_feed("/feed", body, "application/rss+xml", /*gzip=*/true);
  const auto response = fetch_one(get(server.url("/feed")));
  EXPECT_EQ(response.header("content-encoding"), "gzip");
  EXPECT_EQ(response.body, body);
}

TEST(HttpClient, FollowsRedirects) {
  HttpServer server;
  server.serve_feed("/new", "<rss/>");
  server.redirect("/old", "/new", 301);
  const auto response = fetch_one(get(server.url("/old")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.effective_url, server.url("/new"));
  EXPECT_EQ(response.redirects, 1);
}

TEST(HttpClient, StopsARedirectLoop) {
  HttpServer server;
  server.redirect("/a", "/b", 302);
  server.redirect("/b", "/a", 302);
  const auto response = fetch_one(get(server.url("/a")));
  EXPECT_TRUE(response.error);
  EXPECT_LE(server.count(""), 7u);
}

TEST(HttpClient, TimesOutASlowServer) {
  HttpServer server;
  server.route("/slow", [](const auto&) { return Response{200, {}, "late", 3s}; });
  auto request = get(server.url("/slow"));
  request.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const auto response = fetch_one(request);
  EXPECT_TRUE(response.error);
  EXPECT_NE(response.describe().find("imeout"), std::string::npos) << response.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(HttpClient, RefusesABodyOverTheLimit) {
  HttpServer server;
  server.serve_feed("/big", std::string(200'000, 'x'));
  auto request = get(server.url("/big"));
  request.max_bytes = 10'000;
  const auto response = fetch_one(request);
  EXPECT_TRUE(response.error);
  EXPECT_TRUE(response.too_large);
}

TEST(HttpClient, ReportsConnectionRefused) {
  std::string url;
  {
    HttpServer server;
    url = server.url("/gone");
  }
  const auto response = fetch_one(get(url));
  EXPECT_TRUE(response.error);
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.describe().empty());
}

TEST(HttpClient, PostsABody) {
  HttpServer server;
  server.serve_webhook("/hook");
  auto request = get(server.url("/hook"));
  request.method = "POST";
  request.body = R"({"a":1})";
  request.headers.emplace_back("Content-Type", "application/json");
  const auto response = fetch_one(request);
  EXPECT_EQ(response.status, 200);
  const auto seen = server.requests("/hook");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, R"({"a":1})");
  EXPECT_TRUE(seen[0].header("expect").empty());
}

// Many slow transfers overlap on one thread: every request reaches the server before the first
// answer is due.
TEST(HttpClient, RunsManyTransfersAtOnceOnOneThread) {
  HttpServer server;
  server.route("/slow", [](const auto&) { return Response{200, {}, "ok", 2s}; });
  boost::asio::io_context io;
  HttpClientOptions options = loopback_allowed();
  options.max_per_host = 32;
  HttpClient http(io, options);
  int done = 0;
  for (int i = 0; i < 20; ++i)
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
      const auto response = co_await http.async_fetch(get(server.url("/slow")), boost::asio::use_awaitable);
      if (response.status == 200) ++done;
    }, boost::asio::detached);
  io.run();
  EXPECT_EQ(done, 20);
  const auto seen = server.requests("/slow");
  ASSERT_EQ(seen.size(), 20u);
  EXPECT_LT(seen.back().at - seen.front().at, 2s);
}

TEST(HttpClient, CancelAllCompletesEveryTransferWithAborted) {
  HttpServer server;
  server.route("/slow", [](const auto&) { return Response{200, {}, "ok", 5s}; });
  boost::asio::io_context io;
  HttpClient http(io, loopback_allowed());
  std::vector<HttpResponse> responses;
  for (int i = 0; i < 3; ++i) http.async_fetch(get(server.url("/slow")), [&](HttpResponse r) { responses.push_back(r); });
  boost::asio::steady_timer timer(io, 200ms);
  timer.async_wait([&](auto) { http.cancel_all(); });
  io.run();
  ASSERT_EQ(responses.size(), 3u);
  for (const auto& r : responses) EXPECT_EQ(r.error, boost::asio::error::operation_aborted);
  EXPECT_EQ(http.in_flight(), 0u);
}

// An option curl refuses must stop the transfer, not let it run without the option.
TEST(HttpClient, ARefusedOptionFailsTheTransferAndNamesTheOption) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  auto request = get(server.url("/feed"));
  request.max_redirects = -2;   // curl takes -1 (no limit) and up
  const auto response = fetch_one(request);
  EXPECT_TRUE(response.error);
  EXPECT_EQ(response.failed_option, "CURLOPT_MAXREDIRS");
  EXPECT_EQ(response.failure(), TransportFailure::other);
  EXPECT_EQ(response.describe().rfind("cannot set CURLOPT_MAXREDIRS: ", 0), 0u) << response.describe();
  EXPECT_EQ(server.count("/feed"), 0u);
}

// curl refuses any string option longer than 8,000,000 bytes when it is set.
TEST(HttpClient, ARefusedPinnedKeyIsATlsFailure) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  auto request = get(server.url("/feed"));
  request.pinned_public_key = "sha256//" + std::string(8'000'000, 'A');
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::tls) << response.describe();
  EXPECT_EQ(response.describe().rfind("cannot set CURLOPT_PINNEDPUBLICKEY: ", 0), 0u) << response.describe();
  EXPECT_EQ(server.count("/feed"), 0u);
}

TEST(HttpClientDeathTest, AbortsWhenUsedFromASecondThread) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        boost::asio::io_context io;
        HttpClient http(io, loopback_allowed());
        http.cancel_all();   // binds the client to this thread
        std::thread other([&] { http.in_flight(); });
        other.join();
      },
      "HttpClient::in_flight called outside its io_context's thread");
}
