// A throwaway certificate authority for TLS tests, made with OpenSSL's C API.
#include "tests/support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace newsalert::testing {

namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct FileClose { void operator()(std::FILE* f) const { std::fclose(f); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TestPki: ") + what + " failed");
}

Pkey make_key() {
  Pkey key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(added == 1, "X509_add_ext");
}

// A certificate for `key` with common name `cn`, not yet signed.
Cert make_cert(EVP_PKEY* key, const std::string& cn, long serial, std::chrono::seconds from, std::chrono::seconds to) {
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, "ASN1_INTEGER_set");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(from.count())) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(to.count())) != nullptr, "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  return cert;
}

void write_pem(const std::filesystem::path& path, X509* cert, EVP_PKEY* key) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "w"));
  check(file != nullptr, "fopen");
  if (cert != nullptr) check(PEM_write_X509(file.get(), cert) == 1, "PEM_write_X509");
  if (key != nullptr) check(PEM_write_PrivateKey(file.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM_write_PrivateKey");
}

// curl's pin format: the SHA-256 of the DER SubjectPublicKeyInfo, base64.
std::string pin_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  check(length > 0, "i2d_PUBKEY");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(length), digest);
  OPENSSL_free(der);
  unsigned char base64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  EVP_EncodeBlock(base64, digest, SHA256_DIGEST_LENGTH);
  return "sha256//" + std::string(reinterpret_cast<char*>(base64));
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

struct TestPki::Impl {
  std::filesystem::path dir;
  Pkey key;
  Cert cert;
  long next_serial = 2;
};

TestPki::TestPki(std::filesystem::path dir) : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::move(dir);
  impl_->key = make_key();
  impl_->cert = make_cert(impl_->key.get(), "newsalert test CA", 1, std::chrono::hours(-1), std::chrono::hours(24));
  X509* ca = impl_->cert.get();
  check(X509_set_issuer_name(ca, X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  add_extension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca, ca, NID_subject_key_identifier, "hash");
  check(X509_sign(ca, impl_->key.get(), EVP_sha256()) > 0, "X509_sign");
  write_pem(ca_file(), ca, nullptr);
}

TestPki::~TestPki() = default;

std::filesystem::path TestPki::ca_file() const { return impl_->dir / "ca.pem"; }

TlsIdentity TestPki::issue(const std::string& file_stem, const std::vector<std::string>& names,
                           std::chrono::seconds not_before, std::chrono::seconds not_after) {
  Pkey key = make_key();
  Cert cert = make_cert(key.get(), file_stem, impl_->next_serial++, not_before, not_after);
  X509* ca = impl_->cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  add_extension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca, NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), ca, NID_authority_key_identifier, "keyid");
  add_extension(cert.get(), ca, NID_subject_alt_name, join(names));
  check(X509_sign(cert.get(), impl_->key.get(), EVP_sha256()) > 0, "X509_sign");
  TlsIdentity identity{impl_->dir / (file_stem + ".crt"), impl_->dir / (file_stem + ".key"), pin_of(key.get())};
  write_pem(identity.cert_file, cert.get(), nullptr);
  write_pem(identity.key_file, nullptr, key.get());
  return identity;
}

}  // namespace newsalert::testing
