// Credentials and TLS of a Connection against a real nats-server that demands them: a user NKey
// seed file, and a client certificate for mutual TLS.
#include "cluster/connection.hpp"
#include "cluster/nats_error.hpp"
#include "tests/support/nats_cluster.hpp"
#include "tests/support/test_pki.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace newsalert::cluster {
namespace {

namespace fs = std::filesystem;
using testing::NatsCluster;

// The user key pair of the NATS documentation's NKey example (libnats's tests use it too).
constexpr const char* kSeed = "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY";
constexpr const char* kPublicKey = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";
// Another valid user seed, which the server does not know.
constexpr const char* kOtherSeed = "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY";

class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "newsalert-nats-options-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

ConnectOptions options_for(const NatsCluster& server) {
  ConnectOptions options;
  options.servers = {server.url(0)};
  options.name = "connection-options-test";
  return options;
}

// A server's tls block; with `client_ca`, clients must present a certificate it signed.
std::string tls_block(const testing::TlsIdentity& server, const fs::path& client_ca = {}) {
  std::string block = "tls {\n  cert_file: \"" + server.cert_file.string() + "\"\n  key_file: \"" +
                      server.key_file.string() + "\"\n";
  if (!client_ca.empty()) block += "  ca_file: \"" + client_ca.string() + "\"\n  verify: true\n";
  return block + "}";
}

std::string connect_error(const ConnectOptions& options) {
  try {
    Connection connection(options);
  } catch (const NatsError& e) {
    return e.what();
  }
  return "connected";
}

TEST(ConnectionOptions, AUserSeedFileAuthenticatesWithThePublicKeyDerivedFromIt) {
  const NatsCluster server(1, std::string("authorization { users = [ { nkey: ") + kPublicKey + " } ] }");
  const ScratchDir dir;
  auto options = options_for(server);
  EXPECT_NE(connect_error(options), "connected");   // the server does demand credentials
  // As libnats reads the file: the first line that starts with SU after blanks.
  options.nkey_seed_file = dir.write("user.nk", "# newsalert node\n  " + std::string(kSeed) + "\n");
  const Connection connection(options);
  EXPECT_TRUE(connection.connected());
  options.nkey_seed_file = dir.write("other.nk", std::string(kOtherSeed) + "\n");
  EXPECT_NE(connect_error(options), "connected");
}

TEST(ConnectionOptions, RefusesASeedFileWithoutAValidUserSeedBeforeConnecting) {
  const ScratchDir dir;
  ConnectOptions options;
  options.servers = {"nats://127.0.0.1:1"};
  std::string seed = kSeed;
  seed.back() = 'A';   // the checksum no longer matches
  for (const auto& [name, text] : {std::pair{"typo.nk", seed}, std::pair{"none.nk", std::string("no seed here\n")},
                                   std::pair{"account.nk", std::string("SA") + (kSeed + 2)}}) {
    options.nkey_seed_file = dir.write(name, text);
    EXPECT_EQ(connect_error(options),
              "NATS: nkey_seed_file " + options.nkey_seed_file + " holds no valid user NKey seed (SU...)");
  }
  options.nkey_seed_file = (dir.path() / "missing.nk").string();
  EXPECT_EQ(connect_error(options),
            "NATS: cannot read nkey_seed_file " + options.nkey_seed_file + ": No such file or directory");
}

TEST(ConnectionOptions, MutualTlsPresentsTheClientCertificateAndKey) {
  const ScratchDir dir;
  testing::TestPki pki(dir.path());
  const auto server_identity = pki.issue("server", {"IP:127.0.0.1", "DNS:localhost"});
  const auto client_identity = pki.issue("client", {"DNS:newsalert-node"});
  const NatsCluster server(1, tls_block(server_identity, pki.ca_file()));
  auto options = options_for(server);
  options.ca_file = pki.ca_file().string();
  EXPECT_NE(connect_error(options), "connected");   // TLS without a client certificate
  options.cert_file = client_identity.cert_file.string();
  options.key_file = client_identity.key_file.string();
  const Connection connection(options);
  EXPECT_TRUE(connection.connected());
}

// Debian's libnats 3.4.1 is built to check the server's name against its certificate (upstream
// does so only when an expected host name is set); cluster mode counts on it.
TEST(ConnectionOptions, RefusesAServerCertificateIssuedForAnotherName) {
  const ScratchDir dir;
  testing::TestPki pki(dir.path());
  const auto server_identity = pki.issue("server", {"DNS:other.example"});
  const NatsCluster server(1, tls_block(server_identity));
  auto options = options_for(server);
  options.ca_file = pki.ca_file().string();
  EXPECT_NE(connect_error(options).find("IP address mismatch"), std::string::npos) << connect_error(options);
}

}  // namespace
}  // namespace newsalert::cluster
