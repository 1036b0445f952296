// HttpClient against servers that try to hurt it: endless streams, a 10 GiB gzip bomb, huge
// headers, and addresses the SSRF guard must refuse. Every server here is on 127.0.0.1.
#include "net/http_client.hpp"
#include "tests/net/fetch_one.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <utility>

using namespace newsalert;
using namespace newsalert::net;
using namespace std::chrono_literals;
using newsalert::net::testing::fetch_one;
using newsalert::net::testing::get;
using newsalert::net::testing::loopback_allowed;
using newsalert::testing::HttpServer;
using newsalert::testing::Response;

namespace {

// Peak resident set of this process, in bytes. It only grows, so a rise across a call is what
// that call (at least) needed.
std::uint64_t peak_rss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

HttpClientOptions guard(std::vector<NetworkRange> allow = {}) {
  HttpClientOptions options;
  options.address_policy = std::make_shared<AddressPolicy>(std::move(allow));
  return options;
}

NetworkRange range(const std::string& text) { return *NetworkRange::parse(text); }

}  // namespace

TEST(HostileServer, EndlessStreamStopsAtTheBodyLimit) {
  HttpServer server;
  auto sent = std::make_shared<std::atomic<std::uint64_t>>(0);
  server.route("/forever", [sent](const auto&) {
    Response r;
    r.headers["Content-Type"] = "application/rss+xml";
    r.stream = [sent] {
      *sent += 64 * 1024;
      return std::string(64 * 1024, 'x');
    };
    return r;
  });
  auto request = get(server.url("/forever"));
  request.max_bytes = 1 << 20;
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::too_large);
  EXPECT_EQ(response.limit, ResponseLimit::body);
  EXPECT_LE(response.body.size(), 1u << 20);
  EXPECT_EQ(response.describe(), "response body larger than 1048576 bytes");
}

TEST(HostileServer, SlowEndlessStreamStopsAtTheTimeout) {
  HttpServer server;
  server.route("/drip", [](const auto&) {
    Response r;
    r.stream = [] { return std::string("<"); };
    r.stream_pause = 50ms;
    return r;
  });
  auto request = get(server.url("/drip"));
  request.timeout = 1s;
  const auto started = std::chrono::steady_clock::now();
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::timeout) << response.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_LT(response.body.size(), 1000u);
}

// 10 GiB of zeros, gzip-encoded while it is sent: the client must stop at max_bytes of decoded
// body, long before the server has produced much of the bomb.
TEST(HostileServer, TenGibGzipBombStopsAtTheDecodedLimit) {
  HttpServer server;
  auto sent = std::make_shared<std::atomic<std::uint64_t>>(0);
  server.route("/bomb", [sent](const auto&) { return newsalert::testing::gzip_bomb(10ull << 30, sent); });
  auto request = get(server.url("/bomb"));
  request.max_bytes = 4 << 20;
  const std::uint64_t rss_before = peak_rss();
  const auto response = fetch_one(request);
  const std::uint64_t rss_growth = peak_rss() - rss_before;
  EXPECT_EQ(response.failure(), TransportFailure::too_large) << response.describe();
  EXPECT_EQ(response.limit, ResponseLimit::body);
  EXPECT_LE(response.body.size(), 4u << 20);
  EXPECT_LT(sent->load(), 64ull << 20) << "the server produced far more of the bomb than needed";
  EXPECT_LT(rss_growth, 128ull << 20) << "peak memory rose by " << rss_growth << " bytes";
}

// The same bomb with a generous decoded limit: the bound on bytes as received stops it.
TEST(HostileServer, GzipBombStopsAtTheCompressedLimit) {
  HttpServer server;
  server.route("/bomb", [](const auto&) { return newsalert::testing::gzip_bomb(10ull << 30); });
  auto request = get(server.url("/bomb"));
  request.max_bytes = 1ull << 30;
  request.max_compressed_bytes = 16 << 10;
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::too_large) << response.describe();
  EXPECT_EQ(response.limit, ResponseLimit::compressed);
  EXPECT_EQ(response.describe(), "response larger than 16384 bytes as received (before decoding)");
  // 16 KiB of this gzip decodes to about 16 MiB; the decoded body can only be that large.
  EXPECT_LT(response.body.size(), 64u << 20);
}

TEST(HostileServer, DeclaredContentLengthOverTheLimitIsRefusedBeforeReading) {
  HttpServer server;
  server.serve_feed("/big", std::string(2 << 20, 'x'));
  auto request = get(server.url("/big"));
  request.max_compressed_bytes = 1 << 20;
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::too_large);
  EXPECT_EQ(response.limit, ResponseLimit::compressed);
  EXPECT_TRUE(response.body.empty());
}

TEST(HostileServer, HugeHeadersStopAtTheHeaderLimit) {
  HttpServer server;
  server.route("/headers", [](const auto&) {
    Response r{200, {}, "<rss/>"};
    for (int i = 0; i < 200; ++i) r.headers["X-Filler-" + std::to_string(i)] = std::string(1000, 'h');
    return r;
  });
  auto request = get(server.url("/headers"));
  request.max_header_bytes = 16 << 10;
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::too_large);
  EXPECT_EQ(response.limit, ResponseLimit::headers);
  EXPECT_EQ(response.describe(), "response headers larger than 16384 bytes");
}

// One header line longer than libcurl keeps for a line (CURL_MAX_HTTP_HEADER, 100 KiB): curl gives up
// on it before the header callback sees it, with CURLE_OUT_OF_MEMORY, which must still read as the
// header limit. Under a larger max_header_bytes, curl's own bound is the one that applied.
TEST(HostileServer, OneHeaderLineLongerThanCurlTakesStopsAtTheHeaderLimit) {
  HttpServer server;
  server.route("/headers", [](const auto&) {
    Response r;   // streamed, so that the server writes the header line as given, whatever its length
    r.headers["X-Filler"] = std::string(150 << 10, 'h');
    r.stream = [sent = false]() mutable { return std::exchange(sent, true) ? std::string() : std::string("<rss/>"); };
    return r;
  });
  auto request = get(server.url("/headers"));
  const auto response = fetch_one(request);
  EXPECT_EQ(response.failure(), TransportFailure::too_large) << response.describe();
  EXPECT_EQ(response.limit, ResponseLimit::headers);
  EXPECT_EQ(response.describe(), "response headers larger than 65536 bytes");

  request.max_header_bytes = 1 << 20;
  const auto generous = fetch_one(request);
  EXPECT_EQ(generous.failure(), TransportFailure::too_large) << generous.describe();
  EXPECT_EQ(generous.describe(), "response headers larger than 102400 bytes");
}

TEST(SsrfGuard, RefusesLoopbackUnlessAllowedAndNeverConnects) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  const auto response = fetch_one(get(server.url("/feed")), guard());
  EXPECT_EQ(response.failure(), TransportFailure::blocked);
  EXPECT_EQ(response.describe(),
            "address refused: 127.0.0.1 port " + std::to_string(server.port()) + " is loopback");
  EXPECT_EQ(server.count(""), 0u);

  const auto allowed = fetch_one(get(server.url("/feed")), guard({range("127.0.0.0/8")}));
  EXPECT_EQ(allowed.status, 200) << allowed.describe();
}

TEST(SsrfGuard, HostNamesThatResolveToLoopbackAreRefused) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  // Names are not trusted: only the address connected to counts.
  for (const std::string host : {"localhost", "feeds.localhost"}) {
    const auto response =
        fetch_one(get("http://" + host + ":" + std::to_string(server.port()) + "/feed"), guard());
    EXPECT_EQ(response.failure(), TransportFailure::blocked) << host << ": " << response.describe();
    EXPECT_NE(response.describe().find("is loopback"), std::string::npos) << response.describe();
  }
  EXPECT_EQ(server.count(""), 0u);
}

TEST(SsrfGuard, PerTransferAllowWithAPortOpensOnlyThatPort) {
  HttpServer allowed_server;
  HttpServer other_server;
  allowed_server.serve_feed("/feed", "<rss/>");
  other_server.serve_feed("/feed", "<rss/>");
  const std::vector<NetworkRange> allow{range("127.0.0.1:" + std::to_string(allowed_server.port()))};

  auto request = get(allowed_server.url("/feed"));
  request.allow = allow;
  EXPECT_EQ(fetch_one(request, guard()).status, 200);

  request.url = other_server.url("/feed");
  EXPECT_EQ(fetch_one(request, guard()).failure(), TransportFailure::blocked);
  EXPECT_EQ(other_server.count(""), 0u);
}

// A redirect from the allowed port to one that is not: the second connection is refused.
TEST(SsrfGuard, RedirectToALoopbackPortThatIsNotAllowedIsRefused) {
  HttpServer allowed_server;
  HttpServer internal;
  internal.serve_feed("/secret", "<rss/>");
  allowed_server.redirect("/feed", internal.url("/secret"), 302);
  auto request = get(allowed_server.url("/feed"));
  request.allow = {range("127.0.0.1:" + std::to_string(allowed_server.port()))};
  const auto response = fetch_one(request, guard());
  EXPECT_EQ(response.failure(), TransportFailure::blocked) << response.describe();
  EXPECT_EQ(allowed_server.count("/feed"), 1u);
  EXPECT_EQ(internal.count(""), 0u);
}

TEST(SsrfGuard, WithoutAPolicyNothingIsChecked) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  EXPECT_EQ(fetch_one(get(server.url("/feed")), HttpClientOptions{}).status, 200);
}

// A kept-alive connection opened for a transfer that may reach the server must not carry a later
// transfer that may not.
TEST(SsrfGuard, AReusedConnectionIsCheckedForEachTransfer) {
  HttpServer server;
  server.serve_feed("/feed", "<rss/>");
  server.serve_webhook("/hook");
  boost::asio::io_context io;
  HttpClient http(io, guard());
  auto allowed = get(server.url("/feed"));
  allowed.allow = {range("127.0.0.1:" + std::to_string(server.port()))};
  HttpResponse first, second;
  http.async_fetch(allowed, [&](HttpResponse r) {
    first = std::move(r);
    http.async_fetch(get(server.url("/hook")), [&](HttpResponse r2) { second = std::move(r2); });
  });
  io.run();
  EXPECT_EQ(first.status, 200) << first.describe();
  EXPECT_EQ(second.failure(), TransportFailure::blocked) << second.describe();
  EXPECT_EQ(server.count("/hook"), 0u);
}
