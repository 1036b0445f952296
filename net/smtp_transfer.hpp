// One SMTP submission's options on its curl handle: TLS policy, AUTH, envelope, the message as
// the upload, and the server's last reply collected from curl's protocol trace.
#pragma once

#include "net/curl_easy.hpp"
#include "net/curl_option_error.hpp"
#include "net/curl_slist.hpp"
#include "net/mail_client.hpp"
#include "net/socket_guard.hpp"

#include <curl/curl.h>

#include <memory>
#include <string>

namespace newsalert::net {

// Lives at one address from configure() to the end (curl holds pointers into it).
class SmtpTransfer {
 public:
  SmtpTransfer(MailRequest request, std::shared_ptr<const AddressPolicy> policy);
  SmtpTransfer(const SmtpTransfer&) = delete;
  SmtpTransfer& operator=(const SmtpTransfer&) = delete;

  // Throws CurlOptionError when curl refuses an option.
  void configure();
  CURL* easy() const noexcept { return easy_.get(); }

  MailResponse finish(CURLcode result);
  MailResponse refused(const CurlOptionError& error);

 private:
  void set_tls();
  void set_envelope();
  static size_t on_read(char* buffer, size_t size, size_t count, void* userp) noexcept;
  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* userp) noexcept;

  CurlEasy easy_;
  CurlSlist recipients_;
  MailRequest request_;
  SocketGuard guard_;
  std::string mail_from_;
  std::size_t sent_ = 0;        // bytes of the message handed to curl
  std::string last_reply_;      // the server's latest reply line
  std::string last_command_;    // the client's latest command verb (MAIL, RCPT, DATA, ...)
  std::string reply_to_;        // the command that last_reply_ answered
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace newsalert::net
