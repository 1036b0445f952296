// MailClient: SMTP transfers (net/smtp_transfer) on their own curl-on-Asio bridge.
#include "net/mail_client.hpp"

#include "net/curl_bridge.hpp"
#include "net/http_client.hpp"
#include "net/smtp_transfer.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <curl/curl.h>

#include <unordered_map>

namespace asio = boost::asio;

namespace newsalert::net {

std::string MailResponse::describe() const {
  if (!failed_option.empty()) return "cannot set " + failed_option + ": " + error.message();
  if (error && !blocked.empty()) return "address refused: " + blocked;
  // A refusal is told in the server's own words; a transport failure after a good reply is not one.
  if (code >= 400) return "SMTP " + reply;
  if (error) {
    std::string out = error.message();
    if (!error_message.empty() && error_message != out) out += ": " + error_message;
    if (error.value() == CURLE_USE_SSL_FAILED && error.category() == curl_category())
      out += " (the server offers no STARTTLS: use smtps:// if it speaks implicit TLS, or starttls: false for a "
             "relay on a trusted network)";
    return out;
  }
  return "SMTP " + reply;
}

struct MailClient::Impl {
  using Handler = asio::any_completion_handler<void(MailResponse)>;

  struct Pending {
    std::unique_ptr<SmtpTransfer> transfer;
    Handler handler;
  };

  Impl(asio::io_context& io_context, std::shared_ptr<const AddressPolicy> address_policy)
      : io(io_context),
        policy(std::move(address_policy)),
        bridge(CurlBridge::create(io_context, [this](CURL* easy, CURLcode result) { finish(easy, result); })) {}

  ~Impl() {
    for (auto& [easy, pending] : transfers) bridge->multi().remove(easy);
  }

  void start(MailRequest request, Handler handler) {
    bridge->check_thread("MailClient::async_send");
    Pending pending;
    pending.handler.swap(handler);   // see HttpClient: Boost 1.81's move assignment re-wraps
    try {
      pending.transfer = std::make_unique<SmtpTransfer>(std::move(request), policy);
      pending.transfer->configure();
    } catch (const CurlOptionError& e) {
      return complete(std::move(pending.handler), pending.transfer->refused(e));
    } catch (const std::exception& e) {
      return complete(std::move(pending.handler), failed_init(e.what()));
    }
    CURL* easy = pending.transfer->easy();
    try {
      bridge->add(easy);
    } catch (const std::exception& e) {
      return complete(std::move(pending.handler), failed_init(e.what()));
    }
    transfers.emplace(easy, std::move(pending));
  }

  static MailResponse failed_init(const char* what) {
    MailResponse failed;
    failed.error = boost::system::error_code(CURLE_FAILED_INIT, curl_category());
    failed.error_message = what;
    return failed;
  }

  void finish(CURL* easy, CURLcode result) {
    auto it = transfers.find(easy);
    if (it == transfers.end()) return;
    Pending pending = std::move(it->second);
    transfers.erase(it);
    MailResponse response = pending.transfer->finish(result);
    bridge->remove(easy);
    complete(std::move(pending.handler), std::move(response));
  }

  void complete(Handler handler, MailResponse response) {
    asio::post(io, [h = std::move(handler), r = std::move(response)]() mutable { std::move(h)(std::move(r)); });
  }

  void cancel_all() {
    bridge->check_thread("MailClient::cancel_all");
    std::vector<Pending> cancelled;
    for (auto& [easy, pending] : transfers) {
      bridge->remove(easy);
      cancelled.push_back(std::move(pending));
    }
    transfers.clear();
    for (auto& pending : cancelled) {
      MailResponse response;
      response.error = asio::error::operation_aborted;
      complete(std::move(pending.handler), std::move(response));
    }
  }

  asio::io_context& io;
  std::shared_ptr<const AddressPolicy> policy;
  std::shared_ptr<CurlBridge> bridge;
  std::unordered_map<CURL*, Pending> transfers;
};

MailClient::MailClient(asio::io_context& io, std::shared_ptr<const AddressPolicy> address_policy)
    : impl_(std::make_shared<Impl>(io, std::move(address_policy))) {}

MailClient::~MailClient() = default;

void MailClient::start(MailRequest request, asio::any_completion_handler<void(MailResponse)> handler) {
  impl_->start(std::move(request), std::move(handler));
}

void MailClient::cancel_all() { impl_->cancel_all(); }

}  // namespace newsalert::net
