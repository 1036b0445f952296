// Feeds written to hurt: entity expansion, external entities and DTDs, deep nesting, floods of
// entries and attributes, bombs and redirect tricks through fetch_feed. Servers are on 127.0.0.1.
#include "poll/feed_fetcher.hpp"
#include "feeds/feed_parser.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>

using namespace newsalert;
using namespace newsalert::feeds;
using namespace newsalert::poll;
using namespace std::chrono_literals;
using newsalert::testing::HttpServer;
using newsalert::testing::Response;

namespace {

FetchOutcome fetch(const config::FeedConfig& feed, const config::PollConfig& poll = {}) {
  boost::asio::io_context io;
  net::HttpClientOptions options;
  options.address_policy = std::make_shared<net::AddressPolicy>();   // as in the daemon: nothing allowed globally
  net::HttpClient http(io, options);
  FetchOutcome outcome;
  const store::FeedState state;   // outlives io.run(): fetch_feed keeps a reference
  boost::asio::co_spawn(io, fetch_feed(http, feed, poll, state), [&](std::exception_ptr e, FetchOutcome o) {
    if (e) std::rethrow_exception(e);
    outcome = std::move(o);
  });
  io.run();
  return outcome;
}

config::FeedConfig feed_at(std::string url, std::string allow = "127.0.0.0/8") {
  config::FeedConfig feed;
  feed.url = std::move(url);
  if (!allow.empty()) feed.allow = {*NetworkRange::parse(allow)};
  return feed;
}

// Runs fn on a thread with a stack of `bytes`, so that code which recurses per level of its input
// crashes at a depth a test can build.
void run_with_stack(std::size_t bytes, const std::function<void()>& fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, bytes), 0);
  pthread_t thread;
  const auto body = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, const_cast<std::function<void()>*>(&fn)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

std::string rss_item(int i) {
  return "<item><title>Story " + std::to_string(i) + "</title><guid>g" + std::to_string(i) + "</guid></item>";
}

}  // namespace

// pugixml has no DTD processing: with parse_default, a DOCTYPE is skipped and references to
// entities it declares stay as literal text, so nothing is expanded.
TEST(HostileFeed, BillionLaughsIsNotExpanded) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n  <!ENTITY lol \"lol\">\n";
  doc += "  <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    doc += "  <!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) doc += "&lol" + std::to_string(i - 1) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<rss version=\"2.0\"><channel><title>Laughs</title><item><title>&lol9;</title><guid>1</guid>"
         "<description>a &lol9; b</description></item></channel></rss>";
  const auto feed = parse_feed(doc, "https://feed.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "&lol9;");
  EXPECT_EQ(feed.articles[0].summary, "a &lol9; b");
}

TEST(HostileFeed, ExternalEntitiesAreNeverRead) {
  const auto secret = std::filesystem::temp_directory_path() / ("newsalert-xxe-" + std::to_string(::getpid()));
  std::ofstream(secret) << "TOP-SECRET-CONTENT";
  const std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://" + secret.string() +
                          "\"><!ENTITY % pe SYSTEM \"file://" + secret.string() + "\"> %pe;]>"
                          "<rss version=\"2.0\"><channel><title>X</title><item><title>t &xxe;</title>"
                          "<guid>1</guid></item></channel></rss>";
  const auto feed = parse_feed(doc, "https://feed.example/rss");
  std::filesystem::remove(secret);
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "t &xxe;");
  EXPECT_EQ(feed.title.find("TOP-SECRET"), std::string::npos);
}

TEST(HostileFeed, DtdUrlsAreNeverFetched) {
  HttpServer server;
  server.serve_feed("/evil.dtd", "<!ENTITY boom \"fetched\">", "application/xml-dtd");
  const std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"" + server.url("/evil.dtd") +
                          "\" [<!ENTITY % remote SYSTEM \"" + server.url("/evil.dtd") + "\"> %remote;]>"
                          "<rss version=\"2.0\"><channel><title>T</title><item><title>&boom;</title>"
                          "<guid>1</guid></item></channel></rss>";
  const auto feed = parse_feed(doc, server.url("/feed"));
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "&boom;");
  std::this_thread::sleep_for(100ms);   // a fetch, if there were one, would have to arrive by now
  EXPECT_EQ(server.count(""), 0u);
}

TEST(HostileFeed, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  // A million nested elements inside a title: a recursive walk would overflow the stack.
  std::string doc = "<rss version=\"2.0\"><channel><item><title>";
  for (int i = 0; i < 1'000'000; ++i) doc += "<b>";
  doc += "deep</title></item></channel></rss>";
  const auto feed = parse_feed(doc, "https://feed.example/rss");
  EXPECT_EQ(feed.error, "refused: elements nested deeper than 100 levels");
  EXPECT_TRUE(feed.articles.empty());
}

TEST(HostileFeed, DeepJsonIsRefusedWithAClearMessage) {
  const std::string arrays = "{\"items\":[{\"id\":\"1\",\"x\":" + std::string(100'000, '[') +
                             std::string(100'000, ']') + "}]}";
  EXPECT_EQ(parse_feed(arrays, "https://feed.example/feed.json").error, "refused: JSON nested deeper than 100 levels");
  std::string objects = "{\"items\":[],\"x\":";
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100'000, '}') + "}";
  EXPECT_EQ(parse_feed(objects, "https://feed.example/feed.json").error, "refused: JSON nested deeper than 100 levels");
  // Unclosed: refused for its depth before the parser could call it invalid.
  EXPECT_EQ(parse_feed("{\"items\":" + std::string(100'000, '['), "").error,
            "refused: JSON nested deeper than 100 levels");

  ParseLimits limits;
  limits.max_json_depth = 3;   // the root object, "items" and an item
  EXPECT_TRUE(parse_feed("{\"items\":[{\"id\":\"1\"}]}", "", limits).ok());
  EXPECT_EQ(parse_feed("{\"items\":[{\"id\":\"1\",\"tags\":[]}]}", "", limits).error,
            "refused: JSON nested deeper than 3 levels");
}

// HTML is text to the parser, however deeply its tags nest: html_to_text reads it in one pass, so
// deep HTML in a summary neither refuses the feed nor costs stack.
TEST(HostileFeed, DeepHtmlInASummaryIsReadAsText) {
  std::string escaped, raw;
  for (int i = 0; i < 100'000; ++i) escaped += "&lt;b&gt;", raw += "<b>";
  const auto rss = [](const std::string& description) {
    return "<rss version=\"2.0\"><channel><item><guid>1</guid><description>" + description +
           "deep</description></item></channel></rss>";
  };
  for (const std::string& doc : {rss(escaped), rss("<![CDATA[" + raw + "]]>"),
                                 "{\"items\":[{\"id\":\"1\",\"content_html\":\"" + raw + "deep\"}]}"}) {
    const auto feed = parse_feed(doc, "https://feed.example/rss");
    ASSERT_TRUE(feed.ok()) << feed.error;
    ASSERT_EQ(feed.articles.size(), 1u);
    EXPECT_EQ(feed.articles[0].summary, "deep");
  }
}

// With the depth limit lifted, every walk over markup inside an entry (text, HTML serialization,
// nested media groups) must still run in a small stack: none of them may recurse per level.
TEST(HostileFeed, WalksOverDeepMarkupDoNotRecurse) {
  std::string open, close;
  for (int i = 0; i < 20'000; ++i) open += "<b>", close += "</b>";
  std::string groups, groups_end;
  for (int i = 0; i < 5'000; ++i) groups += "<media:group>", groups_end += "</media:group>";
  const std::string doc =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\"><entry>"
      "<id>1</id><title type=\"text\">" + open + "deep" + close + "</title>"
      "<content type=\"html\">" + open + "deeper" + close + "</content>" +
      groups + "<media:title>media</media:title>" + groups_end + "</entry></feed>";
  ParseLimits limits;
  limits.max_depth = 1'000'000;
  ParsedFeed feed;
  run_with_stack(256 << 10, [&] { feed = parse_feed(doc, "https://feed.example/atom", limits); });
  ASSERT_TRUE(feed.ok()) << feed.error;
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title, "deep");
  EXPECT_EQ(feed.articles[0].content, "deeper");
}

TEST(HostileFeed, DepthAndAttributeLimitsAreConfigurable) {
  std::string nested = "<rss version=\"2.0\"><channel><item><title><b><i>x</i></b></title><guid>1</guid></item></channel></rss>";
  ParseLimits limits;
  limits.max_depth = 5;
  EXPECT_EQ(parse_feed(nested, "", limits).error, "refused: elements nested deeper than 5 levels");
  limits.max_depth = 6;
  EXPECT_TRUE(parse_feed(nested, "", limits).ok());

  std::string attributes = "<rss version=\"2.0\"><channel><item><title";
  for (int i = 0; i < 65; ++i) attributes += " a" + std::to_string(i) + "=\"v\"";
  attributes += ">t</title><guid>1</guid></item></channel></rss>";
  EXPECT_EQ(parse_feed(attributes, "").error, "refused: an element <title> has more than 64 attributes");
  limits.max_attributes = 100;
  EXPECT_TRUE(parse_feed(attributes, "", limits).ok());
}

TEST(HostileFeed, EntriesPastTheLimitAreDroppedWithAWarning) {
  std::string doc = "<rss version=\"2.0\"><channel><title>Flood</title>";
  for (int i = 0; i < 50; ++i) doc += rss_item(i);
  doc += "</channel></rss>";
  ParseLimits limits;
  limits.max_entries = 10;
  const auto feed = parse_feed(doc, "https://feed.example/rss", limits);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed.articles.size(), 10u);
  EXPECT_EQ(feed.articles.front().title, "Story 0");
  EXPECT_EQ(feed.articles.back().title, "Story 9");
  EXPECT_EQ(feed.warning, "kept the first 10 entries, dropped 40");
}

// The same bound in every format, applied while reading: the first entries in document order are
// kept, and the warning counts the entry elements after them.
TEST(HostileFeed, EveryFormatKeepsTheFirstEntriesAndCountsTheRest) {
  std::string atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Flood</title>";
  std::string rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
                    "<channel rdf:about=\"https://feed.example/\"><title>Flood</title></channel>";
  std::string json = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Flood\",\"items\":[";
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    atom += "<entry><id>e" + n + "</id><title>Story " + n + "</title></entry>";
    rdf += "<item rdf:about=\"https://feed.example/" + n + "\"><title>Story " + n + "</title></item>";
    // Values that can never be entries are neither kept nor counted.
    json += std::string(i == 0 ? "" : ",") + "\"not an item\",[" + n + "],{\"id\":\"j" + n + "\",\"title\":\"Story " + n + "\"}";
  }
  atom += "</feed>";
  rdf += "</rdf:RDF>";
  json += "],\"home_page_url\":\"https://feed.example/\"}";
  ParseLimits limits;
  limits.max_entries = 10;
  for (const auto& doc : {atom, rdf, json}) {
    const auto feed = parse_feed(doc, "https://feed.example/feed", limits);
    ASSERT_TRUE(feed.ok()) << feed.error;
    ASSERT_EQ(feed.articles.size(), 10u) << doc.substr(0, 40);
    EXPECT_EQ(feed.articles.front().title, "Story 0");
    EXPECT_EQ(feed.articles.back().title, "Story 9");
    EXPECT_EQ(feed.warning, "kept the first 10 entries, dropped 40");
  }
}

TEST(HostileFeed, LongFieldsAreCutAtACharacterBoundary) {
  std::string title;
  for (int i = 0; i < 1000; ++i) title += "\xC3\xA9";   // é, two bytes each
  const std::string doc = "<rss version=\"2.0\"><channel><item><title>" + title + "</title><guid>1</guid>"
                          "<description>" + std::string(5000, 'd') + "</description></item></channel></rss>";
  ParseLimits limits;
  limits.max_field_bytes = 101;
  const auto feed = parse_feed(doc, "", limits);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].title.size(), 100u);   // 50 whole characters: the 51st would need byte 102
  EXPECT_EQ(feed.articles[0].title, title.substr(0, 100));
  EXPECT_EQ(feed.articles[0].summary, std::string(101, 'd'));
}

TEST(HostileFeedServer, RedirectLoopEndsAtTheRedirectLimit) {
  HttpServer server;
  server.redirect("/a", "/b", 302);
  server.redirect("/b", "/a", 302);
  config::PollConfig poll;
  poll.max_redirects = 3;
  const auto outcome = fetch(feed_at(server.url("/a")), poll);
  EXPECT_EQ(outcome.failure, FailureClass::redirect);
  EXPECT_EQ(outcome.error, "more than 3 redirects (last: " + server.url("/b") + ")");
  EXPECT_EQ(server.count(""), 4u);
}

TEST(HostileFeedServer, RedirectToALoopbackPortThatIsNotAllowedIsRefused) {
  HttpServer feed_server;
  HttpServer internal;
  internal.serve_feed("/admin", "<rss version=\"2.0\"><channel/></rss>");
  feed_server.redirect("/feed", internal.url("/admin"), 302);
  const auto outcome = fetch(feed_at(feed_server.url("/feed"), "127.0.0.1:" + std::to_string(feed_server.port())));
  EXPECT_EQ(outcome.failure, FailureClass::blocked);
  EXPECT_EQ(outcome.error, "address refused: 127.0.0.1 port " + std::to_string(internal.port()) +
                               " is loopback; allow it with network.allow or the feed's allow");
  EXPECT_EQ(feed_server.count("/feed"), 1u);
  EXPECT_EQ(internal.count(""), 0u);
}

TEST(HostileFeedServer, HostNameMappedToLoopbackIsRefusedWithoutAnAllow) {
  HttpServer server;
  server.serve_feed("/feed", "<rss version=\"2.0\"><channel/></rss>");
  const auto outcome = fetch(feed_at("http://localhost:" + std::to_string(server.port()) + "/feed", ""));
  EXPECT_EQ(outcome.failure, FailureClass::blocked) << outcome.error;
  EXPECT_NE(outcome.error.find("is loopback; allow it with network.allow or the feed's allow"), std::string::npos)
      << outcome.error;
  EXPECT_EQ(server.count(""), 0u);
}

TEST(HostileFeedServer, GzipBombFailsAsTooLargeNamingTheSetting) {
  HttpServer server;
  auto sent = std::make_shared<std::atomic<std::uint64_t>>(0);
  server.route("/bomb", [sent](const auto&) { return newsalert::testing::gzip_bomb(10ull << 30, sent); });
  config::PollConfig poll;
  poll.max_bytes = 2 << 20;
  const auto outcome = fetch(feed_at(server.url("/bomb")), poll);
  EXPECT_EQ(outcome.failure, FailureClass::too_large);
  EXPECT_EQ(outcome.error, "response larger than 2097152 bytes (poll.max_bytes)");
  EXPECT_LT(sent->load(), 64ull << 20);
}

TEST(HostileFeedServer, EndlessFeedFailsAtTheCompressedLimit) {
  HttpServer server;
  server.route("/forever", [](const auto&) {
    Response r;
    r.stream = [] { return std::string(32 * 1024, ' '); };
    return r;
  });
  config::PollConfig poll;
  poll.max_compressed_bytes = 1 << 20;
  const auto outcome = fetch(feed_at(server.url("/forever")), poll);
  EXPECT_EQ(outcome.failure, FailureClass::too_large);
  EXPECT_EQ(outcome.error, "response larger than 1048576 bytes as received (poll.max_compressed_bytes)");
}

TEST(HostileFeedServer, OversizedHeaderFailsAsTooLargeNamingTheSetting) {
  HttpServer server;
  server.route("/headers", [](const auto&) {
    Response r;   // streamed, so that the server writes the header line as given, whatever its length
    r.headers["Set-Cookie"] = "c=" + std::string(150 << 10, 'h');
    r.stream = [sent = false]() mutable { return std::exchange(sent, true) ? std::string() : std::string("<rss/>"); };
    return r;
  });
  const auto outcome = fetch(feed_at(server.url("/headers")));
  EXPECT_EQ(outcome.failure, FailureClass::too_large);
  EXPECT_EQ(outcome.error, "response headers larger than 65536 bytes (poll.max_header_bytes)");

  // Above libcurl's bound for one line, that bound is what stopped it.
  config::PollConfig poll;
  poll.max_header_bytes = 1 << 20;
  const auto generous = fetch(feed_at(server.url("/headers")), poll);
  EXPECT_EQ(generous.failure, FailureClass::too_large);
  EXPECT_EQ(generous.error, "response header line longer than 102400 bytes (libcurl's limit)");
}

TEST(HostileFeedServer, ParseLimitsComeFromThePollSettings) {
  HttpServer server;
  std::string doc = "<rss version=\"2.0\"><channel><title>Flood</title>";
  for (int i = 0; i < 30; ++i) doc += rss_item(i);
  server.serve_feed("/flood", doc + "</channel></rss>");
  config::PollConfig poll;
  poll.max_entries = 7;
  const auto outcome = fetch(feed_at(server.url("/flood")), poll);
  ASSERT_EQ(outcome.result, FetchResult::updated) << outcome.error;
  EXPECT_EQ(outcome.feed.articles.size(), 7u);
}
