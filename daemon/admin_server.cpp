// Beast coroutine server for the admin endpoints; answers are built by the App's handlers.
#include "daemon/admin_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <stdexcept>

namespace newsalert::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(10);

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
    if (handlers.callback && !handlers.callback_prefix.empty() && path.starts_with(handlers.callback_prefix)) {
      poll::CallbackRequest call;
      call.method = std::string(request.method_string());
      call.target = std::string(target);
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        call.headers[name] = std::string(field.value());
      }
      call.body = request.body();
      const poll::CallbackAnswer answer = handlers.callback(call);
      return reply(request, static_cast<http::status>(answer.status), answer.content_type, answer.body);
    }
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
    if (path == "/v1/status") return reply(request, http::status::ok, "application/json", handlers.status() + "\n");
    return reply(request, http::status::not_found, "text/plain",
                 "not found; try /healthz, /readyz, /metrics or /v1/status\n");
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();   // the server may be replaced by a reload while we answer
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      stream.expires_after(kRequestTimeout);
      http::request_parser<http::string_body> parser;
      parser.body_limit(handlers.body_limit);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      Request request = parser.release();
      Response response = route(request);
      const bool keep_alive = response.keep_alive();
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep_alive || stopped) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped) break;
      if (ec) {
        spdlog::warn("admin listener {}: accept failed: {}", listen.str(), ec.message());
        continue;
      }
      asio::co_spawn(io, session(std::move(socket)), [](std::exception_ptr error) {
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::warn("admin request failed: {}", e.what());
        }
      });
    }
  }

  asio::io_context& io;
  config::HttpListen listen;
  Handlers handlers;
  tcp::acceptor acceptor;
  bool stopped = false;
};

AdminServer::AdminServer(asio::io_context& io, const config::HttpListen& listen, Handlers handlers)
    : impl_(std::make_shared<Impl>(io, listen, std::move(handlers))) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::start(Supervisor& supervisor) {
  supervisor.spawn("admin", impl_->listen.str(), [impl = impl_] { return impl->accept_loop(); });
  if (impl_->handlers.metrics)
    spdlog::info("admin listener on http://{}/ (/healthz, /readyz, /metrics, /v1/status{})", impl_->listen.str(),
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
