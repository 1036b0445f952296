// Hiding secret query values and user info in URLs shown in logs, status and metrics.
#include "common/url_redaction.hpp"

#include "common/text.hpp"

#include <array>

namespace newsalert {

namespace {

// Substrings of parameter names that carry secrets in the wild: apikey, api_key, access_token,
// client_secret, X-Amz-Signature, sig, password, passwd, pwd, auth, X-Amz-Credential, sessionid.
constexpr std::array<std::string_view, 9> kSecretWords{"key",  "token", "secret",     "sig",    "pass",
                                                       "pwd",  "auth",  "credential", "session"};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_scheme_char(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'; }

// Where a URL written in a sentence ends: at a space, a control character or a quote.
bool ends_url(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

// Punctuation that more likely closes the sentence or the parenthesis around a URL than the URL.
bool is_closing_punctuation(char c) { return c == '.' || c == ',' || c == ':' || c == ';' || c == ')' || c == ']'; }

// Appends `query` ("a=1&apikey=x;b") with the values of secret parameters replaced.
void append_redacted_query(std::string_view query, std::string& out) {
  while (true) {
    const auto end = query.find_first_of("&;");
    const std::string_view parameter = query.substr(0, end);
    const auto equals = parameter.find('=');
    if (equals != std::string_view::npos && equals + 1 < parameter.size() &&
        is_secret_parameter(parameter.substr(0, equals)))
      out.append(parameter.substr(0, equals + 1)).append(kRedacted);
    else
      out.append(parameter);
    if (end == std::string_view::npos) return;
    out += query[end];
    query.remove_prefix(end + 1);
  }
}

// Where the user info of an absolute URL ends (its '@'), or npos.
std::size_t user_info_end(std::string_view url, std::size_t& authority_start) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || url.find_first_of("/?#") < scheme_end) return std::string_view::npos;
  authority_start = scheme_end + 3;
  const std::string_view authority = url.substr(authority_start, url.find_first_of("/?#", authority_start) - authority_start);
  return authority.rfind('@');
}

}  // namespace

bool is_secret_parameter(std::string_view name) {
  const std::string lower = to_lower_ascii(form_decode(name));
  for (const std::string_view word : kSecretWords)
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

std::string redact_url_secrets(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  std::size_t done = 0;
  std::size_t authority_start = 0;
  if (const auto at = user_info_end(url, authority_start); at != std::string_view::npos) {
    out.append(url.substr(0, authority_start)).append(kRedacted);
    done = authority_start + at;
  }
  const auto fragment = url.find('#', done);
  const auto question = url.substr(0, fragment).find('?', done);
  if (question == std::string_view::npos) return out.append(url.substr(done));
  out.append(url.substr(done, question + 1 - done));
  append_redacted_query(url.substr(question + 1, fragment == std::string_view::npos ? fragment : fragment - question - 1), out);
  if (fragment != std::string_view::npos) out.append(url.substr(fragment));
  return out;
}

std::string redact_urls_in_text(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (auto marker = text.find("://"); marker != std::string_view::npos; marker = text.find("://", marker + 3)) {
    if (marker < copied) continue;
    std::size_t start = marker;
    while (start > copied && is_scheme_char(text[start - 1])) --start;
    while (start < marker && !is_alpha(text[start])) ++start;
    if (start == marker) continue;
    std::size_t end = marker + 3;
    while (end < text.size() && !ends_url(text[end])) ++end;
    while (end > marker + 3 && is_closing_punctuation(text[end - 1])) --end;
    out.append(text.substr(copied, start - copied)).append(redact_url_secrets(text.substr(start, end - start)));
    copied = end;
  }
  return out.append(text.substr(copied));
}

}  // namespace newsalert
