// The RFC 5322 / MIME message of an e-mail alert: headers with RFC 2047 encoded words, and a
// multipart/alternative body with a text and an HTML part.
#pragma once

#include "alerts/formatter.hpp"
#include "common/time.hpp"
#include "config/config.hpp"

#include <string>
#include <string_view>

namespace newsalert::alerts {

// Text for a header: as it is when it is printable ASCII, else UTF-8 "B" encoded words of at most
// 75 characters each, folded onto continuation lines (RFC 2047 section 2), never splitting a
// character.
std::string header_words(std::string_view text);

// "Thu, 03 Dec 2026 17:25:36 +0000" (RFC 5322 section 3.3), in UTC.
std::string mail_date(TimePoint t);

// The whole message with CRLF line ends. Its Message-ID is "<alert_id@domain of from>", so a
// message sent again after a lost answer is recognisable as the same one.
std::string mail_message(const config::EmailConfig& email, const std::string& alert_id, const MailContent& content,
                         TimePoint now);

}  // namespace newsalert::alerts
