// The test HTTP client: Beast over a private io_context, run to completion on each call.
#include "tests/support/http_client.hpp"

#include "common/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace newsalert::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ClientResponse::header(std::string_view name) const {
  const auto it = headers.find(to_lower_ascii(name));
  return it == headers.end() ? std::string{} : it->second;
}

struct HttpClient::Impl {
  // A constructor, not aggregate init with parentheses, which clang 14 does not support.
  Impl(std::string h, std::uint16_t p, std::chrono::milliseconds t) : host(std::move(h)), port(p), timeout(t) {}

  std::string host;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  int opened = 0;

  asio::awaitable<std::string> open() {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto results =
        co_await resolver.async_resolve(host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "resolve " + host + ": " + ec.message();
    stream.expires_after(timeout);
    co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "connect: " + ec.message();
    buffer.clear();
    ++opened;
    co_return std::string{};
  }

  asio::awaitable<ClientResponse> exchange(http::request<http::string_body> req) {
    ClientResponse out;
    if (!stream.socket().is_open()) {
      out.error = co_await open();
      if (!out.error.empty()) co_return out;
    }
    beast::error_code ec;
    stream.expires_after(timeout);
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out.error = "write: " + ec.message();
      stream.close();
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    if (req.method() == http::verb::head) parser.skip(true);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out.error = "read: " + ec.message();
      stream.close();
      co_return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      auto [it, inserted] = out.headers.try_emplace(to_lower_ascii(field.name_string()), field.value());
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    out.body = std::move(res.body());
    if (res.need_eof()) stream.close();
    co_return out;
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    std::optional<T> result;
    std::exception_ptr error;
    ioc.restart();
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
      if (e) error = e;
      else result = std::move(value);
    });
    ioc.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}

HttpClient::~HttpClient() = default;

ClientResponse HttpClient::request(std::string_view method, std::string_view target, std::string body,
                                   const Headers& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  req.set(http::field::user_agent, "newsalert-test-client");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  return impl_->run(impl_->exchange(std::move(req)));
}

ClientResponse HttpClient::get(std::string_view target, const Headers& headers) {
  return request("GET", target, {}, headers);
}

ClientResponse HttpClient::post(std::string_view target, std::string body, const Headers& headers) {
  return request("POST", target, std::move(body), headers);
}

bool HttpClient::connect() {
  if (impl_->stream.socket().is_open()) return true;
  return impl_->run(impl_->open()).empty();
}

bool HttpClient::is_open() const { return impl_->stream.socket().is_open(); }

void HttpClient::close() { impl_->stream.close(); }

int HttpClient::connections_opened() const { return impl_->opened; }

namespace {

struct ParsedUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target;
};

ParsedUrl parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) throw std::invalid_argument("only http:// URLs: " + std::string(url));
  url.remove_prefix(scheme.size());
  const auto slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  ParsedUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const auto colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    out.port = static_cast<std::uint16_t>(std::stoul(std::string(authority.substr(colon + 1))));
  }
  return out;
}

}  // namespace

ClientResponse request(std::string_view method, std::string_view url, std::string body, const Headers& headers) {
  const ParsedUrl u = parse_url(url);
  HttpClient client(u.host, u.port);
  return client.request(method, u.target, std::move(body), headers);
}

ClientResponse get(std::string_view url, const Headers& headers) { return request("GET", url, {}, headers); }

ClientResponse post(std::string_view url, std::string body, const Headers& headers) {
  return request("POST", url, std::move(body), headers);
}

}  // namespace newsalert::testing
