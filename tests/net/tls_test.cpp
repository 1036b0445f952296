// HttpClient over real TLS: a CA and server certificates made for each test, a loopback TLS
// relay in front of the test server, and the failure class of every way verification can fail.
#include "net/http_client.hpp"
#include "tests/net/fetch_one.hpp"
#include "tests/store/temp_dir.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/tcp_relay.hpp"
#include "tests/support/test_pki.hpp"

#include <gtest/gtest.h>

#include <iostream>

using namespace newsalert;
using namespace newsalert::net;
using namespace std::chrono_literals;
using newsalert::net::testing::fetch_one;
using newsalert::net::testing::get;
using newsalert::testing::HttpServer;
using newsalert::testing::TcpRelay;
using newsalert::testing::TestPki;
using newsalert::testing::TlsIdentity;

namespace {

class Tls : public ::testing::Test {
 protected:
  // The server behind a TLS relay presenting `identity`.
  TcpRelay& serve(const TlsIdentity& identity) {
    relay_ = std::make_unique<TcpRelay>(server_.port(), identity);
    return *relay_;
  }
  TlsIdentity good() { return pki_.issue("good", {"DNS:localhost", "IP:127.0.0.1"}); }
  HttpRequest request(const std::string& path, bool with_ca = true) {
    HttpRequest r = get(relay_->url(path));
    if (with_ca) r.ca_file = pki_.ca_file().string();
    return r;
  }

  store::test::TempDir dir_;
  TestPki pki_{dir_.path()};
  HttpServer server_;
  std::unique_ptr<TcpRelay> relay_;
};

}  // namespace

TEST_F(Tls, FetchesWithTheCaFile) {
  server_.serve_feed("/feed", "<rss/>");
  serve(good());
  const auto response = fetch_one(request("/feed"));
  EXPECT_FALSE(response.error) << response.describe();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<rss/>");
  EXPECT_EQ(server_.count("/feed"), 1u);
}

TEST_F(Tls, AnUnknownCaIsATlsFailure) {
  server_.serve_feed("/feed", "<rss/>");
  serve(good());
  const auto response = fetch_one(request("/feed", /*with_ca=*/false));
  EXPECT_EQ(response.failure(), TransportFailure::tls) << response.describe();
  EXPECT_NE(response.describe().find("unable to get local issuer certificate"), std::string::npos) << response.describe();
  EXPECT_EQ(server_.count("/feed"), 0u);
}

TEST_F(Tls, AWrongHostNameIsATlsFailure) {
  server_.serve_feed("/feed", "<rss/>");
  serve(pki_.issue("wrong-host", {"DNS:wrong.example.org"}));
  const auto response = fetch_one(request("/feed"));
  EXPECT_EQ(response.failure(), TransportFailure::tls) << response.describe();
  EXPECT_NE(response.describe().find("matches target host name"), std::string::npos) << response.describe();
  EXPECT_EQ(server_.count("/feed"), 0u);
}

TEST_F(Tls, AnExpiredCertificateIsATlsFailure) {
  server_.serve_feed("/feed", "<rss/>");
  serve(pki_.issue("expired", {"DNS:localhost", "IP:127.0.0.1"}, -48h, -24h));
  const auto response = fetch_one(request("/feed"));
  EXPECT_EQ(response.failure(), TransportFailure::tls) << response.describe();
  EXPECT_NE(response.describe().find("expired"), std::string::npos) << response.describe();
  EXPECT_EQ(server_.count("/feed"), 0u);
}

TEST_F(Tls, AMatchingPinnedKeyIsAccepted) {
  server_.serve_feed("/feed", "<rss/>");
  const TlsIdentity identity = good();
  serve(identity);
  auto r = request("/feed");
  r.pinned_public_key = identity.pin;
  const auto response = fetch_one(r);
  EXPECT_EQ(response.status, 200) << response.describe();
}

TEST_F(Tls, APinnedKeyThatDoesNotMatchIsATlsFailure) {
  server_.serve_feed("/feed", "<rss/>");
  serve(good());
  auto r = request("/feed");
  r.pinned_public_key = pki_.issue("other", {"DNS:localhost"}).pin;
  const auto response = fetch_one(r);
  EXPECT_EQ(response.failure(), TransportFailure::tls) << response.describe();
  EXPECT_NE(response.describe().find("pinned public key"), std::string::npos) << response.describe();
  EXPECT_EQ(server_.count("/feed"), 0u);
}

TEST_F(Tls, ARedirectFromHttpsToHttpIsRefusedUnlessAllowed) {
  HttpServer plain;
  plain.serve_feed("/new", "<rss/>");
  server_.redirect("/old", plain.url("/new"), 301);
  serve(good());
  const auto refused = fetch_one(request("/old"));
  EXPECT_TRUE(refused.error) << refused.describe();
  EXPECT_EQ(server_.count("/old"), 1u);
  EXPECT_EQ(plain.count("/new"), 0u);

  auto r = request("/old");
  r.allow_https_downgrade = true;
  const auto allowed = fetch_one(r);
  EXPECT_EQ(allowed.status, 200) << allowed.describe();
  EXPECT_EQ(allowed.effective_url, plain.url("/new"));
  EXPECT_EQ(plain.count("/new"), 1u);
}

TEST_F(Tls, PostsAWebhookBody) {
  server_.serve_webhook("/hook");
  serve(good());
  auto r = request("/hook");
  r.method = "POST";
  r.body = R"({"id":"na_1"})";
  r.headers.emplace_back("Content-Type", "application/json");
  const auto response = fetch_one(r);
  EXPECT_EQ(response.status, 200) << response.describe();
  const auto seen = server_.requests("/hook");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, R"({"id":"na_1"})");
}

// HTTP/1.1 over TLS keeps max_per_host connections alive and reuses them; docs/performance.md
// ("HTTP/2") compares this test's output with the HTTP/2 one.
TEST_F(Tls, TwoHundredFetchesOverHttp11ReuseMaxPerHostConnections) {
  for (int i = 0; i < 20; ++i) server_.serve_feed("/feed" + std::to_string(i), "<rss>" + std::to_string(i) + "</rss>");
  auto& relay = serve(good());
  boost::asio::io_context io;
  const HttpClientOptions options = newsalert::net::testing::loopback_allowed();
  HttpClient http(io, options);
  int ok = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i)
    http.async_fetch(request("/feed" + std::to_string(i % 20)), [&ok](HttpResponse r) { ok += r.status == 200; });
  io.run();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(relay.accepted(), static_cast<std::size_t>(options.max_per_host));
  EXPECT_EQ(http.connection_stats().new_connections, static_cast<std::uint64_t>(options.max_per_host));
  std::cout << "HTTP/1.1 (TLS relay + test server): 200 fetches, " << relay.accepted() << " connection(s), "
            << elapsed.count() << " ms\n";
}
