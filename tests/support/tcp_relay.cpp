// A loopback relay in front of a test server: counts connections, optionally terminates TLS.
#include "tests/support/tcp_relay.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <thread>

namespace newsalert::testing {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Copies until either side ends, then closes the way out so the far end sees the end too.
template <typename From, typename To>
asio::awaitable<void> pipe(std::shared_ptr<void> /*keeps the session alive*/, From& from, To& to, tcp::socket& to_close) {
  std::array<char, 16 * 1024> buffer;
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(to, asio::buffer(buffer.data(), n), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  to_close.close(ec);
}

template <typename Client>
struct Session {
  Session(Client c, tcp::socket u) : client(std::move(c)), upstream(std::move(u)) {}
  Client client;
  tcp::socket upstream;
};

tcp::socket& lowest(tcp::socket& socket) { return socket; }
tcp::socket& lowest(ssl::stream<tcp::socket>& stream) { return stream.next_layer(); }

}  // namespace

struct TcpRelay::Impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::vector<std::uint16_t> upstreams;
  std::unique_ptr<std::atomic<std::size_t>[]> relayed;   // per upstream
  std::atomic<std::size_t> next{0};                      // the upstream the next connection tries first
  std::optional<ssl::context> tls;
  std::atomic<std::size_t> accepted{0};
  std::thread thread;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket client = co_await acceptor.async_accept(asio::use_awaitable);
      ++accepted;
      asio::co_spawn(ioc, serve(std::move(client)), asio::detached);
    }
  }

  // The first upstream from the round robin's turn that accepts; throws when none does.
  asio::awaitable<tcp::socket> connect_upstream() {
    const std::size_t first = next.fetch_add(1);
    boost::system::error_code ec;
    for (std::size_t i = 0; i < upstreams.size(); ++i) {
      const std::size_t index = (first + i) % upstreams.size();
      tcp::socket up(ioc);
      co_await up.async_connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), upstreams[index]),
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) continue;
      ++relayed[index];
      co_return up;
    }
    throw boost::system::system_error(ec);
  }

  asio::awaitable<void> serve(tcp::socket client) {
    tcp::socket up = co_await connect_upstream();
    if (!tls) co_return co_await relay(std::make_shared<Session<tcp::socket>>(std::move(client), std::move(up)));
    auto session = std::make_shared<Session<ssl::stream<tcp::socket>>>(ssl::stream<tcp::socket>(std::move(client), *tls),
                                                                        std::move(up));
    // A failed handshake (a client refusing the certificate) ends the session: that is the point.
    co_await session->client.async_handshake(ssl::stream_base::server, asio::use_awaitable);
    co_await relay(session);
  }

  void set_upstreams(std::vector<std::uint16_t> ports) {
    upstreams = std::move(ports);
    relayed = std::make_unique<std::atomic<std::size_t>[]>(upstreams.size());
  }

  void run() {
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.bind(endpoint);
    acceptor.listen();
    asio::co_spawn(ioc, accept_loop(), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }

  template <typename Client>
  asio::awaitable<void> relay(std::shared_ptr<Session<Client>> s) {
    asio::co_spawn(ioc, pipe(s, s->client, s->upstream, s->upstream), asio::detached);
    co_await pipe(s, s->upstream, s->client, lowest(s->client));
  }
};

TcpRelay::TcpRelay(std::uint16_t upstream, std::optional<TlsIdentity> tls) : impl_(std::make_unique<Impl>()) {
  impl_->set_upstreams({upstream});
  if (tls) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->cert_file.string());
    impl_->tls->use_private_key_file(tls->key_file.string(), ssl::context::pem);
  }
  impl_->run();
}

TcpRelay::TcpRelay(std::vector<std::uint16_t> upstreams) : impl_(std::make_unique<Impl>()) {
  impl_->set_upstreams(std::move(upstreams));
  impl_->run();
}

// Stopping the loop and destroying it afterwards frees every suspended session with its sockets.
TcpRelay::~TcpRelay() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::uint16_t TcpRelay::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TcpRelay::url(std::string_view path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

std::size_t TcpRelay::accepted() const { return impl_->accepted.load(); }

std::size_t TcpRelay::relayed_to(std::size_t index) const { return impl_->relayed[index].load(); }

void TcpRelay::send_next_to(std::size_t index) { impl_->next = index; }

}  // namespace newsalert::testing
