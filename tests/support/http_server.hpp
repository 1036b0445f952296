// A loopback HTTP/1.1 server for tests: serves feeds with ETag/304 and records webhook POSTs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent, with the query
  std::string path;    // target without the query
  std::string body{};
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
  std::chrono::steady_clock::time_point at;    // when the request was read

  // The value of a header (any case), or "" when absent.
  std::string header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::map<std::string, std::string> headers{};
  std::string body{};
  std::chrono::milliseconds delay{0};  // wait this long before answering; other connections go on
  bool close_without_response = false;  // drop the connection instead of answering
  // When set, the body is produced by calling this until it returns "" (or the client goes away),
  // written as it comes without Content-Length, and the connection closes after it: for servers
  // that stream forever or send more than fits in memory.
  std::function<std::string()> stream{};
  std::chrono::milliseconds stream_pause{0};   // wait between streamed chunks
};

// A stream body: the gzip encoding of `decoded_bytes` zero bytes, made on the fly one chunk at a
// time (10 GiB of zeros is about 10 MiB of gzip). `sent`, when given, counts the bytes produced.
std::function<std::string()> gzip_zeros_stream(std::uint64_t decoded_bytes,
                                               std::shared_ptr<std::atomic<std::uint64_t>> sent = nullptr);

// A feed response whose body is that gzip bomb (Content-Encoding: gzip, sent whatever was asked).
Response gzip_bomb(std::uint64_t decoded_bytes, std::shared_ptr<std::atomic<std::uint64_t>> sent = nullptr);

class HttpServer {
 public:
  // Binds 127.0.0.1 on `port` (0: an ephemeral port) and serves on its own thread.
  explicit HttpServer(std::uint16_t port = 0);
  // Closes the acceptor and every open connection (keep-alive or delayed), then joins.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:PORT" + path
  std::string url(std::string_view path) const;

  // Called on the server thread, without the server's lock held.
  using Handler = std::function<Response(const RecordedRequest&)>;
  // Matches the path without query; replaces an existing route.
  void route(std::string path, Handler h);
  // Every path that starts with `prefix` and has no route of its own (the longest prefix wins):
  // for APIs with ids in the path.
  void route_prefix(std::string prefix, Handler h);

  // A feed: 200 with ETag (quoted SHA-256 of the body) and Last-Modified; 304 when If-None-Match
  // matches the current ETag, or (without If-None-Match) If-Modified-Since equals Last-Modified.
  // With gzip=true the body is gzip-encoded for requests whose Accept-Encoding has gzip.
  void serve_feed(std::string path, std::string body,
                  std::string content_type = "application/rss+xml", bool gzip = false);
  // New body, new ETag and a Last-Modified later than the previous one.
  void update_feed(std::string path, std::string body);

  // Answers `script` in order for successive requests, then `then` for all later ones.
  void serve_webhook(std::string path, std::vector<Response> script = {},
                     Response then = {200, {}, "ok"});

  // Answers `status` with `Location: to` (sent as given, so absolute or relative).
  void redirect(std::string from, std::string to, int status = 301);

  // All recorded requests, or those with that path, in arrival order.
  std::vector<RecordedRequest> requests(std::string_view path = {}) const;
  // Requests recorded for that path (all of them for an empty path).
  std::size_t count(std::string_view path) const;
  // Blocks until `n` requests to path were recorded or the timeout passes; returns whether they were.
  bool wait_for(std::string_view path, std::size_t n, std::chrono::milliseconds timeout) const;
  void clear_requests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsalert::testing
