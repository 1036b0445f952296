// libcurl's multi-socket API driven by one Asio io_context: curl says which sockets it wants
// watched and when its timer should fire, Asio waits, and finished transfers are handed back.
#pragma once

#include "net/curl_multi.hpp"
#include "net/owner_thread.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

#include <functional>
#include <list>
#include <memory>

namespace newsalert::net {

// Knows nothing about HTTP: the owner configures the easy handles and the multi's limits.
// Confined to the thread that runs the io_context (checked on every entry point).
class CurlBridge : public std::enable_shared_from_this<CurlBridge> {
 public:
  // Called for every finished transfer, after curl has returned (never from inside a curl
  // callback), so it may remove the handle and start new transfers.
  using Done = std::function<void(CURL* easy, CURLcode result)>;

  // Handlers capture weak references to the bridge, so it lives in a shared_ptr.
  static std::shared_ptr<CurlBridge> create(boost::asio::io_context& io, Done done);
  ~CurlBridge();
  CurlBridge(const CurlBridge&) = delete;
  CurlBridge& operator=(const CurlBridge&) = delete;

  // For the owner's multi options (connection limits, multiplexing).
  CurlMulti& multi() noexcept { return multi_; }

  // Throws std::runtime_error when curl refuses the handle.
  void add(CURL* easy);
  // The transfer ends without Done being called.
  void remove(CURL* easy) noexcept;

  // Aborts unless called on the io_context's thread; `entry` names the caller in the message.
  void check_thread(const char* entry) const noexcept { owner_.check(entry); }

 private:
  struct Socket;

  CurlBridge(boost::asio::io_context& io, Done done);

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp) noexcept;
  static int on_timer(CURLM* multi, long timeout_ms, void* userp) noexcept;
  void watch(curl_socket_t fd, int what, Socket* socket);
  void forget(Socket* socket) noexcept;
  void arm(const std::shared_ptr<Socket>& socket);
  void on_ready(const std::shared_ptr<Socket>& socket, int flags);
  void on_timeout();
  void action(curl_socket_t fd, int flags);
  void drain();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  Done done_;
  OwnerThread owner_;
  // Every socket curl watches; each one's own position is kept in it, so forgetting one is not a
  // search. curl hands the Socket back through curl_multi_assign, never a lookup by descriptor.
  std::list<std::shared_ptr<Socket>> sockets_;
  CurlMulti multi_;   // last: destroyed first, while the sockets and timer still exist
};

}  // namespace newsalert::net
