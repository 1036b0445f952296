// Full text against a real loopback server: pages extracted, robots.txt obeyed, validators reused, failures harmless.
#include "poll/article_fetcher.hpp"

#include "common/worker_pool.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::poll;
using newsalert::testing::HttpServer;
using newsalert::testing::Response;

namespace {

std::string page(const std::string& headline, const std::string& body) {
  return "<!doctype html><html lang=en><head><title>" + headline +
         " | Daily Wire</title></head><body>"
         "<nav><a href=/>Home</a> <a href=/world>World</a> <a href=/sport>Sport</a></nav>"
         "<div class=cookie-banner>We use cookies. <button>Accept</button></div>"
         "<article><h1>" + headline + "</h1>"
         "<p>" + body + " Officials said the decision followed weeks of debate inside the government, "
         "and that further announcements were expected in the coming days.</p>"
         "<p>Analysts said the move marked a change of course, and that neighbouring states were watching "
         "closely, with several calling for restraint and for talks to resume as soon as possible.</p>"
         "<p>Markets reacted calmly, and the currency held its value against the dollar through the afternoon, "
         "traders said, while oil prices rose slightly in late trading.</p></article>"
         "<aside class=related><a href=/a>Related: football scores</a></aside>"
         "<footer>Copyright Daily Wire</footer></body></html>";
}

Article entry(const std::string& link) {
  Article a;
  a.id = link;
  a.link = link;
  a.title = "Short headline";
  a.summary = "One sentence.";
  return a;
}

struct Harness {
  explicit Harness(config::FullTextConfig settings = {}, Millis fresh_page = ArticleFetcher::kFreshPage)
      : fetcher(http, pool, settings, "newsalertd/1 (+test)", fresh_page) {}

  static net::HttpClientOptions options() {
    net::HttpClientOptions o;
    o.address_policy = std::make_shared<net::AddressPolicy>();   // loopback only where a feed allows it
    return o;
  }

  void fill(std::vector<Article>& articles, std::vector<std::size_t> which, const config::FeedConfig& feed) {
    boost::asio::co_spawn(io, fetcher.fill(articles, std::move(which), feed), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.restart();
    io.run();
  }

  std::uint64_t count(FullTextOutcome outcome) const { return fetcher.counts()[static_cast<std::size_t>(outcome)]; }

  boost::asio::io_context io;
  net::HttpClient http{io, options()};
  WorkerPool pool{1};
  ArticleFetcher fetcher;
};

config::FeedConfig feed_on(const HttpServer& server) {
  config::FeedConfig feed;
  feed.url = server.url("/rss");
  feed.allow = {*NetworkRange::parse("127.0.0.0/8")};
  feed.full_text = true;
  return feed;
}

}  // namespace

TEST(ArticleFetcher, TheArticlesMainTextReplacesNothingAndLeavesNavigationOut) {
  HttpServer server;
  server.serve_feed("/story", page("Strike ordered", "Ayatollah Ali Khamenei ordered a direct strike on Israel."),
                    "text/html; charset=utf-8");
  Harness h;
  std::vector<Article> articles{entry(server.url("/story"))};
  h.fill(articles, {0}, feed_on(server));
  EXPECT_NE(articles[0].full_text.find("Khamenei ordered a direct strike"), std::string::npos) << articles[0].full_text;
  EXPECT_EQ(articles[0].full_text.find("We use cookies"), std::string::npos);
  EXPECT_EQ(articles[0].full_text.find("football scores"), std::string::npos);
  EXPECT_EQ(articles[0].summary, "One sentence.");
  EXPECT_EQ(h.count(FullTextOutcome::extracted), 1u);
  EXPECT_EQ(server.count("/robots.txt"), 1u) << "robots.txt is asked first";
}

TEST(ArticleFetcher, OnlyTheEntriesAskedForAreFetched) {
  HttpServer server;
  server.serve_feed("/a", page("A", "Alpha."), "text/html");
  server.serve_feed("/b", page("B", "Beta."), "text/html");
  Harness h;
  std::vector<Article> articles{entry(server.url("/a")), entry(server.url("/b"))};
  h.fill(articles, {1}, feed_on(server));
  EXPECT_TRUE(articles[0].full_text.empty());
  EXPECT_FALSE(articles[1].full_text.empty());
  EXPECT_EQ(server.count("/a"), 0u);
}

TEST(ArticleFetcher, RobotsTxtIsObeyedAndAskedOncePerHost) {
  HttpServer server;
  server.serve_feed("/robots.txt", "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n",
                    "text/plain");
  server.serve_feed("/private/x", page("Private", "Hidden text."), "text/html");
  server.serve_feed("/open/y", page("Open", "Visible text."), "text/html");
  Harness h;
  std::vector<Article> articles{entry(server.url("/private/x")), entry(server.url("/open/y"))};
  h.fill(articles, {0, 1}, feed_on(server));
  EXPECT_TRUE(articles[0].full_text.empty());
  EXPECT_NE(articles[1].full_text.find("Visible text."), std::string::npos);
  EXPECT_EQ(server.count("/private/x"), 0u);
  EXPECT_EQ(server.count("/robots.txt"), 1u);
  EXPECT_EQ(h.count(FullTextOutcome::robots), 1u);
}

TEST(ArticleFetcher, AnUnreadableRobotsTxtClosesTheHostAndAMissingOneOpensIt) {
  HttpServer down, open;
  down.route("/robots.txt", [](const auto&) { return Response{503, {}, "busy"}; });
  down.serve_feed("/p", page("P", "Text."), "text/html");
  open.route("/robots.txt", [](const auto&) { return Response{404, {}, "no"}; });
  open.serve_feed("/p", page("P", "Text."), "text/html");
  Harness h;
  std::vector<Article> a{entry(down.url("/p"))};
  h.fill(a, {0}, feed_on(down));
  EXPECT_TRUE(a[0].full_text.empty());
  EXPECT_EQ(down.count("/p"), 0u);
  std::vector<Article> b{entry(open.url("/p"))};
  h.fill(b, {0}, feed_on(open));
  EXPECT_FALSE(b[0].full_text.empty());
}

TEST(ArticleFetcher, RobotsCanBeTurnedOff) {
  HttpServer server;
  server.serve_feed("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain");
  server.serve_feed("/p", page("P", "Text."), "text/html");
  config::FullTextConfig settings;
  settings.robots = false;
  Harness h(settings);
  std::vector<Article> a{entry(server.url("/p"))};
  h.fill(a, {0}, feed_on(server));
  EXPECT_FALSE(a[0].full_text.empty());
  EXPECT_EQ(server.count("/robots.txt"), 0u);
}

TEST(ArticleFetcher, FailuresLeaveTheEntryAsTheFeedCarriedIt) {
  HttpServer server;
  server.route("/gone", [](const auto&) { return Response{500, {}, "oops"}; });
  server.serve_feed("/pdf", "%PDF-1.4", "application/pdf");
  server.route("/slow", [](const auto&) { return Response{200, {{"Content-Type", "text/html"}}, "<p>late</p>",
                                                          std::chrono::milliseconds(3000)}; });
  config::FullTextConfig settings;
  settings.timeout = std::chrono::milliseconds(500);
  Harness h(settings);
  std::vector<Article> articles{entry(server.url("/gone")), entry(server.url("/pdf")), entry(server.url("/slow")),
                                entry("ftp://example.org/x"), entry("")};
  h.fill(articles, {0, 1, 2, 3, 4}, feed_on(server));
  for (const auto& a : articles) {
    EXPECT_TRUE(a.full_text.empty()) << a.link;
    EXPECT_EQ(a.summary, "One sentence.");
  }
  EXPECT_EQ(h.count(FullTextOutcome::failed), 3u);
  EXPECT_EQ(h.count(FullTextOutcome::skipped), 2u);
}

TEST(ArticleFetcher, PagesOfAnotherHostGetNoneOfTheFeedsNetworkExceptions) {
  HttpServer feed_host, other_host;
  other_host.serve_feed("/p", page("P", "Text."), "text/html");
  Harness h;
  std::vector<Article> a{entry(other_host.url("/p"))};
  config::FeedConfig feed = feed_on(feed_host);   // allowed 127.0.0.0/8 for its own origin only
  h.fill(a, {0}, feed);
  EXPECT_TRUE(a[0].full_text.empty());
  EXPECT_EQ(other_host.count("/p"), 0u) << "the SSRF guard refused the connection";
  EXPECT_EQ(h.count(FullTextOutcome::failed), 1u);
}

TEST(ArticleFetcher, APageFetchedMomentsAgoIsNotFetchedAgain) {
  HttpServer server;
  server.serve_feed("/p", page("P", "The same story in two feeds."), "text/html");
  Harness h;
  std::vector<Article> first{entry(server.url("/p"))};
  h.fill(first, {0}, feed_on(server));
  ASSERT_FALSE(first[0].full_text.empty());
  std::vector<Article> again{entry(server.url("/p"))};
  h.fill(again, {0}, feed_on(server));
  EXPECT_EQ(again[0].full_text, first[0].full_text);
  EXPECT_EQ(server.count("/p"), 1u);
  EXPECT_EQ(h.count(FullTextOutcome::cached), 1u);
}

TEST(ArticleFetcher, AnOlderPageIsRevalidatedWithItsValidatorsAndA304KeepsItsText) {
  HttpServer server;
  server.serve_feed("/p", page("P", "First version of the text."), "text/html");
  Harness h({}, Millis(0));
  std::vector<Article> first{entry(server.url("/p"))};
  h.fill(first, {0}, feed_on(server));
  ASSERT_FALSE(first[0].full_text.empty());
  std::vector<Article> again{entry(server.url("/p"))};
  h.fill(again, {0}, feed_on(server));
  ASSERT_EQ(server.count("/p"), 2u);
  EXPECT_FALSE(server.requests("/p")[1].header("if-none-match").empty());
  EXPECT_EQ(again[0].full_text, first[0].full_text);
  EXPECT_EQ(h.count(FullTextOutcome::cached), 1u);
  server.update_feed("/p", page("P", "Second version of the text."));
  std::vector<Article> changed{entry(server.url("/p"))};
  h.fill(changed, {0}, feed_on(server));
  EXPECT_NE(changed[0].full_text.find("Second version"), std::string::npos);
}

TEST(ArticleFetcher, AtMostMaxPerPollPagesAreFetchedForOnePoll) {
  HttpServer server;
  std::vector<Article> articles;
  std::vector<std::size_t> which;
  for (int i = 0; i < 7; ++i) {
    const std::string path = "/p" + std::to_string(i);
    server.serve_feed(path, page("P", "Text " + std::to_string(i) + "."), "text/html");
    articles.push_back(entry(server.url(path)));
    which.push_back(static_cast<std::size_t>(i));
  }
  config::FullTextConfig settings;
  settings.max_per_poll = 5;
  Harness h(settings);
  h.fill(articles, which, feed_on(server));
  std::size_t filled = 0;
  for (const auto& a : articles) filled += a.full_text.empty() ? 0 : 1;
  EXPECT_EQ(filled, 5u);
  EXPECT_EQ(h.count(FullTextOutcome::skipped), 2u);
}

TEST(ArticleFetcher, APageInALegacyCharsetIsReadInIt) {
  HttpServer server;
  // "Genève" and "Zürich" in windows-1252 bytes, declared only by the HTTP header.
  server.serve_feed("/p", page("P", "Talks in Gen\xE8ve and Z\xFCrich."), "text/html; charset=windows-1252");
  Harness h;
  std::vector<Article> a{entry(server.url("/p"))};
  h.fill(a, {0}, feed_on(server));
  EXPECT_NE(a[0].full_text.find("Gen\xC3\xA8ve and Z\xC3\xBCrich"), std::string::npos) << a[0].full_text;
}
