// Beast coroutine server for the admin endpoints; answers are built by the App's handlers.
#include "daemon/admin_server.hpp"

#include "console/console.hpp"
#include "daemon/descriptor_limit.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace newsalert::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A failed accept (descriptors used up, kernel memory short) leaves the connection queued and the
// listener readable, so retrying at once only spins. The first retry comes after 100 ms, so a freed
// descriptor is used almost at once; waits double up to 1 s, so the listener is back within a second
// of the pressure ending while trying at most once a second meanwhile.
constexpr Millis kAcceptRetryFirst{100};
constexpr Millis kAcceptRetryMax{1000};
// Descriptors the listener leaves to polls, deliveries, the database and the resolver: a connection
// that lands on one of the last ones is closed at once, so a crowd of clients cannot starve polling.
constexpr std::uint64_t kSpareDescriptors = 32;
// Refusals are over once none has come for this long: a client that frees a slot and takes two
// again and again keeps one streak going instead of logging two lines per round.
constexpr Millis kRefusalsOver{10'000};
// What a kept-alive connection reads while it waits for its next request.
constexpr std::size_t kReadChunk = 4096;
// How long, and how much, a refused request's remaining body is read and dropped before closing.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::uint64_t kLingerBytes = 64 << 20;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response reply(const Request& request, http::status status, std::string content_type, std::string body) {
  Response response(status, request.version());
  response.set(http::field::server, "newsalertd");
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.body().clear();
  return response;
}

Millis accept_retry_delay(std::uint64_t failures) {
  Millis delay = kAcceptRetryFirst;
  for (std::uint64_t i = 1; i < failures && delay < kAcceptRetryMax; ++i) delay *= 2;
  return std::min(delay, kAcceptRetryMax);
}

// A run of failed or refused accepts, logged when it starts and when it ends, never per event.
struct Streak {
  using Clock = std::chrono::steady_clock;
  std::uint64_t count = 0;
  Clock::time_point first, last;

  // True for the first event of a run.
  bool add() {
    last = Clock::now();
    if (count++ > 0) return false;
    first = last;
    return true;
  }
  bool quiet_for(Millis quiet) const { return Clock::now() - last >= quiet; }
  std::string span() const { return format_duration(std::chrono::duration_cast<Millis>(last - first)); }
};

// One slot of http.max_connections, held by a session for as long as it runs. The count is shared,
// not borrowed: at shutdown the io_context destroys unfinished sessions after the server they
// belonged to is gone.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<int> open) : open_(std::move(open)) { ++*open_; }
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (open_) --*open_;
  }

 private:
  std::shared_ptr<int> open_;
};

}  // namespace

struct AdminServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_context, const config::HttpListen& where, Handlers h)
      : io(io_context), listen(where), handlers(std::move(h)), acceptor(io) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(listen.host, ec);
    if (ec) throw std::runtime_error("http.listen " + listen.str() + ": " + ec.message());
    const tcp::endpoint endpoint(address, listen.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + listen.str() + " (http.listen): " + ec.message());
  }

  Response route(const Request& request) const {
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    if (!handlers.metrics)
      return reply(request, http::status::not_found, "text/plain", "not found\n");
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      Response response = reply(request, http::status::method_not_allowed, "text/plain", "use GET\n");
      response.set(http::field::allow, "GET, HEAD");
      return response;
    }
    if (path == "/healthz") return reply(request, http::status::ok, "text/plain", "ok\n");
    if (path == "/readyz") {
      if (const auto reason = handlers.not_ready())
        return reply(request, http::status::service_unavailable, "text/plain", "not ready: " + *reason + "\n");
      return reply(request, http::status::ok, "text/plain", "ready\n");
    }
    if (path == "/metrics")
      return reply(request, http::status::ok, "text/plain; version=0.0.4; charset=utf-8", handlers.metrics());
    if (handlers.api)
      if (const auto* asset = console::find_asset(path)) return console_reply(request, *asset);
    return reply(request, http::status::not_found, "text/plain",
                 "not found; try /, /healthz, /readyz, /metrics or /v1/status\n");
  }

  // A console file, revalidated by its digest on every load so an upgrade shows at once.
  static Response console_reply(const Request& request, const console::Asset& asset) {
    const bool unchanged = request[http::field::if_none_match] == asset.etag;
    Response response = reply(request, unchanged ? http::status::not_modified : http::status::ok,
                              std::string(asset.content_type), unchanged ? "" : std::string(asset.body));
    response.set(http::field::cache_control, "no-cache");
    response.set(http::field::etag, asset.etag);
    response.set("Content-Security-Policy", console::kContentSecurityPolicy);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    return response;
  }

  // True for the requests callback_reply answers: those under the WebSub callback path.
  bool is_callback(const Request& request) const {
    const std::string_view target(request.target().data(), request.target().size());
    return handlers.callback && !handlers.callback_prefix.empty() &&
           target.substr(0, target.find('?')).starts_with(handlers.callback_prefix);
  }

  asio::awaitable<Response> callback_reply(const Request& request) const {
    poll::CallbackRequest call;
    call.method = std::string(request.method_string());
    call.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      call.headers[name] = std::string(field.value());
    }
    call.body = request.body();
    const poll::CallbackAnswer answer = co_await handlers.callback(std::move(call));
    co_return reply(request, static_cast<http::status>(answer.status), answer.content_type, answer.body);
  }

  // True for the requests api_reply answers: /v1 on a listener with the API.
  bool is_api(const Request& request) const {
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    return !is_callback(request) && handlers.metrics && handlers.api && path.starts_with("/v1/");
  }

  asio::awaitable<Response> api_reply(const Request& request) const {
    const std::string_view target(request.target().data(), request.target().size());
    api::Request call;
    call.method = std::string(request.method_string());
    const auto query = target.find('?');
    call.path = std::string(target.substr(0, query));
    if (query != std::string_view::npos) call.query = std::string(target.substr(query + 1));
    call.authorization = std::string(request[http::field::authorization]);
    call.content_type = std::string(request[http::field::content_type]);
    call.accept = std::string(request[http::field::accept]);
    call.body = request.body();
    api::Routed routed = handlers.api(call);
    api::Answer answer;
    if (auto* job = std::get_if<api::Job>(&routed)) {
      if (handlers.run_job) answer = co_await handlers.run_job(std::move(*job));
      else answer = (*job)();
    } else {
      answer = std::get<api::Answer>(std::move(routed));
    }
    if (answer.reload && handlers.reload) {
      const bool applied = co_await handlers.reload();
      if (!applied) answer = api::refused_reload();
    }
    Response response = reply(request, static_cast<http::status>(answer.status), answer.content_type, answer.body);
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    co_return response;
  }

  asio::awaitable<void> session(tcp::socket socket, [[maybe_unused]] ConnectionSlot slot) {
    auto self = shared_from_this();   // the server may be replaced by a reload while we answer
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    stream.expires_after(listen.request_timeout);   // from accept, like nginx's client_header_timeout
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(handlers.body_limit);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        co_await refuse_body(stream, parser.get());
        break;
      }
      if (ec) break;
      Request request = parser.release();
      // Not a conditional expression: g++ 12 miscompiles co_await inside one.
      Response response;
      if (is_callback(request)) response = co_await callback_reply(request);
      else if (is_api(request)) response = co_await api_reply(request);
      else response = route(request);
      const bool keep_alive = response.keep_alive();
      stream.expires_after(listen.request_timeout);
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep_alive || stopped) break;
      const bool next = co_await next_request_begins(stream, buffer);
      if (!next) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Says why a request was cut off before the connection closes: its body is over the limit.
  asio::awaitable<void> refuse_body(beast::tcp_stream& stream, const Request& request) {
    Response response = reply(request, http::status::payload_too_large, "application/json",
                              "{\"error\":\"the request body is over " + std::to_string(handlers.body_limit) +
                                  " bytes\"}\n");
    response.keep_alive(false);
    boost::system::error_code ec;
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    // A lingering close, as nginx does: the client is likely still sending the body, and closing on
    // unread data would reset the connection and lose the answer before the client reads it.
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, kReadChunk> discard{};
    std::uint64_t drained = 0;
    stream.expires_after(kLingerTime);
    while (!ec && drained < kLingerBytes)
      drained += co_await stream.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
  }

  // A kept-alive connection has idle_timeout to start its next request, then request_timeout to
  // finish it; false when it stayed silent or went away.
  asio::awaitable<bool> next_request_begins(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    if (buffer.size() == 0) {
      stream.expires_after(listen.idle_timeout);
      boost::system::error_code ec;
      const std::size_t n =
          co_await stream.async_read_some(buffer.prepare(kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
      buffer.commit(n);
    }
    stream.expires_after(listen.request_timeout);
    co_return true;
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    asio::steady_timer pause(io);
    while (!stopped) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped) break;
      if (ec) {
        pause.expires_after(accept_failed(ec));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      accept_recovered();
      if (!admit(socket)) continue;
      asio::co_spawn(io, session(std::move(socket), ConnectionSlot(open_connections)), [](std::exception_ptr error) {
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::warn("admin request failed: {}", e.what());
        }
      });
    }
  }

  // Logs the first failure of a streak and returns how long to wait before the next attempt.
  Millis accept_failed(const boost::system::error_code& ec) {
    if (accept_failures.add())
      spdlog::error("admin listener {}: accept failed: {}; retrying in {}, backing off to every {}, until it works",
                    listen.str(), ec.message(), format_duration(kAcceptRetryFirst), format_duration(kAcceptRetryMax));
    return accept_retry_delay(accept_failures.count);
  }

  void accept_recovered() {
    if (accept_failures.count == 0) return;
    spdlog::info("admin listener {}: accepting again after {} failed attempts over {}", listen.str(),
                 accept_failures.count, accept_failures.span());
    accept_failures.count = 0;
  }

  // Whether a new connection may stay; one that may not is closed at once.
  bool admit(tcp::socket& socket) {
    const std::string reason = refusal(socket);
    if (reason.empty()) {
      if (refused.count > 0 && refused.quiet_for(kRefusalsOver)) {
        spdlog::info("admin listener {}: taking connections again; closed {} at once over {}", listen.str(),
                     refused.count, refused.span());
        refused.count = 0;
      }
      return true;
    }
    if (refused.add())
      spdlog::warn("admin listener {}: {}; closing new connections at once until there is room", listen.str(), reason);
    boost::system::error_code ignored;
    socket.close(ignored);
    return false;
  }

  // Why a new connection cannot be kept, or "" when it can.
  std::string refusal(tcp::socket& socket) const {
    if (*open_connections >= listen.max_connections)
      return std::to_string(*open_connections) + " connections open (http.max_connections)";
    // Descriptors are handed out lowest first, so every one below this socket's is in use.
    const auto limit = descriptor_limit();
    const auto fd = static_cast<std::uint64_t>(socket.native_handle());
    if (limit && fd + kSpareDescriptors >= *limit)
      return "fewer than " + std::to_string(kSpareDescriptors) + " of " + std::to_string(*limit) +
             " descriptors free (RLIMIT_NOFILE), kept for polls and deliveries";
    return {};
  }

  asio::io_context& io;
  config::HttpListen listen;
  Handlers handlers;
  tcp::acceptor acceptor;
  bool stopped = false;
  std::shared_ptr<int> open_connections = std::make_shared<int>(0);
  Streak accept_failures;
  Streak refused;
};

AdminServer::AdminServer(asio::io_context& io, const config::HttpListen& listen, Handlers handlers)
    : impl_(std::make_shared<Impl>(io, listen, std::move(handlers))) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::start(Supervisor& supervisor) {
  supervisor.spawn("admin", impl_->listen.str(), [impl = impl_] { return impl->accept_loop(); });
  if (impl_->handlers.metrics)
    spdlog::info("admin listener on http://{}/ (console at /; /healthz, /readyz, /metrics, /v1/status{})", impl_->listen.str(),
                 impl_->handlers.callback ? ", " + impl_->handlers.callback_prefix + "..." : std::string());
  else
    spdlog::info("WebSub callback listener on http://{}{}...", impl_->listen.str(), impl_->handlers.callback_prefix);
}

void AdminServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

const config::HttpListen& AdminServer::listen() const { return impl_->listen; }

}  // namespace newsalert::daemon
