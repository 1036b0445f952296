// An e-mail address as written in a config ("Name <addr@example.org>" or "addr@example.org").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newsalert::config {

struct MailAddress {
  std::string name;      // the display name, possibly empty; UTF-8
  std::string address;   // local@domain, as sent in MAIL FROM / RCPT TO
  std::string domain() const { return address.substr(address.rfind('@') + 1); }
};

// nullopt when the text is not one address: no '@', a line break, '<' without '>', characters
// SMTP's envelope cannot carry (space, '<', '>', ',', ';', '"' in the address).
std::optional<MailAddress> parse_mail_address(std::string_view text);

}  // namespace newsalert::config
