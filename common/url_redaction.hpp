// Secrets in URLs (API keys in the query, user info) hidden wherever a URL is shown.
#pragma once

#include <string>
#include <string_view>

namespace newsalert {

// What stands in for a hidden value.
inline constexpr std::string_view kRedacted = "REDACTED";

// True for a query parameter whose name looks like it carries a secret: it contains, in any case
// and after percent-decoding, key, token, secret, sig (signature), pass (password, passwd), pwd,
// auth, credential or session. A harmless name that matches (author, keywords) is hidden too.
bool is_secret_parameter(std::string_view name);

// The URL as people and scrapers see it: the value of every secret parameter of the query
// ("?apikey=REDACTED&x=1") and any user info ("https://REDACTED@host/") replaced. Only for
// display: the URL fetched and the feed's identity in the state database stay the real one.
std::string redact_url_secrets(std::string_view url);

// `text` with every URL in it ("scheme://" up to whitespace or a quote) passed through
// redact_url_secrets; a ':', ',' or '.' that ends a URL before a space is left to the sentence.
std::string redact_urls_in_text(std::string_view text);

}  // namespace newsalert
