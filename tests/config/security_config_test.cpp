// Config keys of the SSRF guard, limits and TLS, and the warnings about secrets and verification.
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "tests/config/config_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace newsalert;
using namespace newsalert::config;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

namespace {

class SecurityConfig : public newsalert::testing::ConfigDir {
 protected:
  Config load(const std::string& body, fs::perms perms = newsalert::testing::kPrivateFile) {
    return load_config(write("newsalert.yaml", "state_dir: state\n" + body, perms), false);
  }

  std::vector<std::string> errors(const std::string& body) {
    try {
      load("" + body);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics()) out.push_back(std::to_string(d.line) + ": " + d.message);
      return out;
    }
    ADD_FAILURE() << "loaded without errors:\n" << body;
    return {};
  }

  static std::vector<std::string> warnings(const Config& c) {
    std::vector<std::string> out;
    for (const auto& d : c.warnings) out.push_back(std::to_string(d.line) + ": " + d.message);
    return out;
  }
};

using newsalert::testing::kWorldReadable;

}  // namespace

TEST_F(SecurityConfig, NothingNonPublicIsAllowedByDefault) {
  const Config c = load("feeds: [https://feed.example/rss]\n");
  EXPECT_TRUE(c.network.allow.empty());
  EXPECT_TRUE(c.feeds[0].allow.empty());
  EXPECT_TRUE(c.feeds[0].tls.verify);
  EXPECT_FALSE(c.feeds[0].allow_https_downgrade);
  EXPECT_TRUE(c.warnings.empty());
}

TEST_F(SecurityConfig, ReadsNetworkAllowGloballyAndPerFeedAndWebhook) {
  const Config c = load(R"(network:
  allow: [10.0.0.0/8, "127.0.0.1:8080", "[::1]:9000"]
feeds:
  - url: http://intranet.example/rss
    allow: [192.168.10.0/24]
webhooks:
  - name: local
    url: http://127.0.0.1:9999/hook
    allow: ["127.0.0.1:9999"]
)");
  ASSERT_EQ(c.network.allow.size(), 3u);
  EXPECT_EQ(c.network.allow[1].text(), "127.0.0.1:8080");
  EXPECT_EQ(c.network.allow[1].port(), 8080);
  ASSERT_EQ(c.feeds[0].allow.size(), 1u);
  EXPECT_EQ(c.feeds[0].allow[0].text(), "192.168.10.0/24");
  ASSERT_EQ(c.webhooks[0].allow.size(), 1u);
  EXPECT_EQ(c.webhooks[0].allow[0].port(), 9999);
}

TEST_F(SecurityConfig, RejectsAnAllowEntryThatIsNotANetwork) {
  EXPECT_THAT(errors("network:\n  allow: [10.0.0.0/33, intranet]\n"),
              ElementsAre(HasSubstr("3: network.allow[0]: '10.0.0.0/33' is not a network: prefix length must be 0 "
                                    "to 32"),
                          HasSubstr("3: network.allow[1]: 'intranet' is not a network: 'intranet' is not an IP "
                                    "address")));
}

TEST_F(SecurityConfig, ReadsEveryLimit) {
  const Config c = load(R"(poll:
  max_bytes: 8MiB
  max_compressed_bytes: 2MiB
  max_header_bytes: 32KiB
  max_redirects: 2
  max_entries: 500
  max_field_bytes: 64KiB
  max_xml_depth: 40
  max_xml_attributes: 20
)");
  EXPECT_EQ(c.poll.max_bytes, 8u << 20);
  EXPECT_EQ(c.poll.max_compressed_bytes, 2u << 20);
  EXPECT_EQ(c.poll.max_header_bytes, 32u << 10);
  EXPECT_EQ(c.poll.max_redirects, 2);
  EXPECT_EQ(c.poll.max_entries, 500);
  EXPECT_EQ(c.poll.max_field_bytes, 64u << 10);
  EXPECT_EQ(c.poll.max_xml_depth, 40);
  EXPECT_EQ(c.poll.max_xml_attributes, 20);
}

TEST_F(SecurityConfig, HasSafeDefaultLimits) {
  const Config c = load("");
  EXPECT_EQ(c.poll.max_compressed_bytes, 16u << 20);
  EXPECT_EQ(c.poll.max_header_bytes, 64u << 10);
  EXPECT_EQ(c.poll.max_redirects, 5);
  EXPECT_EQ(c.poll.max_entries, 1000);
  EXPECT_EQ(c.poll.max_field_bytes, 256u << 10);
  EXPECT_EQ(c.poll.max_xml_depth, 100);
  EXPECT_EQ(c.poll.max_xml_attributes, 64);
}

TEST_F(SecurityConfig, TurningTlsVerificationOffIsAWarning) {
  const Config c = load(R"(feeds:
  - url: https://self-signed.example/rss
    tls_verify: false
)");
  EXPECT_FALSE(c.feeds[0].tls.verify);
  EXPECT_THAT(warnings(c), ElementsAre(HasSubstr("4: warning: feeds[0].tls_verify: false: certificates are not "
                                                 "checked")));
}

TEST_F(SecurityConfig, ReadsCaFileAndPinnedKeys) {
  write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string pin = "sha256//" + std::string(43, 'A') + "=";
  const Config c = load(R"(feeds:
  - url: https://internal.example/rss
    ca_file: ca.pem
    pinned_public_key: ")" + pin + ";" + pin + R"("
webhooks:
  - name: h
    url: https://hooks.example/x
    pinned_public_key: ca.pem
)");
  EXPECT_EQ(c.feeds[0].tls.ca_file, (dir_ / "ca.pem").string());
  EXPECT_EQ(c.feeds[0].tls.pinned_public_key, pin + ";" + pin);
  EXPECT_EQ(c.webhooks[0].tls.pinned_public_key, (dir_ / "ca.pem").string());
}

TEST_F(SecurityConfig, RejectsAMissingCaFileAndAMalformedPin) {
  EXPECT_THAT(errors(R"(feeds:
  - url: https://a.example/rss
    ca_file: missing.pem
  - url: https://b.example/rss
    pinned_public_key: sha256//short
)"),
              ElementsAre(HasSubstr("4: feeds[0].ca_file '"), HasSubstr("6: feeds[1].pinned_public_key: expected "
                                                                        "sha256//BASE64")));
}

TEST_F(SecurityConfig, RefusesCredentialsInsideAFeedUrl) {
  EXPECT_THAT(errors("feeds:\n  - https://user:hunter2@feed.example/rss\n"),
              ElementsAre("3: feeds[0]: credentials in the URL would appear in logs; use username and password"));
}

TEST_F(SecurityConfig, WorldReadableFileWithASecretIsAWarning) {
  const std::string body = R"(webhooks:
  - name: h
    url: https://hooks.example/x
    secret: literal-signing-key
)";
  const Config c = load(body, kWorldReadable);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0].line, 5);
  EXPECT_THAT(c.warnings[0].message, HasSubstr("warning: the file is readable by every user (mode 0644) and holds a "
                                               "secret; chmod o-r it"));
  EXPECT_EQ(c.warnings[0].message.find("literal-signing-key"), std::string::npos);
  EXPECT_TRUE(load(body).warnings.empty());   // 0600: fine
}

TEST_F(SecurityConfig, SecretsFromTheEnvironmentNeedNoPrivateFile) {
  ::setenv("NEWSALERT_TEST_HOOK_SECRET", "from-env", 1);
  const Config c = load(R"(feeds:
  - url: https://paywall.example/rss
    username: reader
    password: ${NEWSALERT_TEST_HOOK_SECRET}
    headers:
      X-Api-Key: ${NEWSALERT_TEST_HOOK_SECRET}
webhooks:
  - name: h
    url: https://hooks.example/x
    secret: ${NEWSALERT_TEST_HOOK_SECRET}
)",
                        kWorldReadable);
  ::unsetenv("NEWSALERT_TEST_HOOK_SECRET");
  EXPECT_TRUE(c.warnings.empty()) << c.warnings[0].message;
}

TEST_F(SecurityConfig, WorldReadableSecretFileIsAWarning) {
  write("hook.key", "file-secret\n", kWorldReadable);
  const Config c = load("webhooks:\n  - name: h\n    url: https://hooks.example/x\n    secret_file: hook.key\n");
  EXPECT_THAT(warnings(c), ElementsAre(HasSubstr("5: warning: webhooks[0].secret_file '")));
  EXPECT_THAT(c.warnings[0].message, HasSubstr("is readable by every user; chmod o-r it"));
}

// The admin listener serves status and metrics (and will carry a write API): off loopback only on purpose.
TEST_F(SecurityConfig, AdminListenerBeyondLoopbackIsAWarningUnlessPublic) {
  EXPECT_THAT(warnings(load("http:\n  listen: 0.0.0.0:9464\n")),
              ElementsAre("3: warning: http.listen: 0.0.0.0:9464 is not a loopback address, so other machines can "
                          "reach the admin endpoints; listen on 127.0.0.1 or [::1], or set http.public: true if "
                          "that is meant"));
  EXPECT_THAT(warnings(load("http:\n  listen: \"[::]:9464\"\n")),
              ElementsAre(HasSubstr("3: warning: http.listen: [::]:9464 is not a loopback address")));
  EXPECT_THAT(warnings(load("http:\n  listen: 192.168.1.5:9464\n")), ElementsAre(HasSubstr("192.168.1.5:9464")));
  for (const char* loopback : {"127.0.0.1:9464", "127.0.0.2:9464", "localhost:9464", "\"[::1]:9464\"",
                               "\"[::ffff:127.0.0.1]:9464\""})
    EXPECT_TRUE(load(std::string("http:\n  listen: ") + loopback + "\n").warnings.empty()) << loopback;
  const Config on_purpose = load("http:\n  listen: 0.0.0.0:9464\n  public: true\n");
  EXPECT_TRUE(on_purpose.warnings.empty());
  EXPECT_EQ(on_purpose.http->str(), "0.0.0.0:9464");
  EXPECT_TRUE(load("http:\n  listen: 0.0.0.0:9464\n  public: yes\n").warnings.empty());
  EXPECT_THAT(warnings(load("http:\n  listen: 0.0.0.0:9464\n  public: false\n")), ElementsAre(HasSubstr("3: warning")));
  EXPECT_THAT(errors("http:\n  listen: 0.0.0.0:9464\n  public: maybe\n"),
              ElementsAre("4: http.public: expected true or false, got 'maybe'"));
}
