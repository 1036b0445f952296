// Sending e-mail through libcurl's SMTP, on the same curl-on-Asio bridge as HTTP transfers.
#pragma once

#include "common/network_range.hpp"
#include "common/time.hpp"
#include "net/address_policy.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::net {

struct MailRequest {
  std::string url;                  // smtp://host[:port] or smtps://host[:port]
  bool require_tls = true;          // smtp:// only: STARTTLS, or the transfer fails before AUTH
  std::string username;             // empty: no AUTH
  std::string password;
  std::string envelope_from;        // bare address for MAIL FROM
  std::vector<std::string> envelope_to;   // bare addresses for RCPT TO
  std::string message;              // the RFC 5322 message, CRLF line ends
  Millis timeout{std::chrono::seconds(30)};
  std::vector<NetworkRange> allow;  // networks this server may be on, beyond the client's policy
  bool tls_verify = true;
  std::string ca_file;
  std::string pinned_public_key;
};

struct MailResponse {
  // The SMTP reply code of the last reply the server sent (0 when none came).
  long code = 0;
  // That reply's text as the server wrote it, e.g. "550 5.1.1 <x@example.org>: Recipient address rejected".
  std::string reply;
  boost::system::error_code error;   // in net::curl_category(); set when the transfer failed
  std::string error_message;         // curl's detailed message
  std::string blocked;               // why the SSRF guard refused the server's address
  std::string failed_option;         // a curl option refused while setting up

  bool is_success() const { return !error && code >= 200 && code < 300; }
  // A 5xx reply: the server refused the message for good, sending it again cannot help.
  bool is_permanent() const { return code >= 500 && code < 600; }
  // "SMTP 451 4.3.0 try again later (RCPT TO failed)", "Couldn't connect to server: ...": for logs
  // and the dead letters.
  std::string describe() const;
};

// Confined to the thread that runs its io_context, as HttpClient is.
class MailClient {
 public:
  MailClient(boost::asio::io_context& io, std::shared_ptr<const AddressPolicy> address_policy);
  ~MailClient();
  MailClient(const MailClient&) = delete;
  MailClient& operator=(const MailClient&) = delete;

  // Completes with the server's answer; failures are in the response, never thrown.
  template <typename CompletionToken>
  auto async_send(MailRequest request, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(MailResponse)>(
        [this](auto handler, MailRequest req) {
          start(std::move(req), boost::asio::any_completion_handler<void(MailResponse)>(std::move(handler)));
        },
        token, std::move(request));
  }

  // Aborts every transfer; each completes with operation_aborted.
  void cancel_all();

 private:
  void start(MailRequest request, boost::asio::any_completion_handler<void(MailResponse)> handler);

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace newsalert::net
