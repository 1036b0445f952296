// Standard Webhooks verification: HMAC-SHA256 over "msg_id.timestamp.body", base64, "v1," prefix,
// several space-separated signatures allowed, constant-time comparison, timestamp tolerance.
#include "tests/support/webhook_verifier.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <sstream>
#include <vector>

namespace newsalert::testing {

namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string unbase64(const std::string& text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding bytes as data.
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string find(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace

WebhookVerifier::WebhookVerifier(const std::string& secret) {
  key_ = secret.starts_with("whsec_") ? unbase64(secret.substr(6)) : secret;
}

std::string WebhookVerifier::verify(const std::map<std::string, std::string>& headers, const std::string& body,
                                    std::chrono::system_clock::time_point now, std::chrono::seconds tolerance) const {
  const std::string id = find(headers, "webhook-id");
  const std::string timestamp = find(headers, "webhook-timestamp");
  const std::string signatures = find(headers, "webhook-signature");
  if (id.empty() || timestamp.empty() || signatures.empty()) return "missing webhook-id, -timestamp or -signature";
  long long seconds = 0;
  const auto [ptr, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (ec != std::errc{} || ptr != timestamp.data() + timestamp.size()) return "malformed webhook-timestamp";
  const auto sent = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
  if (sent < now - tolerance || sent > now + tolerance) return "webhook-timestamp outside the tolerance";

  const std::string content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &mac_size);
  const std::string expected = base64(mac, mac_size);

  std::istringstream list(signatures);
  std::string entry;
  while (list >> entry) {
    const auto comma = entry.find(',');
    if (comma == std::string::npos || entry.substr(0, comma) != "v1") continue;
    const std::string candidate = entry.substr(comma + 1);
    if (candidate.size() == expected.size() && CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0)
      return {};
  }
  return "no v1 signature matches";
}

}  // namespace newsalert::testing
