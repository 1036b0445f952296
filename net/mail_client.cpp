// MailClient: SMTP transfers (net/smtp_transfer) on their own curl-on-Asio bridge.
#include "net/mail_client.hpp"

#include "net/curl_bridge.hpp"
#include "net/curl_transfers.hpp"
#include "net/http_client.hpp"
#include "net/smtp_transfer.hpp"

#include <curl/curl.h>


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
  using Transfers = CurlTransfers<SmtpTransfer, MailResponse>;
  using Handler = Transfers::Handler;

  Impl(asio::io_context& io_context, std::shared_ptr<const AddressPolicy> address_policy)
      : policy(std::move(address_policy)),
        bridge(CurlBridge::create(io_context, [this](CURL* easy, CURLcode result) { finish(easy, result); })),
        transfers(io_context, *bridge) {}

  void start(MailRequest request, Handler handler) {
    bridge->check_thread("MailClient::async_send");
    Transfers::Pending pending;
    pending.handler.swap(handler);   // see HttpClient: Boost 1.81's move assignment re-wraps
    try {
      pending.transfer = std::make_unique<SmtpTransfer>(std::move(request), policy);
      pending.transfer->configure();
    } catch (const CurlOptionError& e) {
      return transfers.complete(std::move(pending.handler), pending.transfer->refused(e));
    } catch (const std::exception& e) {
      return transfers.complete(std::move(pending.handler), failed_init(e.what()));
    }
    transfers.launch(std::move(pending), &failed_init);
  }

  static MailResponse failed_init(const char* what) {
    MailResponse failed;
    failed.error = boost::system::error_code(CURLE_FAILED_INIT, curl_category());
    failed.error_message = what;
    return failed;
  }

  void finish(CURL* easy, CURLcode result) {
    if (auto pending = transfers.take(easy))
      transfers.complete(std::move(pending->handler), pending->transfer->finish(result));
  }

  void cancel_all() {
    bridge->check_thread("MailClient::cancel_all");
    transfers.cancel_all();
  }

  std::shared_ptr<const AddressPolicy> policy;
  std::shared_ptr<CurlBridge> bridge;
  Transfers transfers;   // after the bridge: its handles leave the multi first
};

MailClient::MailClient(asio::io_context& io, std::shared_ptr<const AddressPolicy> address_policy)
    : impl_(std::make_shared<Impl>(io, std::move(address_policy))) {}

MailClient::~MailClient() = default;

void MailClient::start(MailRequest request, asio::any_completion_handler<void(MailResponse)> handler) {
  impl_->start(std::move(request), std::move(handler));
}

void MailClient::cancel_all() { impl_->cancel_all(); }

}  // namespace newsalert::net
