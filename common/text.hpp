// Small string helpers and hashing used across the libraries.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace newsalert {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);

// Lower-case hex SHA-256 of the input.
std::string sha256_hex(std::string_view data);

// Base64 of HMAC-SHA256(key, data).
std::string hmac_sha256_base64(std::string_view key, std::string_view data);

// Lower-case hex HMAC(key, data) with the digest named "sha1", "sha256", "sha384" or "sha512";
// empty for any other name.
std::string hmac_hex(std::string_view digest, std::string_view key, std::string_view data);

// `bytes` bytes from the system's cryptographic random source, as lower-case hex.
std::string random_hex(std::size_t bytes);

// Comparison whose time does not depend on where the inputs differ (for signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

// application/x-www-form-urlencoded pieces (WebSub requests and callbacks): percent-encodes
// everything but unreserved characters; decodes %XX and '+'; splits "a=1&b=2" into a map.
std::string form_encode(std::string_view text);
std::string form_decode(std::string_view text);
std::map<std::string, std::string> parse_form(std::string_view text);

std::string base64_encode(std::string_view data);
// Returns false on malformed input.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace newsalert
