// fetch_feed as a polite HTTP client, checked from the loopback server's side: what it sent, how
// often, where it went after redirects, and how each kind of failure is classified.
#include "poll/feed_fetcher.hpp"
#include "poll/poll_schedule.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace newsalert;
using namespace newsalert::feeds;
using namespace newsalert::poll;
using namespace std::chrono_literals;
using newsalert::testing::HttpServer;
using newsalert::testing::RecordedRequest;
using newsalert::testing::Response;

namespace {

const char* const kFeed = R"(<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>/one</link><guid>1</guid></item></channel></rss>)";

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(NEWSALERT_TEST_DATA_DIR) + "/http/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string zlib_deflate(const std::string& data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
           static_cast<uLong>(data.size()));
  out.resize(size);
  return out;
}

config::FeedConfig feed_at(std::string url) {
  config::FeedConfig feed;
  feed.url = std::move(url);
  feed.allow = {*NetworkRange::parse("127.0.0.0/8")};   // the test server is on loopback
  return feed;
}

std::vector<FetchOutcome> fetch_all(const std::vector<config::FeedConfig>& feeds, const config::PollConfig& poll = {},
                                    const store::FeedState& state = {}, long per_host = 4) {
  boost::asio::io_context io;
  net::HttpClientOptions options;
  options.max_per_host = per_host;
  options.address_policy = std::make_shared<net::AddressPolicy>();
  net::HttpClient http(io, options);
  std::vector<FetchOutcome> outcomes(feeds.size());
  for (std::size_t i = 0; i < feeds.size(); ++i)
    boost::asio::co_spawn(io, fetch_feed(http, feeds[i], poll, state), [&, i](std::exception_ptr e, FetchOutcome o) {
      if (e) std::rethrow_exception(e);
      outcomes[i] = std::move(o);
    });
  io.run();
  return outcomes;
}

FetchOutcome fetch(const config::FeedConfig& feed, const config::PollConfig& poll = {},
                   const store::FeedState& state = {}) {
  return fetch_all({feed}, poll, state).front();
}

FetchOutcome fetch(const std::string& url, const config::PollConfig& poll = {}, const store::FeedState& state = {}) {
  return fetch(feed_at(url), poll, state);
}

Response feed_response(std::map<std::string, std::string> headers = {}, std::string body = kFeed) {
  headers.emplace("Content-Type", "application/rss+xml");
  return Response{200, std::move(headers), std::move(body)};
}

}  // namespace

// --- Accept-Encoding ---------------------------------------------------------------------------

TEST(FeedHttp, AdvertisesExactlyTheEncodingsCurlDecodes) {
  HttpServer server;
  server.serve_feed("/rss", kFeed);
  fetch(server.url("/rss"));
  const std::string sent = server.requests("/rss").at(0).header("accept-encoding");
  EXPECT_EQ(sent, net::HttpClient::accepted_encodings());
  // Debian 12's libcurl is built with zlib and brotli.
  EXPECT_EQ(sent.rfind("gzip, deflate, br", 0), 0u) << sent;
}

TEST(FeedHttp, DecodesEveryAdvertisedEncoding) {
  const std::string plain = read_data("encoded_feed.rss");
  ASSERT_FALSE(plain.empty());
  HttpServer server;
  server.serve_feed("/gzip", plain, "application/rss+xml", /*gzip=*/true);
  const std::map<std::string, std::string> bodies = {
      {"deflate", zlib_deflate(plain)}, {"br", read_data("encoded_feed.rss.br")}, {"zstd", read_data("encoded_feed.rss.zst")}};
  for (const auto& [coding, body] : bodies)
    server.route("/" + coding, [coding = coding, body = body](const RecordedRequest&) {   // clang 14 cannot capture bindings
      return feed_response({{"Content-Encoding", coding}}, body);
    });
  for (const std::string coding : {"gzip", "deflate", "br", "zstd"}) {
    if (net::HttpClient::accepted_encodings().find(coding) == std::string::npos) continue;
    const auto outcome = fetch(server.url("/" + coding));
    ASSERT_EQ(outcome.result, FetchResult::updated) << coding << ": " << outcome.error;
    ASSERT_EQ(outcome.feed.articles.size(), 1u) << coding;
    EXPECT_EQ(outcome.feed.articles[0].title, "Compressed on the wire, plain in the parser") << coding;
  }
  EXPECT_EQ(server.requests("/gzip").at(0).header("accept-encoding").find("gzip"), 0u);
}

// --- Redirects ---------------------------------------------------------------------------------

TEST(FeedHttp, PermanentRedirectsReportTheNewUrl) {
  for (const int status : {301, 308}) {
    HttpServer server;
    server.serve_feed("/new", kFeed);
    server.redirect("/old", "/new", status);
    const auto outcome = fetch(server.url("/old"));
    ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
    EXPECT_EQ(outcome.permanent_url, server.url("/new")) << status;
    EXPECT_EQ(outcome.feed.articles[0].feed_url, server.url("/old"));
    EXPECT_EQ(server.count("/old"), 1u);
    EXPECT_EQ(server.count("/new"), 1u);
  }
}

TEST(FeedHttp, TemporaryRedirectsKeepTheUrl) {
  for (const int status : {302, 303, 307}) {
    HttpServer server;
    server.serve_feed("/new", kFeed);
    server.redirect("/old", "/new", status);
    const auto outcome = fetch(server.url("/old"));
    ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
    EXPECT_EQ(outcome.permanent_url, "") << status;
    EXPECT_EQ(server.count("/new"), 1u);
  }
}

TEST(FeedHttp, OnlyTheLeadingPermanentHopsMoveTheFeed) {
  HttpServer server;
  server.serve_feed("/c", kFeed);
  server.redirect("/a", "/b", 301);
  server.redirect("/b", "/c", 302);
  EXPECT_EQ(fetch(server.url("/a")).permanent_url, server.url("/b"));
  server.redirect("/x", "/y", 302);
  server.redirect("/y", "/c", 301);
  EXPECT_EQ(fetch(server.url("/x")).permanent_url, "");
}

TEST(FeedHttp, RelativeLocationsResolveAgainstTheRequestUrl) {
  HttpServer server;
  server.serve_feed("/feeds/new.xml", kFeed);
  server.redirect("/feeds/old.xml", "new.xml", 301);
  const auto outcome = fetch(server.url("/feeds/old.xml"));
  ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
  EXPECT_EQ(outcome.permanent_url, server.url("/feeds/new.xml"));
}

TEST(FeedHttp, PollsTheStoredUrlDirectly) {
  HttpServer server;
  server.serve_feed("/new", kFeed);
  server.redirect("/old", "/new", 301);
  store::FeedState state;
  state.current_url = server.url("/new");
  const auto outcome = fetch(server.url("/old"), {}, state);
  ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
  EXPECT_EQ(outcome.url, server.url("/new"));
  EXPECT_EQ(outcome.permanent_url, "");
  EXPECT_EQ(server.count("/old"), 0u);
  EXPECT_EQ(outcome.feed.articles[0].feed_url, server.url("/old"));   // entries keep the configured URL
}

TEST(FeedHttp, APermanentRedirectToAFailureIsNotAdopted) {
  HttpServer server;
  server.redirect("/old", "/gone", 301);
  const auto outcome = fetch(server.url("/old"));
  EXPECT_EQ(outcome.result, FetchResult::failed);
  EXPECT_EQ(outcome.failure, FailureClass::http_4xx);
  EXPECT_EQ(outcome.permanent_url, "");
}

TEST(FeedHttp, RedirectLoopsStopAfterTheHopLimit) {
  HttpServer server;
  server.redirect("/a", "/b", 301);
  server.redirect("/b", "/a", 301);
  const auto outcome = fetch(server.url("/a"));
  EXPECT_EQ(outcome.result, FetchResult::failed);
  EXPECT_EQ(outcome.failure, FailureClass::redirect);
  EXPECT_NE(outcome.error.find("redirects"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.permanent_url, "");
  EXPECT_EQ(server.count(""), static_cast<std::size_t>(kMaxFeedRedirects + 1));
}

TEST(FeedHttp, RedirectWithoutLocationIsARedirectFailure) {
  HttpServer server;
  server.route("/moved", [](const RecordedRequest&) { return Response{301, {}, ""}; });
  const auto outcome = fetch(server.url("/moved"));
  EXPECT_EQ(outcome.failure, FailureClass::redirect);
  EXPECT_EQ(outcome.error, "HTTP 301 without a Location header");
}

// --- Request headers and basic auth -----------------------------------------------------------

TEST(FeedHttp, SendsBasicAuthAndCustomHeaders) {
  HttpServer server;
  server.serve_feed("/private", kFeed);
  auto feed = feed_at(server.url("/private"));
  feed.username = "reader";
  feed.password = "s3cret:pass";
  feed.headers = {{"X-Api-Key", "k-123"}, {"Accept", "application/rss+xml"}};
  ASSERT_EQ(fetch(feed).result, FetchResult::updated);
  const auto seen = server.requests("/private").at(0);
  EXPECT_EQ(seen.header("authorization"), "Basic cmVhZGVyOnMzY3JldDpwYXNz");   // base64("reader:s3cret:pass")
  EXPECT_EQ(seen.header("x-api-key"), "k-123");
  EXPECT_EQ(seen.header("accept"), "application/rss+xml");   // replaces the default, not added to it
}

TEST(FeedHttp, CredentialsStayWithTheConfiguredOrigin) {
  HttpServer server;
  server.serve_feed("/elsewhere", kFeed);
  // localhost and 127.0.0.1 are different origins (same server, so the test stays on loopback).
  const std::string other = "http://localhost:" + std::to_string(server.port()) + "/elsewhere";
  server.redirect("/private", other, 302);
  server.redirect("/same-origin", "/elsewhere", 302);
  auto feed = feed_at(server.url("/private"));
  feed.username = "reader";
  feed.password = "pw";
  feed.headers = {{"X-Api-Key", "k-123"}};
  ASSERT_EQ(fetch(feed).result, FetchResult::updated);
  feed.url = server.url("/same-origin");
  ASSERT_EQ(fetch(feed).result, FetchResult::updated);
  const auto first = server.requests("/private").at(0);
  EXPECT_FALSE(first.header("authorization").empty());
  const auto hops = server.requests("/elsewhere");
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0].header("host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(hops[0].header("authorization"), "");
  EXPECT_EQ(hops[0].header("x-api-key"), "");
  EXPECT_FALSE(hops[1].header("authorization").empty());   // a same-origin hop keeps them
  EXPECT_EQ(hops[1].header("x-api-key"), "k-123");
}

// --- Retry-After, Cache-Control, ttl ----------------------------------------------------------

TEST(FeedHttp, RetryAfterIsReadOn429And503) {
  HttpServer server;
  server.route("/limited", [](const RecordedRequest&) { return Response{429, {{"Retry-After", "7"}}, ""}; });
  server.route("/down", [](const RecordedRequest&) {
    return Response{503, {{"Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT"}}, ""};
  });
  server.route("/broken", [](const RecordedRequest&) { return Response{500, {{"Retry-After", "7"}}, ""}; });
  const auto limited = fetch(server.url("/limited"));
  EXPECT_EQ(limited.failure, FailureClass::http_4xx);
  EXPECT_EQ(limited.error, "HTTP 429");
  EXPECT_EQ(limited.retry_after, 7s);
  const auto down = fetch(server.url("/down"));
  EXPECT_EQ(down.failure, FailureClass::http_5xx);
  EXPECT_EQ(down.retry_after, kMaxRetryAfter);   // an HTTP-date, far away: capped
  EXPECT_EQ(fetch(server.url("/broken")).retry_after, std::nullopt);
}

TEST(FeedHttp, CacheControlMaxAgeIsReadOnFreshAndUnchangedResponses) {
  HttpServer server;
  server.route("/cached", [](const RecordedRequest& request) {
    if (request.header("if-none-match") == "\"v1\"") return Response{304, {{"Cache-Control", "max-age=600"}}, ""};
    return feed_response({{"Cache-Control", "public, max-age=3600"}, {"ETag", "\"v1\""}});
  });
  const auto fresh = fetch(server.url("/cached"));
  ASSERT_EQ(fresh.result, FetchResult::updated);
  EXPECT_EQ(fresh.max_age, 3600s);
  store::FeedState state;
  state.etag = fresh.etag;
  const auto unchanged = fetch(server.url("/cached"), {}, state);
  ASSERT_EQ(unchanged.result, FetchResult::not_modified);
  EXPECT_EQ(unchanged.max_age, 600s);
}

TEST(FeedHttp, RssTtlIsReadFromTheChannel) {
  HttpServer server;
  server.serve_feed("/ttl", R"(<rss version="2.0"><channel><title>T</title><ttl> 45 </ttl>
<item><title>One</title><link>/one</link></item></channel></rss>)");
  server.serve_feed("/bad-ttl", R"(<rss version="2.0"><channel><title>T</title><ttl>soon</ttl>
<item><title>One</title><link>/one</link></item></channel></rss>)");
  EXPECT_EQ(fetch(server.url("/ttl")).feed.ttl, 45min);
  EXPECT_EQ(fetch(server.url("/bad-ttl")).feed.ttl, std::nullopt);
}

// --- Per-host concurrency ---------------------------------------------------------------------

namespace {

// Arrival times of `n` feeds fetched at once from one host whose every answer takes `delay`.
std::vector<std::chrono::steady_clock::time_point> arrivals(long per_host, std::size_t n, Millis delay) {
  HttpServer server;
  std::vector<config::FeedConfig> feeds;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string path = "/slow" + std::to_string(i);
    server.route(path, [delay](const RecordedRequest&) {
      auto response = feed_response();
      response.delay = delay;
      return response;
    });
    feeds.push_back(feed_at(server.url(path)));
  }
  for (const auto& outcome : fetch_all(feeds, {}, {}, per_host)) EXPECT_EQ(outcome.result, FetchResult::updated);
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& request : server.requests()) at.push_back(request.at);
  std::sort(at.begin(), at.end());
  return at;
}

}  // namespace

TEST(FeedHttp, NeverHasMoreThanPerHostRequestsInFlightToOneHost) {
  const Millis delay = 1500ms;
  const auto limited = arrivals(2, 6, delay);
  ASSERT_EQ(limited.size(), 6u);
  // Request i can only start once request i-2 was answered: its arrival is at least `delay` later.
  for (std::size_t i = 2; i < limited.size(); ++i)
    EXPECT_GE(limited[i] - limited[i - 2], delay - 100ms) << "request " << i;
  // The same fetches without the limit all arrive before the first answer: the check above can fail.
  const auto unlimited = arrivals(6, 6, delay);
  ASSERT_EQ(unlimited.size(), 6u);
  EXPECT_LT(unlimited.back() - unlimited.front(), delay);
}

// --- Size limit and failure classes -----------------------------------------------------------

TEST(FeedHttp, ABodyOverTheLimitIsAClearError) {
  HttpServer server;
  server.serve_feed("/big", std::string(5000, ' ') + kFeed);
  // 200 kB of whitespace compresses to a few hundred bytes: the limit applies to the decoded body.
  server.serve_feed("/bomb", std::string(200'000, ' ') + kFeed, "application/rss+xml", /*gzip=*/true);
  config::PollConfig poll;
  poll.max_bytes = 1000;
  for (const char* path : {"/big", "/bomb"}) {
    const auto outcome = fetch(server.url(path), poll);
    EXPECT_EQ(outcome.result, FetchResult::failed) << path;
    EXPECT_EQ(outcome.failure, FailureClass::too_large) << path;
    EXPECT_EQ(outcome.error, "response larger than 1000 bytes (poll.max_bytes)") << path;
  }
  poll.max_bytes = 1'000'000;
  EXPECT_EQ(fetch(server.url("/bomb"), poll).result, FetchResult::updated);
}

TEST(FeedHttp, EachFailureHasItsClass) {
  HttpServer server;
  server.route("/404", [](const RecordedRequest&) { return Response{404, {}, "no"}; });
  server.route("/500", [](const RecordedRequest&) { return Response{500, {}, "oops"}; });
  server.serve_feed("/html", "<html><body>hello</body></html>", "text/html");
  server.route("/slow", [](const RecordedRequest&) { return Response{200, {}, kFeed, 3s}; });
  std::string closed_port_url;
  {
    HttpServer gone;
    closed_port_url = gone.url("/feed");
  }
  config::PollConfig quick;
  quick.timeout = 300ms;
  const std::string tls_url = "https://127.0.0.1:" + std::to_string(server.port()) + "/404";   // plain HTTP there

  EXPECT_EQ(fetch(server.url("/404")).failure, FailureClass::http_4xx);
  EXPECT_EQ(fetch(server.url("/500")).failure, FailureClass::http_5xx);
  const auto html = fetch(server.url("/html"));
  EXPECT_EQ(html.failure, FailureClass::not_a_feed);
  EXPECT_NE(html.error.find("not a feed"), std::string::npos) << html.error;
  EXPECT_EQ(fetch(server.url("/slow"), quick).failure, FailureClass::timeout);
  EXPECT_EQ(fetch(closed_port_url).failure, FailureClass::connect);
  const auto tls = fetch(tls_url);
  EXPECT_EQ(tls.failure, FailureClass::tls) << tls.error;
  EXPECT_EQ(fetch(server.url("/404")).error, "HTTP 404");
}

TEST(FeedHttp, FailureClassesHaveStableNames) {
  const std::vector<std::pair<FailureClass, std::string_view>> names = {
      {FailureClass::none, "none"},           {FailureClass::dns, "dns"},
      {FailureClass::connect, "connect"},     {FailureClass::timeout, "timeout"},
      {FailureClass::tls, "tls"},             {FailureClass::network, "network"},
      {FailureClass::too_large, "too_large"}, {FailureClass::redirect, "redirect"},
      {FailureClass::http_4xx, "http_4xx"},   {FailureClass::http_5xx, "http_5xx"},
      {FailureClass::not_a_feed, "not_a_feed"}};
  for (const auto& [failure, name] : names) EXPECT_EQ(failure_class_name(failure), name);
}

TEST(FeedHttp, TransportErrorsMapToTheirClass) {
  net::HttpResponse response;
  response.error = boost::system::error_code(6, net::curl_category());   // CURLE_COULDNT_RESOLVE_HOST
  EXPECT_EQ(classify_response(response), FailureClass::dns);
  response.error = boost::system::error_code(60, net::curl_category());  // CURLE_PEER_FAILED_VERIFICATION
  EXPECT_EQ(classify_response(response), FailureClass::tls);
  response.error = boost::system::error_code(56, net::curl_category());  // CURLE_RECV_ERROR
  EXPECT_EQ(classify_response(response), FailureClass::network);
}
