// Hashes, HMAC signatures, Ed25519 public keys, random tokens and base64 on OpenSSL.
#include "common/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace newsalert {

namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0x0f]);
  }
  return out;
}

// The raw MAC; throws when OpenSSL cannot compute it (it has no reason to, short of running out of
// memory), so that a signature is never silently empty.
std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac.data(), &len) == nullptr)
    throw std::runtime_error("HMAC failed");
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  std::string clean;
  for (char c : in)
    if (!std::isspace(static_cast<unsigned char>(c))) clean.push_back(c);
  if (clean.size() % 4 != 0) return false;
  out.assign(clean.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return false;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --len;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') --len;
  out.resize(len);
  return true;
}

std::string hmac_sha256_base64(std::string_view key, std::string_view data) {
  return base64_encode(hmac_raw(EVP_sha256(), key, data));
}

std::string hmac_hex(std::string_view digest, std::string_view key, std::string_view data) {
  const EVP_MD* md = digest == "sha1"     ? EVP_sha1()
                     : digest == "sha256" ? EVP_sha256()
                     : digest == "sha384" ? EVP_sha384()
                     : digest == "sha512" ? EVP_sha512()
                                          : nullptr;
  if (md == nullptr) return {};
  const std::string mac = hmac_raw(md, key, data);
  return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes from the system (RAND_bytes failed)");
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string ed25519_public_key(std::string_view private_key) {
  if (private_key.size() != 32) throw std::invalid_argument("an Ed25519 private key has 32 bytes");
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(private_key.data()),
                                   private_key.size()),
      &EVP_PKEY_free);
  std::string public_key(32, '\0');
  std::size_t length = public_key.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(public_key.data()), &length) != 1 ||
      length != public_key.size())
    throw std::runtime_error("cannot derive an Ed25519 public key");
  return public_key;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace newsalert
