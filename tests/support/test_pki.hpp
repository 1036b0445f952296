// A throwaway certificate authority for TLS tests: a CA and the certificates it signs,
// written as PEM files into a directory the caller owns.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace newsalert::testing {

struct TlsIdentity {
  std::filesystem::path cert_file;   // PEM certificate
  std::filesystem::path key_file;    // PEM private key
  std::string pin;                   // "sha256//BASE64" of its public key, for pinned_public_key
};

class TestPki {
 public:
  // Makes the CA (P-256 key, self-signed) in `dir`, which must exist.
  explicit TestPki(std::filesystem::path dir);
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::filesystem::path ca_file() const;

  // A certificate signed by the CA, for a server or a client (mutual TLS). `names` are subjectAltName entries such as
  // "DNS:localhost" or "IP:127.0.0.1"; validity runs from now+not_before to now+not_after.
  TlsIdentity issue(const std::string& file_stem, const std::vector<std::string>& names,
                    std::chrono::seconds not_before = std::chrono::hours(-1),
                    std::chrono::seconds not_after = std::chrono::hours(24));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsalert::testing
