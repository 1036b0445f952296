// Parsing of the e-mail addresses a config names.
#include "config/mail_address.hpp"

#include "common/text.hpp"

#include <algorithm>

namespace newsalert::config {

namespace {

bool is_plain_address(std::string_view a) {
  const auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  return std::none_of(a.begin(), a.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
           c == 0x7f;
  });
}

}  // namespace

std::optional<MailAddress> parse_mail_address(std::string_view text) {
  if (text.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  text = trim(text);
  MailAddress out;
  if (const auto open = text.rfind('<'); open != std::string_view::npos) {
    if (!text.ends_with('>')) return std::nullopt;
    out.address = std::string(text.substr(open + 1, text.size() - open - 2));
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name.find('"') != std::string_view::npos) return std::nullopt;
    out.name = std::string(name);
  } else {
    out.address = std::string(text);
  }
  if (!is_plain_address(out.address)) return std::nullopt;
  return out;
}

}  // namespace newsalert::config
