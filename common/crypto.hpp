// Hashes, HMAC signatures, random tokens and the base64 that keys and signatures travel in: the
// one place OpenSSL is used.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace newsalert {

// Lower-case hex SHA-256 of the input.
std::string sha256_hex(std::string_view data);

// Base64 of HMAC-SHA256(key, data).
std::string hmac_sha256_base64(std::string_view key, std::string_view data);

// Lower-case hex HMAC(key, data) with the digest named "sha1", "sha256", "sha384" or "sha512";
// empty for any other name.
std::string hmac_hex(std::string_view digest, std::string_view key, std::string_view data);

// `bytes` bytes from the system's cryptographic random source, as lower-case hex.
std::string random_hex(std::size_t bytes);

// The Ed25519 public key (32 bytes) of a 32-byte private key, the seed of RFC 8032. Throws
// std::invalid_argument for another length.
std::string ed25519_public_key(std::string_view private_key);

// Comparison whose time does not depend on where the inputs differ (for signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

std::string base64_encode(std::string_view data);
// Returns false on malformed input.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace newsalert
