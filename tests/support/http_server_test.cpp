// Self-test of the loopback HTTP server and client the other tests rely on.
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kRss = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

std::string gunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
  }
  inflateEnd(&zs);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

template <typename F>
std::chrono::milliseconds time_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST(HttpServer, ServesFeedThen304OnIfNoneMatch) {
  HttpServer server;
  server.serve_feed("/feed.xml", kRss);
  const auto first = get(server.url("/feed.xml"));
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.body, kRss);
  EXPECT_EQ(first.header("Content-Type"), "application/rss+xml");
  const std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_FALSE(first.header("Last-Modified").empty());

  const auto second = get(server.url("/feed.xml"), {{"If-None-Match", etag}});
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  EXPECT_EQ(second.header("ETag"), etag);

  const auto other = get(server.url("/feed.xml"), {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(server.count("/feed.xml"), 3u);
}

TEST(HttpServer, Answers304WhenIfModifiedSinceEqualsLastModified) {
  HttpServer server;
  server.serve_feed("/feed.xml", kRss);
  const auto first = get(server.url("/feed.xml"));
  ASSERT_EQ(first.status, 200) << first.error;
  const auto second = get(server.url("/feed.xml"), {{"If-Modified-Since", first.header("Last-Modified")}});
  EXPECT_EQ(second.status, 304);
  const auto old = get(server.url("/feed.xml"), {{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}});
  EXPECT_EQ(old.status, 200);
}

TEST(HttpServer, UpdateFeedChangesEtagAndLastModified) {
  HttpServer server;
  server.serve_feed("/feed.xml", kRss);
  const auto first = get(server.url("/feed.xml"));
  ASSERT_EQ(first.status, 200) << first.error;

  server.update_feed("/feed.xml", "<rss version=\"2.0\"><channel><title>new</title></channel></rss>");
  const auto by_etag = get(server.url("/feed.xml"), {{"If-None-Match", first.header("ETag")}});
  EXPECT_EQ(by_etag.status, 200);
  EXPECT_NE(by_etag.header("ETag"), first.header("ETag"));
  EXPECT_NE(by_etag.header("Last-Modified"), first.header("Last-Modified"));
  EXPECT_NE(by_etag.body.find("<title>new</title>"), std::string::npos);

  const auto by_date = get(server.url("/feed.xml"), {{"If-Modified-Since", first.header("Last-Modified")}});
  EXPECT_EQ(by_date.status, 200);
  EXPECT_THROW(server.update_feed("/not-a-feed", "x"), std::logic_error);
}

TEST(HttpServer, GzipsFeedOnlyWhenAskedFor) {
  HttpServer server;
  std::string big;
  for (int i = 0; i < 200; ++i) big += "<item><title>item</title></item>";
  server.serve_feed("/feed.atom", big, "application/atom+xml", true);

  const auto zipped = get(server.url("/feed.atom"), {{"Accept-Encoding", "deflate, gzip;q=1.0"}});
  ASSERT_EQ(zipped.status, 200) << zipped.error;
  EXPECT_EQ(zipped.header("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped.header("Content-Type"), "application/atom+xml");
  EXPECT_LT(zipped.body.size(), big.size());
  EXPECT_EQ(gunzip(zipped.body), big);

  const auto plain = get(server.url("/feed.atom"));
  EXPECT_EQ(plain.header("Content-Encoding"), "");
  EXPECT_EQ(plain.body, big);

  server.serve_feed("/never-zipped", big);
  const auto asked = get(server.url("/never-zipped"), {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(asked.header("Content-Encoding"), "");
  EXPECT_EQ(asked.body, big);
}

TEST(HttpServer, WebhookAnswersScriptInOrderThenDefault) {
  HttpServer server;
  server.serve_webhook("/hook", {Response{500}, Response{500, {{"Retry-After", "1"}}, "busy"}});
  HttpClient client("127.0.0.1", server.port());
  EXPECT_EQ(client.post("/hook", "one", {{"Content-Type", "application/json"}}).status, 500);
  const auto second = client.post("/hook", "two");
  EXPECT_EQ(second.status, 500);
  EXPECT_EQ(second.header("Retry-After"), "1");
  EXPECT_EQ(second.body, "busy");
  const auto third = client.post("/hook", "three");
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(third.body, "ok");
  EXPECT_EQ(client.post("/hook", "four").status, 200);

  const auto recorded = server.requests("/hook");
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[0].method, "POST");
  EXPECT_EQ(recorded[0].body, "one");
  EXPECT_EQ(recorded[0].header("content-type"), "application/json");
  EXPECT_EQ(recorded[0].headers.count("content-type"), 1u);
  EXPECT_EQ(recorded[2].body, "three");
  EXPECT_LE(recorded[0].at, recorded[3].at);
}

TEST(HttpServer, KeepsConnectionAlive) {
  HttpServer server;
  server.serve_feed("/feed.xml", kRss);
  HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.get("/feed.xml").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_TRUE(client.is_open());

  EXPECT_EQ(client.get("/feed.xml", {{"Connection", "close"}}).status, 200);
  EXPECT_FALSE(client.is_open());
}

TEST(HttpServer, DelayedResponseDoesNotBlockOtherConnections) {
  HttpServer server;
  server.route("/slow", [](const RecordedRequest&) { return Response{200, {}, "slow", 1500ms}; });
  server.route("/fast", [](const RecordedRequest&) { return Response{200, {}, "fast"}; });

  auto slow = std::async(std::launch::async, [&] { return get(server.url("/slow")); });
  ASSERT_TRUE(server.wait_for("/slow", 1, 2s));
  ClientResponse fast;
  const auto fast_time = time_of([&] { fast = get(server.url("/fast")); });
  EXPECT_EQ(fast.body, "fast");
  EXPECT_LT(fast_time, 1000ms);
  // The slow answer is still pending when the fast one has come back.
  EXPECT_EQ(slow.wait_for(0ms), std::future_status::timeout);

  ClientResponse slow_res;
  const auto slow_time = time_of([&] { slow_res = slow.get(); });
  EXPECT_EQ(slow_res.body, "slow");
  EXPECT_GT(slow_time + fast_time, 300ms);
}

TEST(HttpServer, WaitForReturnsOnceRequestsArriveOrTimesOut) {
  HttpServer server;
  server.serve_webhook("/hook");
  EXPECT_FALSE(server.wait_for("/hook", 1, 50ms));

  std::thread poster([&] {
    std::this_thread::sleep_for(100ms);
    post(server.url("/hook"), "a");
    post(server.url("/hook"), "b");
  });
  EXPECT_TRUE(server.wait_for("/hook", 2, 5s));
  poster.join();
  EXPECT_EQ(server.count("/hook"), 2u);
  EXPECT_FALSE(server.wait_for("/hook", 3, 50ms));
}

TEST(HttpServer, UnknownPathIs404AndStillRecorded) {
  HttpServer server;
  const auto res = get(server.url("/nope"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(server.count("/nope"), 1u);
}

TEST(HttpServer, RoutesMatchThePathWithoutQuery) {
  HttpServer server;
  server.route("/search", [](const RecordedRequest& r) { return Response{200, {}, r.target}; });
  const auto res = get(server.url("/search?q=1&x=y"));
  EXPECT_EQ(res.body, "/search?q=1&x=y");
  const auto recorded = server.requests("/search");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].path, "/search");

  server.route("/search", [](const RecordedRequest&) { return Response{201}; });
  EXPECT_EQ(get(server.url("/search")).status, 201);
}

TEST(HttpServer, RedirectAnswersLocation) {
  HttpServer server;
  server.redirect("/old", server.url("/new"));
  server.redirect("/temp", "/new", 302);
  const auto moved = get(server.url("/old"));
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.header("Location"), server.url("/new"));
  const auto temp = get(server.url("/temp"));
  EXPECT_EQ(temp.status, 302);
  EXPECT_EQ(temp.header("Location"), "/new");
}

TEST(HttpServer, CloseWithoutResponseDropsTheConnection) {
  HttpServer server;
  Response drop;
  drop.close_without_response = true;
  server.serve_webhook("/hook", {drop});
  HttpClient client("127.0.0.1", server.port());
  const auto res = client.post("/hook", "x");
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
  EXPECT_EQ(client.post("/hook", "y").status, 200);
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST(HttpServer, RequestsFilterAndClear) {
  HttpServer server;
  server.serve_webhook("/a");
  server.serve_webhook("/b");
  post(server.url("/a"), "1");
  post(server.url("/b"), "2");
  post(server.url("/a"), "3");
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.count(""), 3u);
  const auto a = server.requests("/a");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].body, "3");
  server.clear_requests();
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(server.count("/a"), 0u);
}

TEST(HttpServer, DestructorIsPromptWithKeepAliveConnectionOpen) {
  auto server = std::make_unique<HttpServer>();
  server->serve_feed("/feed.xml", kRss);
  HttpClient client("127.0.0.1", server->port());
  ASSERT_EQ(client.get("/feed.xml").status, 200);
  ASSERT_TRUE(client.is_open());
  EXPECT_LT(time_of([&] { server.reset(); }), 500ms);
  // The server closed its end: the next request on the old connection fails.
  EXPECT_EQ(client.get("/feed.xml").status, 0);
}

TEST(HttpServer, DestructorIsPromptWithDelayedResponsePending) {
  auto server = std::make_unique<HttpServer>();
  server->route("/slow", [](const RecordedRequest&) { return Response{200, {}, "late", 30s}; });
  auto pending = std::async(std::launch::async, [url = server->url("/slow")] { return get(url); });
  ASSERT_TRUE(server->wait_for("/slow", 1, 2s));
  EXPECT_LT(time_of([&] { server.reset(); }), 500ms);
  ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(pending.get().status, 0);
}

TEST(HttpServer, PortIsFreedAfterDestruction) {
  std::uint16_t port = 0;
  {
    HttpServer server;
    port = server.port();
    EXPECT_NE(port, 0);
    EXPECT_EQ(server.url("/x"), "http://127.0.0.1:" + std::to_string(port) + "/x");
  }
  HttpClient client("127.0.0.1", port, 1s);
  EXPECT_FALSE(client.connect());
}
