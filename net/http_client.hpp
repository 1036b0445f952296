// HTTP transfers through libcurl's multi-socket API, driven by one Boost.Asio io_context.
#pragma once

#include "common/network_range.hpp"
#include "common/time.hpp"
#include "net/address_policy.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace newsalert::net {

// Transport failures, as error codes in the "curl" category (values are CURLcode).
const boost::system::error_category& curl_category();

// What kind of transport failure an error code is, so callers can log and count failures by class
// without knowing curl's codes.
// `blocked`: the SSRF guard refused the address a connection would have gone to.
enum class TransportFailure { none, dns, connect, timeout, tls, too_large, blocked, aborted, other };
TransportFailure classify_transport(const boost::system::error_code& error);

struct HttpRequest {
  std::string url;
  std::string method = "GET";   // GET, POST or PUT
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;             // sent with POST and PUT
  Millis timeout{std::chrono::seconds(30)};
  std::uint64_t max_bytes = 16ull << 20;   // the transfer fails once the body grows past this
  // Bytes received on the wire before gzip/br/zstd decoding (and Content-Length, checked up front).
  std::uint64_t max_compressed_bytes = 16ull << 20;
  std::uint64_t max_header_bytes = 64ull << 10;   // all response header lines together
  bool follow_redirects = true;
  long max_redirects = 5;
  bool allow_https_downgrade = false;   // when curl follows redirects: may https lead to http?
  // Networks this transfer may reach on top of the client's AddressPolicy (a feed's `allow:`).
  std::vector<NetworkRange> allow;
  // TLS: verification is on unless turned off explicitly. ca_file replaces the system CA store;
  // pinned_public_key is "sha256//BASE64[;sha256//...]" or a PEM/DER public key file.
  bool tls_verify = true;
  std::string ca_file;
  std::string pinned_public_key;
};

// Which bound stopped a transfer (HttpResponse::limit).
enum class ResponseLimit { none, body, compressed, headers };

struct HttpResponse {
  long status = 0;                              // 0 when no response arrived
  std::map<std::string, std::string> headers;   // of the final response; names lower-case
  std::string body;                             // decoded (gzip, deflate, br)
  std::string effective_url;                    // after redirects
  long redirects = 0;
  Millis elapsed{0};
  boost::system::error_code error;              // set when the transfer itself failed
  std::string error_message;                    // curl's detailed message for `error`
  bool too_large = false;                       // aborted at a size limit (see `limit`)
  ResponseLimit limit = ResponseLimit::none;
  std::uint64_t limit_bytes = 0;                // the bound that `limit` names
  std::string blocked;                          // why the SSRF guard refused, when failure() is blocked
  // The curl option refused while setting up (e.g. "CURLOPT_PINNEDPUBLICKEY"): the transfer never
  // started, rather than running without it.
  std::string failed_option;

  std::string header(const std::string& lower_case_name) const;
  // The failure class of `error`; too_large also when the body outgrew max_bytes mid-transfer;
  // tls when a TLS option (CA file, pinned key, verification) could not be set.
  TransportFailure failure() const;
  bool is_success() const { return !error && status >= 200 && status < 300; }
  // "HTTP 503", "timeout after 30s: ...", "response body larger than 16777216 bytes",
  // "cannot set CURLOPT_CAINFO: ...": for logs and status.
  std::string describe() const;
};

struct HttpClientOptions {
  std::string user_agent;
  long max_connections = 64;     // transfers in flight; curl queues the rest
  long max_per_host = 4;
  // The SSRF guard, applied to every address a connection is about to be made to (after DNS, so
  // rebinding cannot slip past). Null: no check, for tools and tests that talk to loopback; the
  // daemon always sets one from network.allow.
  std::shared_ptr<const AddressPolicy> address_policy;
  // HTTP/2 where the server offers it: transfers to one host share a connection as streams
  // instead of each opening its own.
  bool multiplex = true;
};

// Connection reuse seen so far, from curl's own count of new connections per finished transfer.
struct HttpConnectionStats {
  std::uint64_t transfers = 0;
  std::uint64_t new_connections = 0;
};

// Confined to the thread that runs its io_context: every member function but the destructor and
// the static ones aborts with a message when called from another thread (the first call binds it).
class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a transfer; completes with the response (transport failures are in response.error,
  // never thrown). Works with any Asio completion token, e.g. boost::asio::use_awaitable.
  template <typename CompletionToken>
  auto async_fetch(HttpRequest request, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(HttpResponse)>(
        [this](auto handler, HttpRequest req) {
          start(std::move(req), boost::asio::any_completion_handler<void(HttpResponse)>(std::move(handler)));
        },
        token, std::move(request));
  }

  std::size_t in_flight() const;
  HttpConnectionStats connection_stats() const;
  // The SSRF guard every transfer passes (null: none), for other clients that must obey it too.
  std::shared_ptr<const AddressPolicy> address_policy() const;

  // Aborts every transfer; each completes with operation_aborted.
  void cancel_all();

  static std::string default_user_agent();
  // The Accept-Encoding value sent: exactly the codings this libcurl decodes
  // (Debian 12: "gzip, deflate, br, zstd").
  static const std::string& accepted_encodings();

 private:
  void start(HttpRequest request, boost::asio::any_completion_handler<void(HttpResponse)> handler);

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace newsalert::net
