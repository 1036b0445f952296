// HTTP transfers through libcurl's multi-socket API, driven by one Boost.Asio io_context.
#pragma once

#include "common/time.hpp"

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
enum class TransportFailure { none, dns, connect, timeout, tls, too_large, aborted, other };
TransportFailure classify_transport(const boost::system::error_code& error);

struct HttpRequest {
  std::string url;
  std::string method = "GET";   // GET or POST
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;             // sent with POST
  Millis timeout{std::chrono::seconds(30)};
  std::uint64_t max_bytes = 16ull << 20;   // the transfer fails once the body grows past this
  bool follow_redirects = true;
  long max_redirects = 5;
};

struct HttpResponse {
  long status = 0;                              // 0 when no response arrived
  std::map<std::string, std::string> headers;   // of the final response; names lower-case
  std::string body;                             // decoded (gzip, deflate, br)
  std::string effective_url;                    // after redirects
  long redirects = 0;
  Millis elapsed{0};
  boost::system::error_code error;              // set when the transfer itself failed
  std::string error_message;                    // curl's detailed message for `error`
  bool too_large = false;                       // aborted at max_bytes

  std::string header(const std::string& lower_case_name) const;
  // The failure class of `error`; too_large also when the body outgrew max_bytes mid-transfer.
  TransportFailure failure() const;
  bool is_success() const { return !error && status >= 200 && status < 300; }
  // "HTTP 503", "timeout after 30s: ...", "response larger than 16MiB": for logs and status.
  std::string describe() const;
};

struct HttpClientOptions {
  std::string user_agent;
  long max_connections = 64;     // transfers in flight; curl queues the rest
  long max_per_host = 4;
  // HTTP/2 where the server offers it: transfers to one host share a connection as streams
  // instead of each opening its own.
  bool multiplex = true;
};

// Connection reuse seen so far, from curl's own count of new connections per finished transfer.
struct HttpConnectionStats {
  std::uint64_t transfers = 0;
  std::uint64_t new_connections = 0;
};

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
