// The test HTTP server: one coroutine per connection on a private io_context and thread.
#include "tests/support/http_server.hpp"

#include "common/crypto.hpp"
#include "common/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

namespace newsalert::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

auto use_awaitable_ec(beast::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

// IMF-fixdate, spelled out by hand so the C locale is not a dependency.
std::string http_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

// True when an If-None-Match value ("a", W/"b", *) names `etag`.
bool etag_listed(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

bool status_forbids_body(int status) { return status / 100 == 1 || status == 204 || status == 304; }

struct FeedState {
  std::string body;
  std::string content_type;
  bool gzip = false;
  std::string etag;
  std::chrono::sys_seconds modified;
  std::string last_modified;

  void set_body(std::string b) {
    body = std::move(b);
    etag = "\"" + sha256_hex(body) + "\"";
    // Whole seconds, and always later than before: a client comparing If-Modified-Since must
    // see a change even when the feed is updated twice within one second.
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    if (modified.time_since_epoch().count() != 0 && now <= modified) now = modified + std::chrono::seconds(1);
    modified = now;
    last_modified = http_date(modified);
  }
};

struct WebhookState {
  std::vector<Response> script;
  Response then;
  std::size_t next = 0;
};

// What the stop routine needs to reach in a live session.
struct Connection {
  beast::tcp_stream* stream;
  asio::steady_timer* timer;
};

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  const auto it = headers.find(to_lower_ascii(name));
  return it == headers.end() ? std::string{} : it->second;
}

struct HttpServer::Impl {
  // Declared first so it is destroyed last, after everything bound to it.
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::uint16_t port = 0;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable recorded;
  std::map<std::string, Handler, std::less<>> routes;
  std::map<std::string, Handler, std::less<>> prefix_routes;
  std::map<std::string, std::shared_ptr<FeedState>, std::less<>> feeds;
  std::vector<RecordedRequest> records;

  // Touched only on the I/O thread.
  bool stopping = false;
  std::set<Connection*> connections;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  void record(const RecordedRequest& r);
  Response dispatch(const RecordedRequest& r);
  void stop();

  std::size_t count_locked(std::string_view path) const {
    if (path.empty()) return records.size();
    return static_cast<std::size_t>(
        std::count_if(records.begin(), records.end(), [&](const auto& r) { return r.path == path; }));
  }
};

namespace {

void report_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::cerr << "HttpServer: " << ex.what() << '\n';
  }
}

RecordedRequest to_record(const http::request<http::string_body>& req) {
  RecordedRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.path = r.target.substr(0, r.target.find('?'));
  r.body = req.body();
  for (const auto& field : req) {
    auto [it, inserted] = r.headers.try_emplace(to_lower_ascii(field.name_string()), field.value());
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  r.at = std::chrono::steady_clock::now();
  return r;
}

}  // namespace

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable_ec(ec));
    if (ec || stopping) co_return;
    asio::co_spawn(ioc, session(std::move(socket)), report_exception);
  }
}

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
  if (stopping) co_return;
  beast::tcp_stream stream(std::move(socket));
  asio::steady_timer timer(ioc);
  Connection conn{&stream, &timer};
  connections.insert(&conn);
  struct Unregister {
    std::set<Connection*>& set;
    Connection* c;
    ~Unregister() { set.erase(c); }
  } unregister{connections, &conn};

  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await http::async_read(stream, buffer, parser, use_awaitable_ec(ec));
    if (ec || stopping) co_return;
    const auto req = parser.release();
    const RecordedRequest rec = to_record(req);
    record(rec);
    Response res = dispatch(rec);

    if (res.delay.count() > 0) {
      timer.expires_after(res.delay);
      co_await timer.async_wait(use_awaitable_ec(ec));
      if (ec || stopping) co_return;
    }
    if (res.stream) {
      std::string head = "HTTP/1.1 " + std::to_string(res.status) + " Streaming\r\n";
      for (const auto& [name, value] : res.headers) head += name + ": " + value + "\r\n";
      head += "Connection: close\r\n\r\n";
      co_await asio::async_write(stream, asio::buffer(head), use_awaitable_ec(ec));
      while (!ec && !stopping) {
        const std::string chunk = res.stream();
        if (chunk.empty()) break;
        co_await asio::async_write(stream, asio::buffer(chunk), use_awaitable_ec(ec));
        if (!ec && res.stream_pause.count() > 0) {
          timer.expires_after(res.stream_pause);
          co_await timer.async_wait(use_awaitable_ec(ec));
        }
      }
      if (!stopping) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.close();
      }
      co_return;
    }
    if (res.close_without_response) {
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream.close();
      co_return;
    }

    http::response<http::string_body> msg;
    msg.version(req.version());
    msg.result(static_cast<unsigned>(res.status));
    bool keep_alive = req.keep_alive();
    for (const auto& [name, value] : res.headers) {
      if (beast::iequals(name, "connection") && beast::iequals(value, "close")) keep_alive = false;
      msg.set(name, value);
    }
    if (!status_forbids_body(res.status)) msg.body() = std::move(res.body);
    msg.keep_alive(keep_alive);
    msg.prepare_payload();

    co_await http::async_write(stream, msg, use_awaitable_ec(ec));
    if (ec || stopping) co_return;
    if (msg.need_eof()) {
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

void HttpServer::Impl::record(const RecordedRequest& r) {
  {
    std::lock_guard lock(mutex);
    records.push_back(r);
  }
  recorded.notify_all();
}

Response HttpServer::Impl::dispatch(const RecordedRequest& r) {
  Handler handler;
  {
    std::lock_guard lock(mutex);
    if (const auto it = routes.find(r.path); it != routes.end()) handler = it->second;
    // Of the prefixes of one path, a longer one sorts later: the first match from the end is the longest.
    for (auto it = prefix_routes.rbegin(); !handler && it != prefix_routes.rend(); ++it)
      if (r.path.starts_with(it->first)) handler = it->second;
  }
  if (!handler) return Response{404, {{"Content-Type", "text/plain"}}, "not found\n"};
  try {
    return handler(r);
  } catch (const std::exception& e) {
    return Response{500, {{"Content-Type", "text/plain"}}, std::string("handler threw: ") + e.what()};
  }
}

void HttpServer::Impl::stop() {
  // Runs on the I/O thread, so every session is suspended in a read, write or timer wait; closing
  // the stream and cancelling the timer wakes each one, and the loop then runs out of work.
  asio::post(ioc, [this] {
    stopping = true;
    beast::error_code ec;
    acceptor.close(ec);
    for (Connection* c : connections) {
      c->stream->close();
      c->timer->cancel();
    }
  });
  thread.join();
}

HttpServer::HttpServer(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), report_exception);
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

HttpServer::~HttpServer() { impl_->stop(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

void HttpServer::route(std::string path, Handler h) {
  std::lock_guard lock(impl_->mutex);
  impl_->routes.insert_or_assign(std::move(path), std::move(h));
}

void HttpServer::route_prefix(std::string prefix, Handler h) {
  std::lock_guard lock(impl_->mutex);
  impl_->prefix_routes.insert_or_assign(std::move(prefix), std::move(h));
}

void HttpServer::serve_feed(std::string path, std::string body, std::string content_type, bool gzip_body) {
  auto feed = std::make_shared<FeedState>();
  feed->content_type = std::move(content_type);
  feed->gzip = gzip_body;
  feed->set_body(std::move(body));
  Impl* impl = impl_.get();
  Handler handler = [impl, feed](const RecordedRequest& req) {
    FeedState now;
    {
      std::lock_guard lock(impl->mutex);
      now = *feed;
    }
    Response res;
    res.headers["ETag"] = now.etag;
    res.headers["Last-Modified"] = now.last_modified;
    const std::string inm = req.header("if-none-match");
    const bool not_modified = !inm.empty() ? etag_listed(inm, now.etag)
                                           : req.header("if-modified-since") == now.last_modified;
    if (not_modified) {
      res.status = 304;
      return res;
    }
    res.headers["Content-Type"] = now.content_type;
    if (now.gzip) {
      res.headers["Vary"] = "Accept-Encoding";
      if (to_lower_ascii(req.header("accept-encoding")).find("gzip") != std::string::npos) {
        res.headers["Content-Encoding"] = "gzip";
        res.body = gzip(now.body);
        return res;
      }
    }
    res.body = std::move(now.body);
    return res;
  };
  std::lock_guard lock(impl_->mutex);
  impl_->feeds.insert_or_assign(path, std::move(feed));
  impl_->routes.insert_or_assign(std::move(path), std::move(handler));
}

void HttpServer::update_feed(std::string path, std::string body) {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->feeds.find(path);
  if (it == impl_->feeds.end()) throw std::logic_error("update_feed: no feed served at " + path);
  it->second->set_body(std::move(body));
}

void HttpServer::serve_webhook(std::string path, std::vector<Response> script, Response then) {
  auto state = std::make_shared<WebhookState>();
  state->script = std::move(script);
  state->then = std::move(then);
  Impl* impl = impl_.get();
  route(std::move(path), [impl, state](const RecordedRequest&) {
    std::lock_guard lock(impl->mutex);
    if (state->next < state->script.size()) return state->script[state->next++];
    return state->then;
  });
}

std::function<std::string()> gzip_zeros_stream(std::uint64_t decoded_bytes, std::shared_ptr<std::atomic<std::uint64_t>> sent) {
  struct Deflater {
    z_stream zs{};
    std::uint64_t left;
    bool done = false;
    explicit Deflater(std::uint64_t total) : left(total) {
      if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    }
    ~Deflater() { deflateEnd(&zs); }
  };
  auto state = std::make_shared<Deflater>(decoded_bytes);
  return [state, sent]() -> std::string {
    static const std::string zeros(1 << 20, '\0');
    std::string out;
    while (out.empty() && !state->done) {
      const auto n = static_cast<uInt>(std::min<std::uint64_t>(zeros.size(), state->left));
      state->left -= n;
      const int flush = state->left == 0 ? Z_FINISH : Z_NO_FLUSH;
      state->zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
      state->zs.avail_in = n;
      char buffer[64 * 1024];
      do {
        state->zs.next_out = reinterpret_cast<Bytef*>(buffer);
        state->zs.avail_out = sizeof buffer;
        const int rc = deflate(&state->zs, flush);
        if (rc == Z_STREAM_END) state->done = true;
        out.append(buffer, sizeof buffer - state->zs.avail_out);
      } while (state->zs.avail_out == 0);
    }
    if (sent) *sent += out.size();
    return out;
  };
}

Response gzip_bomb(std::uint64_t decoded_bytes, std::shared_ptr<std::atomic<std::uint64_t>> sent) {
  Response r;
  r.headers["Content-Type"] = "application/rss+xml";
  r.headers["Content-Encoding"] = "gzip";
  r.stream = gzip_zeros_stream(decoded_bytes, std::move(sent));
  return r;
}

void HttpServer::redirect(std::string from, std::string to, int status) {
  route(std::move(from), [to = std::move(to), status](const RecordedRequest&) {
    return Response{status, {{"Location", to}}, {}};
  });
}

std::vector<RecordedRequest> HttpServer::requests(std::string_view path) const {
  std::lock_guard lock(impl_->mutex);
  if (path.empty()) return impl_->records;
  std::vector<RecordedRequest> out;
  for (const auto& r : impl_->records) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

std::size_t HttpServer::count(std::string_view path) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->count_locked(path);
}

bool HttpServer::wait_for(std::string_view path, std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->recorded.wait_for(lock, timeout, [&] { return impl_->count_locked(path) >= n; });
}

void HttpServer::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->records.clear();
}

}  // namespace newsalert::testing
