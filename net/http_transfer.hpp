// One HTTP transfer's policy on its curl handle: limits, redirects, the SSRF hooks, TLS options,
// header parsing, and the response it collects.
#pragma once

#include "net/curl_easy.hpp"
#include "net/curl_option_error.hpp"
#include "net/curl_slist.hpp"
#include "net/http_client.hpp"
#include "net/socket_guard.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace newsalert::net {

// What every transfer of one client has in common.
struct HttpTransferSettings {
  std::string user_agent;
  bool multiplex = true;
  CURLSH* share = nullptr;
  std::shared_ptr<const AddressPolicy> address_policy;
};

// Lives at one address from configure() to the end (curl holds pointers into it).
class HttpTransfer {
 public:
  explicit HttpTransfer(HttpRequest request);
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Sets every option. Throws CurlOptionError when curl refuses one: the transfer must then not
  // run, since it would run without that option (no guard, no pin, ...).
  void configure(const HttpTransferSettings& settings);

  CURL* easy() const noexcept { return easy_.get(); }

  // The response of a finished transfer; `connections` is how many new connections it made.
  HttpResponse finish(CURLcode result, long& connections);
  // The response of a transfer that never started because curl refused `error`'s option.
  HttpResponse refused(const CurlOptionError& error);

 private:
  void set_limits();
  void set_redirects();
  void set_callbacks();
  void set_tls();
  void set_protocol(const HttpTransferSettings& settings);
  void set_headers_and_body();
  bool over_wire_limit() noexcept;
  void hit_limit(ResponseLimit which, std::uint64_t bound) noexcept;
  bool is_https() const;

  static size_t on_body(char* data, size_t size, size_t count, void* userp) noexcept;
  static size_t on_header(char* data, size_t size, size_t count, void* userp) noexcept;
  static int on_debug(CURL*, curl_infotype type, char*, size_t size, void* userp) noexcept;
  static int on_progress(void* userp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept;

  CurlEasy easy_;
  CurlSlist header_lines_;
  HttpRequest request_;
  HttpResponse response_;
  std::unique_ptr<SocketGuard> guard_;
  std::uint64_t header_bytes_ = 0;
  bool in_headers_ = false;        // a response's status line came and its blank line has not
  std::uint64_t wire_bytes_ = 0;   // body bytes as received, before content decoding
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

// Adds one response header line ("Name: value", or a status line that starts a new response).
void add_header_line(HttpResponse& response, std::string_view line);

}  // namespace newsalert::net
