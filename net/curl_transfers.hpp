// The transfers one client has in flight on its curl bridge: each easy handle's owner object and
// the handler its response goes to (shared by the HTTP and the mail client).
#pragma once

#include "net/curl_bridge.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <curl/curl.h>

#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace newsalert::net {

// `Transfer` has easy(); `Response` has an `error` error_code. Confined to the bridge's thread.
template <class Transfer, class Response>
class CurlTransfers {
 public:
  using Handler = boost::asio::any_completion_handler<void(Response)>;
  struct Pending {
    std::unique_ptr<Transfer> transfer;
    Handler handler;
  };

  CurlTransfers(boost::asio::io_context& io, CurlBridge& bridge) : io_(io), bridge_(bridge) {}
  // Every easy handle leaves the multi before it is cleaned up.
  ~CurlTransfers() {
    for (auto& [easy, pending] : transfers_) bridge_.multi().remove(easy);
  }
  CurlTransfers(const CurlTransfers&) = delete;
  CurlTransfers& operator=(const CurlTransfers&) = delete;

  // Hands a configured transfer to curl; when curl refuses it, completes with failed(why).
  template <class Failed>
  void launch(Pending pending, Failed failed) {
    CURL* easy = pending.transfer->easy();
    try {
      bridge_.add(easy);
    } catch (const std::exception& e) {
      return complete(std::move(pending.handler), failed(e.what()));
    }
    transfers_.emplace(easy, std::move(pending));
  }

  // A finished transfer, out of curl and of the table; nullopt when it is not one of ours.
  std::optional<Pending> take(CURL* easy) {
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) return std::nullopt;
    Pending pending = std::move(it->second);
    transfers_.erase(it);
    bridge_.remove(easy);
    return pending;
  }

  // Handlers run later, from the io_context's queue, so a handler that starts a new transfer or
  // destroys its caller never re-enters curl.
  void complete(Handler handler, Response response) {
    boost::asio::post(io_, [h = std::move(handler), r = std::move(response)]() mutable { std::move(h)(std::move(r)); });
  }

  // Aborts every transfer; each completes with operation_aborted.
  void cancel_all() {
    std::vector<Pending> cancelled;
    for (auto& [easy, pending] : transfers_) {
      bridge_.remove(easy);
      cancelled.push_back(std::move(pending));
    }
    transfers_.clear();
    for (auto& pending : cancelled) {
      Response response;
      response.error = boost::asio::error::operation_aborted;
      complete(std::move(pending.handler), std::move(response));
    }
  }

  std::size_t size() const { return transfers_.size(); }

 private:
  boost::asio::io_context& io_;
  CurlBridge& bridge_;
  std::unordered_map<CURL*, Pending> transfers_;
};

}  // namespace newsalert::net
