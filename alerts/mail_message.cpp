// Assembling an e-mail alert as a MIME message.
#include "alerts/mail_message.hpp"

#include "common/crypto.hpp"
#include "config/mail_address.hpp"

#include <algorithm>
#include <array>
#include <ctime>

namespace newsalert::alerts {

namespace {

// 75 characters per encoded word: "=?UTF-8?B?" and "?=" leave 63, which hold 45 bytes as base64.
constexpr std::size_t kWordBytes = 45;

bool plain_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  }) && text.find("=?") == std::string_view::npos;
}

// A display name: quoted when it is ASCII (so commas and dots in it stay part of the name),
// encoded words otherwise.
std::string display_name(std::string_view name) {
  if (!plain_ascii(name)) return header_words(name);
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string mailbox(std::string_view written) {
  const auto parsed = config::parse_mail_address(written);
  if (!parsed) return std::string(written);   // checked when the config was loaded
  if (parsed->name.empty()) return "<" + parsed->address + ">";
  return display_name(parsed->name) + " <" + parsed->address + ">";
}

// Base64 in lines of 76 characters (RFC 2045 section 6.8).
std::string base64_lines(std::string_view data) {
  const std::string encoded = base64_encode(data);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < encoded.size(); i += 76) out.append(encoded, i, 76).append("\r\n");
  return out;
}

std::string part(std::string_view boundary, std::string_view type, std::string_view body) {
  return "--" + std::string(boundary) + "\r\nContent-Type: " + std::string(type) +
         "; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(body);
}

}  // namespace

std::string header_words(std::string_view text) {
  if (plain_ascii(text)) return std::string(text);
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min(kWordBytes, text.size());
    // Back up to the start of a character: a word must hold whole characters (RFC 2047 5.3).
    while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string mail_date(TimePoint t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[static_cast<std::size_t>(tm.tm_wday)],
                tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

std::string mail_message(const config::EmailConfig& email, const std::string& alert_id, const MailContent& content,
                         TimePoint now) {
  const auto from = config::parse_mail_address(email.from);
  const std::string domain = from ? from->domain() : "newsalert.invalid";
  std::string to;
  for (const auto& recipient : email.to) to += (to.empty() ? "" : ",\r\n ") + mailbox(recipient);
  // Base64 never contains '_' or '=' followed by anything but the line end, so this boundary
  // cannot occur inside a part.
  const std::string boundary = "=_newsalert_" + alert_id;
  std::string out;
  out += "From: " + mailbox(email.from) + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + header_words(content.subject) + "\r\n";
  out += "Date: " + mail_date(now) + "\r\n";
  out += "Message-ID: <" + alert_id + "@" + domain + ">\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += part(boundary, "text/plain", content.text);
  out += part(boundary, "text/html", content.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace newsalert::alerts
