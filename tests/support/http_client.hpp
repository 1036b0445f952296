// A small blocking HTTP/1.1 client, so tests talk to servers over real sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace newsalert::testing {

using Headers = std::map<std::string, std::string>;

struct ClientResponse {
  int status = 0;   // 0: no response arrived; `error` says why
  Headers headers;  // lower-case names; repeated fields joined by ", "
  std::string body; // as received: not decompressed
  std::string error;

  // The value of a header (any case), or "" when absent.
  std::string header(std::string_view name) const;
};

// One keep-alive connection to host:port, opened on first use and reopened after the server
// closes it. A failed exchange is not retried, so a scripted server sees each request once.
class HttpClient {
 public:
  explicit HttpClient(std::string host, std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  ClientResponse request(std::string_view method, std::string_view target, std::string body = {},
                         const Headers& headers = {});
  ClientResponse get(std::string_view target, const Headers& headers = {});
  ClientResponse post(std::string_view target, std::string body, const Headers& headers = {});

  // Opens the connection now; false when it cannot be made.
  bool connect();
  bool is_open() const;
  void close();
  // How many TCP connections this client has opened so far.
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot requests to an absolute "http://host[:port]/target" URL.
ClientResponse request(std::string_view method, std::string_view url, std::string body = {},
                       const Headers& headers = {});
ClientResponse get(std::string_view url, const Headers& headers = {});
ClientResponse post(std::string_view url, std::string body, const Headers& headers = {});

}  // namespace newsalert::testing
