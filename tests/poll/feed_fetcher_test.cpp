// fetch_feed against a real loopback server: validators, 304, errors as values.
#include "poll/feed_fetcher.hpp"
#include "common/worker_pool.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::feeds;
using namespace newsalert::poll;
using newsalert::testing::HttpServer;

namespace {

const char* const kFeed = R"(<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>/one</link><guid>1</guid></item></channel></rss>)";

FetchOutcome fetch(const std::string& url, const store::FeedState& state = {}, WorkerPool* pool = nullptr) {
  boost::asio::io_context io;
  net::HttpClientOptions options;
  options.address_policy = std::make_shared<net::AddressPolicy>();
  net::HttpClient http(io, options);
  config::FeedConfig feed;
  feed.url = url;
  feed.allow = {*NetworkRange::parse("127.0.0.0/8")};   // the test server is on loopback
  FetchOutcome outcome;
  // fetch_feed is a coroutine holding its arguments by reference: they must outlive io.run(),
  // so no temporaries here (AddressSanitizer caught a PollConfig{} that did not).
  const config::PollConfig poll;
  boost::asio::co_spawn(io, fetch_feed(http, feed, poll, state, pool),
                        [&](std::exception_ptr e, FetchOutcome o) {
                          if (e) std::rethrow_exception(e);
                          outcome = std::move(o);
                        });
  io.run();
  return outcome;
}

}  // namespace

TEST(FeedFetcher, ParsesAFreshFeedAndKeepsItsValidators) {
  HttpServer server;
  server.serve_feed("/rss", kFeed);
  const auto outcome = fetch(server.url("/rss"));
  ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
  ASSERT_EQ(outcome.feed.articles.size(), 1u);
  EXPECT_EQ(outcome.feed.articles[0].link, server.url("/one"));
  EXPECT_EQ(outcome.feed.articles[0].feed_url, server.url("/rss"));
  EXPECT_FALSE(outcome.etag.empty());
  EXPECT_FALSE(outcome.last_modified.empty());
}

TEST(FeedFetcher, SendsValidatorsBackAndGetsNotModified) {
  HttpServer server;
  server.serve_feed("/rss", kFeed);
  const auto first = fetch(server.url("/rss"));
  store::FeedState state;
  state.etag = first.etag;
  state.last_modified = first.last_modified;
  const auto second = fetch(server.url("/rss"), state);
  EXPECT_EQ(second.result, FetchResult::not_modified);
  EXPECT_EQ(second.etag, first.etag);
  EXPECT_EQ(server.requests("/rss")[1].header("if-none-match"), first.etag);
  EXPECT_EQ(server.requests("/rss")[1].header("if-modified-since"), first.last_modified);
}

TEST(FeedFetcher, HttpErrorsAndBrokenDocumentsAreFailuresWithAReason) {
  HttpServer server;
  server.route("/down", [](const auto&) { return newsalert::testing::Response{503, {}, "busy"}; });
  server.serve_feed("/html", "<html><body>hello</body></html>", "text/html");
  const auto down = fetch(server.url("/down"));
  EXPECT_EQ(down.result, FetchResult::failed);
  EXPECT_EQ(down.error, "HTTP 503");
  const auto html = fetch(server.url("/html"));
  EXPECT_EQ(html.result, FetchResult::failed);
  EXPECT_FALSE(html.error.empty());
}

TEST(FeedFetcher, EntriesKeepTheConfiguredFeedUrlAfterARedirect) {
  HttpServer server;
  server.serve_feed("/new", kFeed);
  server.redirect("/old", "/new", 302);
  const auto outcome = fetch(server.url("/old"));
  ASSERT_EQ(outcome.result, FetchResult::updated);
  EXPECT_EQ(outcome.feed.articles[0].feed_url, server.url("/old"));
  EXPECT_EQ(outcome.feed.articles[0].link, server.url("/one"));
}

TEST(FeedFetcher, SurfacesWebSubHubsFromTheLinkHeaderBeforeTheDocuments) {
  HttpServer server;
  server.route("/atom", [&](const newsalert::testing::RecordedRequest&) {
    newsalert::testing::Response r;
    r.headers["Content-Type"] = "application/atom+xml";
    r.headers["Link"] = "<https://hub.example/>; rel=\"hub\", <https://wire.example/topic>; rel=\"self\"";
    r.body = R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<link rel="hub" href="https://other-hub.example/"/><link rel="self" href="https://wire.example/atom"/>
<entry><id>1</id><title>One</title></entry></feed>)";
    return r;
  });
  const auto outcome = fetch(server.url("/atom"));
  ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
  EXPECT_EQ(outcome.hubs, (std::vector<std::string>{"https://hub.example/", "https://other-hub.example/"}));
  EXPECT_EQ(outcome.self, "https://wire.example/topic");
}

TEST(FeedFetcher, ALargeDocumentIsParsedOnTheWorkerPoolWithTheSameResult) {
  std::string body = "<rss version=\"2.0\"><channel><title>Big</title>";
  for (int i = 0; body.size() < kOffloadParseBytes + 1000; ++i)
    body += "<item><guid>" + std::to_string(i) + "</guid><title>Entry " + std::to_string(i) +
            "</title><description>" + std::string(400, 'x') + "</description></item>";
  body += "</channel></rss>";
  HttpServer server;
  server.serve_feed("/big", body);
  WorkerPool pool(1);
  const auto on_pool = fetch(server.url("/big"), {}, &pool);
  const auto inline_parse = fetch(server.url("/big"));
  ASSERT_EQ(on_pool.result, FetchResult::updated) << on_pool.error;
  EXPECT_EQ(pool.jobs(), 1u);
  ASSERT_EQ(on_pool.feed.articles.size(), inline_parse.feed.articles.size());
  EXPECT_GT(on_pool.feed.articles.size(), 500u);
  EXPECT_EQ(on_pool.feed.articles.back().title, inline_parse.feed.articles.back().title);
}
