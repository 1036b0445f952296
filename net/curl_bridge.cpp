// libcurl's multi-socket API driven by one Asio io_context: curl says which sockets it wants
// watched and when its timer should fire, Asio waits, and finished transfers are handed back.
#include "net/curl_bridge.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace asio = boost::asio;

namespace newsalert::net {

// One socket curl asked us to watch. The descriptor object does not own the fd: curl opens and
// closes it, and says so (CURL_POLL_REMOVE) before it does.
struct CurlBridge::Socket {
  Socket(asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;   // CURL_POLL_IN / OUT / INOUT
  bool read_pending = false;
  bool write_pending = false;
  bool removed = false;
  std::list<std::shared_ptr<Socket>>::iterator position;
};

std::shared_ptr<CurlBridge> CurlBridge::create(asio::io_context& io, Done done) {
  return std::shared_ptr<CurlBridge>(new CurlBridge(io, std::move(done)));
}

CurlBridge::CurlBridge(asio::io_context& io, Done done) : io_(io), timer_(io), done_(std::move(done)) {
  multi_.set(CURLMOPT_SOCKETFUNCTION, &CurlBridge::on_socket, "CURLMOPT_SOCKETFUNCTION");
  multi_.set(CURLMOPT_SOCKETDATA, static_cast<void*>(this), "CURLMOPT_SOCKETDATA");
  multi_.set(CURLMOPT_TIMERFUNCTION, &CurlBridge::on_timer, "CURLMOPT_TIMERFUNCTION");
  multi_.set(CURLMOPT_TIMERDATA, static_cast<void*>(this), "CURLMOPT_TIMERDATA");
}

CurlBridge::~CurlBridge() {
  // Whatever curl still watches is curl's to close; the descriptors only let go of it.
  for (const auto& socket : sockets_) {
    socket->removed = true;
    socket->descriptor.release();
  }
}

void CurlBridge::add(CURL* easy) {
  check_thread("CurlBridge::add");
  multi_.add(easy);
}

void CurlBridge::remove(CURL* easy) noexcept {
  check_thread("CurlBridge::remove");
  multi_.remove(easy);
}

int CurlBridge::on_socket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) noexcept {
  auto* self = static_cast<CurlBridge*>(userp);
  auto* socket = static_cast<Socket*>(socketp);
  try {
    if (what == CURL_POLL_REMOVE) {
      if (socket != nullptr) self->forget(socket);
    } else {
      self->watch(fd, what, socket);
    }
  } catch (const std::exception& e) {
    spdlog::error("http: cannot watch socket {}: {}", fd, e.what());
    return -1;
  }
  return 0;
}

void CurlBridge::watch(curl_socket_t fd, int what, Socket* socket) {
  if (socket == nullptr) {
    auto created = std::make_shared<Socket>(io_, fd);
    sockets_.push_front(created);
    created->position = sockets_.begin();
    try {
      multi_.assign(fd, created.get());
    } catch (...) {
      forget(created.get());
      throw;
    }
    socket = created.get();
  }
  socket->wanted = what;
  arm(*socket->position);
}

void CurlBridge::forget(Socket* socket) noexcept {
  socket->removed = true;
  boost::system::error_code ignored;
  socket->descriptor.cancel(ignored);
  socket->descriptor.release();
  // Waits still pending hold their own reference and see `removed` when they run.
  sockets_.erase(socket->position);
}

int CurlBridge::on_timer(CURLM*, long timeout_ms, void* userp) noexcept {
  auto* self = static_cast<CurlBridge*>(userp);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    return 0;
  }
  self->timer_.expires_after(std::chrono::milliseconds(std::max(timeout_ms, 1L)));
  self->timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto bridge = weak.lock()) bridge->on_timeout();
  });
  return 0;
}

void CurlBridge::arm(const std::shared_ptr<Socket>& socket) {
  const auto wait = [this, &socket](asio::posix::descriptor_base::wait_type type, bool& pending, int flags) {
    pending = true;
    socket->descriptor.async_wait(type, [weak = weak_from_this(), socket, &pending, flags](const boost::system::error_code& ec) {
      pending = false;
      if (ec || socket->removed) return;
      if (auto bridge = weak.lock()) bridge->on_ready(socket, flags);
    });
  };
  if ((socket->wanted & CURL_POLL_IN) && !socket->read_pending)
    wait(asio::posix::descriptor_base::wait_read, socket->read_pending, CURL_CSELECT_IN);
  if ((socket->wanted & CURL_POLL_OUT) && !socket->write_pending)
    wait(asio::posix::descriptor_base::wait_write, socket->write_pending, CURL_CSELECT_OUT);
}

void CurlBridge::on_ready(const std::shared_ptr<Socket>& socket, int flags) {
  check_thread("CurlBridge socket readiness");
  action(socket->descriptor.native_handle(), flags);
  // curl may have changed what it wants, or dropped the socket, during the action.
  if (!socket->removed) arm(socket);
}

void CurlBridge::on_timeout() {
  check_thread("CurlBridge timer");
  action(CURL_SOCKET_TIMEOUT, 0);
}

void CurlBridge::action(curl_socket_t fd, int flags) {
  multi_.socket_action(fd, flags);
  drain();
}

// Collects finished transfers. Runs after a socket action returns, never inside a curl callback.
void CurlBridge::drain() {
  while (CURLMsg* msg = multi_.info_read()) {
    if (msg->msg == CURLMSG_DONE) done_(msg->easy_handle, msg->data.result);
  }
}

}  // namespace newsalert::net
