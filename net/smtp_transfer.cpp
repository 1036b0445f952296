// One SMTP submission on a curl handle.
#include "net/smtp_transfer.hpp"

#include "common/text.hpp"
#include "net/http_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace newsalert::net {

namespace {

// "RCPT TO:<a@b>" -> "RCPT TO", "DATA" -> "DATA": the command without its arguments. A line that
// is no command (the base64 credentials answering an AUTH challenge) gives "": it is never kept.
std::string command_verb(std::string_view line) {
  line = trim(line);
  const auto colon = line.find(':');
  const std::string verb(colon != std::string_view::npos && colon <= 10 ? line.substr(0, colon)
                                                                        : line.substr(0, line.find(' ')));
  static constexpr std::array<std::string_view, 11> kCommands = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO",
                                                                 "DATA", "QUIT", "RSET", "NOOP", "VRFY"};
  const std::string upper = [&] {
    std::string u = verb;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  return std::find(kCommands.begin(), kCommands.end(), upper) != kCommands.end() ? upper : std::string();
}

}  // namespace

SmtpTransfer::SmtpTransfer(MailRequest request, std::shared_ptr<const AddressPolicy> policy)
    : request_(std::move(request)), guard_(std::move(policy), request_.allow) {}

void SmtpTransfer::configure() {
  easy_.set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_buffer_));
  easy_.set(CURLOPT_PRIVATE, static_cast<void*>(this));
  easy_.set(CURLOPT_URL, request_.url.c_str());
  easy_.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  easy_.set(CURLOPT_NOSIGNAL, 1L);
  easy_.set(CURLOPT_TIMEOUT_MS, static_cast<long>(request_.timeout.count()));
  easy_.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<Millis::rep>(request_.timeout.count(), 15'000)));
  // A connection left after a refused command would start the next message in the middle of a
  // dialogue: every message gets its own.
  easy_.set(CURLOPT_FRESH_CONNECT, 1L);
  easy_.set(CURLOPT_FORBID_REUSE, 1L);
  guard_.install(easy_);
  set_tls();
  if (!request_.username.empty()) {
    easy_.set(CURLOPT_USERNAME, request_.username.c_str());
    easy_.set(CURLOPT_PASSWORD, request_.password.c_str());
  }
  set_envelope();
  void* self = this;
  easy_.set(CURLOPT_DEBUGFUNCTION, &SmtpTransfer::on_debug);
  easy_.set(CURLOPT_DEBUGDATA, self);
  easy_.set(CURLOPT_VERBOSE, 1L);   // only to reach on_debug: it reads the server's replies
}

void SmtpTransfer::set_tls() {
  const bool implicit = to_lower_ascii(std::string_view(request_.url).substr(0, 8)) == "smtps://";
  // CURLUSESSL_ALL: no STARTTLS offered or the handshake fails, and the transfer fails before
  // any credentials or message are sent.
  if (implicit || request_.require_tls) easy_.set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  easy_.set(CURLOPT_SSL_VERIFYPEER, request_.tls_verify ? 1L : 0L);
  easy_.set(CURLOPT_SSL_VERIFYHOST, request_.tls_verify ? 2L : 0L);
  if (!request_.ca_file.empty()) easy_.set(CURLOPT_CAINFO, request_.ca_file.c_str());
  if (!request_.pinned_public_key.empty()) easy_.set(CURLOPT_PINNEDPUBLICKEY, request_.pinned_public_key.c_str());
}

void SmtpTransfer::set_envelope() {
  mail_from_ = "<" + request_.envelope_from + ">";
  easy_.set(CURLOPT_MAIL_FROM, mail_from_.c_str());
  for (const auto& to : request_.envelope_to) recipients_.append("<" + to + ">");
  easy_.set(CURLOPT_MAIL_RCPT, recipients_.get());
  void* self = this;
  easy_.set(CURLOPT_UPLOAD, 1L);
  easy_.set(CURLOPT_READFUNCTION, &SmtpTransfer::on_read);
  easy_.set(CURLOPT_READDATA, self);
  easy_.set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request_.message.size()));
}

size_t SmtpTransfer::on_read(char* buffer, size_t size, size_t count, void* userp) noexcept {
  auto* self = static_cast<SmtpTransfer*>(userp);
  const size_t n = std::min(size * count, self->request_.message.size() - self->sent_);
  std::memcpy(buffer, self->request_.message.data() + self->sent_, n);
  self->sent_ += n;
  return n;
}

// Pingpong protocols show the server's replies as incoming header data and our commands as
// outgoing: the reply that decided the outcome is the last one before QUIT.
int SmtpTransfer::on_debug(CURL*, curl_infotype type, char* data, size_t size, void* userp) noexcept {
  auto* self = static_cast<SmtpTransfer*>(userp);
  try {
    const std::string_view text(data, size);
    if (type == CURLINFO_HEADER_OUT) {
      if (std::string verb = command_verb(text); !verb.empty()) self->last_command_ = std::move(verb);
    } else if (type == CURLINFO_HEADER_IN && self->last_command_ != "QUIT") {
      self->last_reply_ = std::string(trim(text));
      self->reply_to_ = self->last_command_;
    }
  } catch (...) {
  }
  return 0;
}

MailResponse SmtpTransfer::finish(CURLcode result) {
  MailResponse response;
  response.blocked = guard_.blocked();
  const std::string_view reply = last_reply_;
  if (reply.size() >= 3 && std::all_of(reply.begin(), reply.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) {
    response.code = std::stol(std::string(reply.substr(0, 3)));
    // A multi-line reply's last line reads "250 text", earlier ones "250-text".
    response.reply = last_reply_ + (reply_to_.empty() ? "" : " (answer to " + reply_to_ + ")");
  }
  if (result != CURLE_OK) {
    response.error = boost::system::error_code(static_cast<int>(result), curl_category());
    response.error_message = error_buffer_;
  }
  return response;
}

MailResponse SmtpTransfer::refused(const CurlOptionError& error) {
  MailResponse response;
  response.error = boost::system::error_code(error.code(), curl_category());
  response.error_message = error_buffer_;
  response.failed_option = error.option();
  return response;
}

}  // namespace newsalert::net
