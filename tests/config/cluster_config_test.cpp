// The `cluster:` section: servers, node name, replicas, membership timing, credentials, TLS files,
// and the fingerprint that tells the daemons of a cluster whether they read the same file.
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "tests/config/config_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

using namespace newsalert;
using namespace newsalert::config;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

namespace {

using newsalert::testing::kWorldReadable;
using newsalert::testing::ScopedEnv;

const std::string kMutuallyExclusive =
    " are mutually exclusive (give one kind of credentials: creds_file, user and password, token or nkey_seed_file)";

class ClusterConfigTest : public newsalert::testing::ConfigDir {
 protected:
  // Line 2 is "cluster:", line 3 the first line of `section`.
  Config load(const std::string& section, fs::perms perms = newsalert::testing::kPrivateFile) {
    return load_config(write("newsalert.yaml", "state_dir: s\ncluster:\n" + section, perms), false);
  }

  // "line: message" of a cluster section that must fail.
  std::vector<std::string> errors(const std::string& section) {
    try {
      load(section);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics()) out.push_back(std::to_string(d.line) + ": " + d.message);
      return out;
    }
    ADD_FAILURE() << "loaded without errors:\n" << section;
    return {};
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
};

std::string host_name() {
  char host[256] = {};
  EXPECT_EQ(::gethostname(host, sizeof host - 1), 0);
  return host;
}

}  // namespace

TEST_F(ClusterConfigTest, LoadsAFullSection) {
  ScopedEnv password("NEWSALERT_TEST_NATS_PASSWORD", "hunter2");
  write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  write("client.pem", "-----BEGIN CERTIFICATE-----\n");
  write("client.key", "-----BEGIN PRIVATE KEY-----\n");
  const Config c = load(R"(  nats: [nats://127.0.0.1:4222, "tls://[::1]:4223", tls://nats-3.example]
  node: node_b-2
  replicas: 5
  heartbeat: 1s
  member_timeout: 4s
  user: newsalert
  password: ${NEWSALERT_TEST_NATS_PASSWORD}
  ca_file: ca.pem
  cert_file: client.pem
  key_file: client.key
)");
  ASSERT_TRUE(c.cluster);
  const ClusterConfig& cluster = *c.cluster;
  EXPECT_THAT(cluster.nats, ElementsAre("nats://127.0.0.1:4222", "tls://[::1]:4223", "tls://nats-3.example"));
  EXPECT_EQ(cluster.node, "node_b-2");
  EXPECT_EQ(cluster.replicas, 5);
  EXPECT_EQ(cluster.heartbeat, 1s);
  EXPECT_EQ(cluster.member_timeout, 4s);
  EXPECT_EQ(cluster.user, "newsalert");
  EXPECT_EQ(cluster.password, "hunter2");
  EXPECT_EQ(cluster.ca_file, path("ca.pem"));
  EXPECT_EQ(cluster.cert_file, path("client.pem"));
  EXPECT_EQ(cluster.key_file, path("client.key"));
  EXPECT_EQ(cluster.line, 3);
  EXPECT_TRUE(c.warnings.empty());
}

TEST_F(ClusterConfigTest, ReadsEachOtherKindOfCredentials) {
  write("app.creds", "-----BEGIN NATS USER JWT-----\n");
  write("user.nk", "SUAEXAMPLE\n");
  EXPECT_EQ(load("  nats: nats://a:4222\n  creds_file: app.creds\n").cluster->creds_file, path("app.creds"));
  EXPECT_EQ(load("  nats: nats://a:4222\n  nkey_seed_file: user.nk\n").cluster->nkey_seed_file, path("user.nk"));
  ScopedEnv token("NEWSALERT_TEST_NATS_TOKEN", "t0ken");
  EXPECT_EQ(load("  nats: nats://a:4222\n  token: ${NEWSALERT_TEST_NATS_TOKEN}\n").cluster->token, "t0ken");
}

TEST_F(ClusterConfigTest, WithoutTheSectionThereIsNoCluster) {
  const Config c = load_config(write("newsalert.yaml", "state_dir: s\n"), false);
  EXPECT_FALSE(c.cluster);
}

TEST_F(ClusterConfigTest, DefaultsNodeToTheHostNameThreeReplicasAndTheMembershipTimes) {
  const Config c = load("  nats:\n    - nats://a:4222\n    - nats://b:4222\n    - nats://c:4222\n");
  ASSERT_TRUE(c.cluster);
  EXPECT_EQ(c.cluster->node, node_name_from_host(host_name()));
  EXPECT_FALSE(c.cluster->node.empty());
  EXPECT_EQ(c.cluster->replicas, 3);
  EXPECT_EQ(c.cluster->heartbeat, 2s);
  EXPECT_EQ(c.cluster->member_timeout, 10s);
  EXPECT_EQ(c.cluster->snapshot_every, 10'000u);
  EXPECT_EQ(c.cluster->snapshot_log_ratio, 1.0);
  EXPECT_TRUE(c.cluster->user.empty() && c.cluster->password.empty() && c.cluster->token.empty());
  EXPECT_TRUE(c.cluster->ca_file.empty());
}

TEST_F(ClusterConfigTest, ASingleServerUrlMeansOneReplicaUnlessSaidOtherwise) {
  const Config single = load("  nats: nats://127.0.0.1:4222\n");
  EXPECT_THAT(single.cluster->nats, ElementsAre("nats://127.0.0.1:4222"));
  EXPECT_EQ(single.cluster->replicas, 1);
  EXPECT_EQ(load("  nats: [nats://127.0.0.1:4222]\n").cluster->replicas, 1);
  EXPECT_EQ(load("  nats: nats://nats.example\n  replicas: 3\n").cluster->replicas, 3);
}

TEST_F(ClusterConfigTest, MemberTimeoutDefaultsToThreeHeartbeatsWhenThatIsLonger) {
  EXPECT_EQ(load("  nats: nats://a\n  heartbeat: 5s\n").cluster->member_timeout, 15s);
  EXPECT_EQ(load("  nats: nats://a\n  heartbeat: 3s\n").cluster->member_timeout, 10s);
  EXPECT_EQ(load("  nats: nats://a\n  heartbeat: 2s\n  member_timeout: 6s\n").cluster->member_timeout, 6s);
}

TEST_F(ClusterConfigTest, NodeComesFromTheEnvironmentSoOneFileServesEveryNode) {
  ScopedEnv node("NEWSALERT_TEST_NODE", "b");
  EXPECT_EQ(load("  nats: nats://a:4222\n  node: ${NEWSALERT_TEST_NODE}\n").cluster->node, "b");
}

TEST(NodeNameFromHost, ReplacesEachCharacterOutsideTheAllowedSetAndCutsTo64) {
  EXPECT_EQ(node_name_from_host("web-1.example.org"), "web-1-example-org");
  EXPECT_EQ(node_name_from_host("Node_7"), "Node_7");
  EXPECT_EQ(node_name_from_host("h\xc3\xa9te"), "h--te");
  EXPECT_EQ(node_name_from_host(std::string(70, 'x') + ".lan"), std::string(64, 'x'));
}

TEST_F(ClusterConfigTest, RejectsServerUrlsThatAreNotNatsOrTls) {
  EXPECT_THAT(errors("  nats: [http://a:4222, nats://:4222, nats://a:42x, \"nats://a b\", tls://a:70000]\n"),
              ElementsAre("3: cluster.nats[0]: invalid URL 'http://a:4222': expected nats:// or tls://",
                          "3: cluster.nats[1]: invalid URL 'nats://:4222': missing host",
                          "3: cluster.nats[2]: invalid URL 'nats://a:42x': the port must be a number from 1 to 65535",
                          "3: cluster.nats[3]: invalid URL 'nats://a b': contains whitespace",
                          "3: cluster.nats[4]: invalid URL 'tls://a:70000': the port must be a number from 1 to 65535"));
  EXPECT_THAT(errors("  nats: nats.example:4222\n"),
              ElementsAre("3: cluster.nats: invalid URL 'nats.example:4222': expected nats:// or tls://"));
}

TEST_F(ClusterConfigTest, RefusesCredentialsInsideAServerUrlWithoutShowingThem) {
  const auto errs = errors("  nats:\n    - nats://newsalert:hunter2@a:4222\n");
  EXPECT_THAT(errs, ElementsAre("4: cluster.nats[0]: credentials in the URL would appear in logs; use user and "
                                "password, or token"));
  EXPECT_THAT(errors("  nats: ftp://newsalert:hunter2@a:4222\n"),
              ElementsAre("3: cluster.nats: invalid URL 'ftp://REDACTED@a:4222': expected nats:// or tls://"));
}

TEST_F(ClusterConfigTest, RequiresAtLeastOneServer) {
  const std::string missing = "cluster: missing required key 'nats' (the URLs of the NATS servers)";
  EXPECT_THAT(errors("  node: a\n"), ElementsAre("3: " + missing));
  EXPECT_THAT(errors(""), ElementsAre("2: " + missing));
  EXPECT_THAT(errors("  nats: []\n"), ElementsAre("3: cluster.nats: must list at least one server URL"));
  EXPECT_THAT(errors("  nats: {a: b}\n"), ElementsAre("3: cluster.nats: expected a URL or a list of URLs, got a map"));
}

TEST_F(ClusterConfigTest, RejectsANodeNameThatCannotBeASubjectToken) {
  const std::string why = " must be 1 to 64 letters, digits, '_' or '-' (it becomes part of NATS subjects, KV keys "
                          "and consumer names)";
  EXPECT_THAT(errors("  nats: nats://a\n  node: web.1\n"), ElementsAre("4: cluster.node: 'web.1'" + why));
  EXPECT_THAT(errors("  nats: nats://a\n  node: \"\"\n"), ElementsAre("4: cluster.node: ''" + why));
  EXPECT_THAT(errors("  nats: nats://a\n  node: " + std::string(65, 'n') + "\n"),
              ElementsAre("4: cluster.node: '" + std::string(65, 'n') + "'" + why));
  ScopedEnv node("NEWSALERT_TEST_NODE", "a*b");
  EXPECT_THAT(errors("  nats: nats://a\n  node: ${NEWSALERT_TEST_NODE}\n"), ElementsAre("4: cluster.node: 'a*b'" + why));
}

TEST_F(ClusterConfigTest, RejectsReplicasAndTimesOutOfRange) {
  EXPECT_THAT(errors("  nats: nats://a\n  replicas: 0\n  heartbeat: 100ms\n"),
              ElementsAre("4: cluster.replicas: must be between 1 and 5, got 0",
                          "5: cluster.heartbeat: must be at least 500ms, got 100ms"));
  EXPECT_THAT(errors("  nats: nats://a\n  replicas: 6\n  heartbeat: 1m\n"),
              ElementsAre("4: cluster.replicas: must be between 1 and 5, got 6",
                          "5: cluster.heartbeat: must be at most 30s, got 1m"));
  EXPECT_THAT(errors("  nats: nats://a\n  member_timeout: 5s\n"),
              ElementsAre("4: cluster.member_timeout: must be at least 3 times cluster.heartbeat (6s), got 5s"));
  EXPECT_THAT(errors("  nats: nats://a\n  member_timeout: 20s\n  heartbeat: 10s\n"),
              ElementsAre("4: cluster.member_timeout: must be at least 3 times cluster.heartbeat (30s), got 20s"));
  EXPECT_THAT(errors("  nats: nats://a\n  heartbeat: 5s\n  member_timeout: soon\n"),
              ElementsAre("5: cluster.member_timeout: expected a duration like 30s, 5m or 2h, got 'soon'"));
}

TEST_F(ClusterConfigTest, SnapshotsWaitForEntriesAndForALogAsLargeAsTheStateUnlessToldOtherwise) {
  const Config c = load("  nats: nats://a\n  snapshot_every: 500\n  snapshot_log_ratio: 0.5\n");
  ASSERT_TRUE(c.cluster);
  EXPECT_EQ(c.cluster->snapshot_every, 500u);
  EXPECT_EQ(c.cluster->snapshot_log_ratio, 0.5);
  EXPECT_EQ(load("  nats: nats://a\n  snapshot_log_ratio: 0\n").cluster->snapshot_log_ratio, 0.0);
  EXPECT_THAT(errors("  nats: nats://a\n  snapshot_every: 99\n  snapshot_log_ratio: -1\n"),
              ElementsAre("4: cluster.snapshot_every: must be between 100 and 10000000, got 99",
                          "5: cluster.snapshot_log_ratio: must be at least 0, got -1"));
  EXPECT_THAT(errors("  nats: nats://a\n  snapshot_log_ratio: half\n"),
              ElementsAre("4: cluster.snapshot_log_ratio: expected a number, got 'half'"));
}

TEST_F(ClusterConfigTest, OneKindOfCredentialsAtATime) {
  write("app.creds", "x\n");
  write("user.nk", "x\n");
  EXPECT_THAT(errors("  nats: nats://a\n  token: t\n  creds_file: app.creds\n"),
              ElementsAre("5: cluster: token and creds_file" + kMutuallyExclusive));
  EXPECT_THAT(errors("  nats: nats://a\n  nkey_seed_file: user.nk\n  user: u\n  password: p\n"),
              ElementsAre("5: cluster: nkey_seed_file and user" + kMutuallyExclusive));
  EXPECT_THAT(errors("  nats: nats://a\n  password: p\n  user: u\n  token: t\n"),
              ElementsAre("6: cluster: password and token" + kMutuallyExclusive));
}

TEST_F(ClusterConfigTest, UserAndPasswordAndCertificateAndKeyComeInPairs) {
  write("client.pem", "x\n");
  write("client.key", "x\n");
  EXPECT_THAT(errors("  nats: nats://a\n  password: p\n"), ElementsAre("4: cluster.password: needs cluster.user"));
  EXPECT_THAT(errors("  nats: nats://a\n  user: u\n"), ElementsAre("4: cluster.user: needs cluster.password"));
  EXPECT_THAT(errors("  nats: nats://a\n  cert_file: client.pem\n"),
              ElementsAre("4: cluster.cert_file: needs cluster.key_file (a client certificate goes with its private key)"));
  EXPECT_THAT(errors("  nats: nats://a\n  key_file: client.key\n"),
              ElementsAre("4: cluster.key_file: needs cluster.cert_file (a client certificate goes with its private key)"));
}

TEST_F(ClusterConfigTest, EveryFileNamedMustBeReadableAtLoadTime) {
  fs::create_directory(dir_ / "certs");
  EXPECT_THAT(errors("  nats: nats://a\n  creds_file: missing.creds\n"),
              ElementsAre("4: cluster.creds_file '" + path("missing.creds") + "': No such file or directory"));
  EXPECT_THAT(errors("  nats: nats://a\n  nkey_seed_file: missing.nk\n"),
              ElementsAre("4: cluster.nkey_seed_file '" + path("missing.nk") + "': No such file or directory"));
  EXPECT_THAT(errors("  nats: nats://a\n  ca_file: certs\n"), ElementsAre("4: cluster.ca_file '" + path("certs") +
                                                                         "': is a directory"));
  EXPECT_THAT(errors("  nats: nats://a\n  cert_file: c.pem\n  key_file: /nonexistent/c.key\n"),
              ElementsAre("4: cluster.cert_file '" + path("c.pem") + "': No such file or directory",
                          "5: cluster.key_file '/nonexistent/c.key': No such file or directory"));
}

TEST_F(ClusterConfigTest, FilePathsTakeEnvironmentVariablesLikeSecretFiles) {
  write("user.nk", "x\n");
  ScopedEnv credentials("CREDENTIALS_DIRECTORY", dir_.c_str());
  EXPECT_EQ(load("  nats: nats://a\n  nkey_seed_file: ${CREDENTIALS_DIRECTORY}/user.nk\n").cluster->nkey_seed_file,
            path("user.nk"));
}

TEST_F(ClusterConfigTest, SecretsAreNeverShownInMessages) {
  ScopedEnv empty("NEWSALERT_TEST_NATS_TOKEN", "");
  ::unsetenv("NEWSALERT_TEST_UNSET");
  EXPECT_THAT(errors("  nats: nats://a\n  token: ${NEWSALERT_TEST_NATS_TOKEN}\n"),
              ElementsAre("4: cluster.token: must not be empty"));
  const auto errs = errors("  nats: nats://a\n  user: u\n  password: hunter2-${NEWSALERT_TEST_UNSET}\n");
  EXPECT_THAT(errs, ElementsAre("5: cluster.password: environment variable NEWSALERT_TEST_UNSET is not set"));
  for (const auto& e : errs) EXPECT_THAT(e, Not(HasSubstr("hunter2")));
}

TEST_F(ClusterConfigTest, AnInlineTokenOrPasswordInAWorldReadableFileIsAWarning) {
  const Config c = load("  nats: nats://a\n  token: literal-token\n", kWorldReadable);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0].line, 4);
  EXPECT_THAT(c.warnings[0].message, HasSubstr("holds a secret; chmod o-r it"));
  EXPECT_THAT(c.warnings[0].message, Not(HasSubstr("literal-token")));
  EXPECT_EQ(load("  nats: nats://a\n  user: u\n  password: pw\n", kWorldReadable).warnings.size(), 1u);
  EXPECT_TRUE(load("  nats: nats://a\n  token: literal-token\n").warnings.empty());
  ScopedEnv token("NEWSALERT_TEST_NATS_TOKEN", "from-env");
  EXPECT_TRUE(load("  nats: nats://a\n  token: ${NEWSALERT_TEST_NATS_TOKEN}\n", kWorldReadable).warnings.empty());
}

TEST_F(ClusterConfigTest, WorldReadableSeedCredsAndKeyFilesAreWarnings) {
  write("user.nk", "x\n", kWorldReadable);
  write("app.creds", "x\n", kWorldReadable);
  write("ca.pem", "x\n", kWorldReadable);
  write("client.pem", "x\n", kWorldReadable);
  write("client.key", "x\n", kWorldReadable);
  const auto warning = [&](const std::string& key, const std::string& file) {
    return "warning: cluster." + key + " '" + path(file) + "' is readable by every user; chmod o-r it";
  };
  const Config seed = load("  nats: nats://a\n  nkey_seed_file: user.nk\n  ca_file: ca.pem\n"
                           "  cert_file: client.pem\n  key_file: client.key\n");
  ASSERT_EQ(seed.warnings.size(), 2u);
  EXPECT_EQ(seed.warnings[0].message, warning("nkey_seed_file", "user.nk"));
  EXPECT_EQ(seed.warnings[1].message, warning("key_file", "client.key"));
  const Config creds = load("  nats: nats://a\n  creds_file: app.creds\n");
  ASSERT_EQ(creds.warnings.size(), 1u);
  EXPECT_EQ(creds.warnings[0].message, warning("creds_file", "app.creds"));
}

TEST_F(ClusterConfigTest, FingerprintIsTheSha256OfTheFileAsRead) {
  const std::string text = "state_dir: s\ncluster:\n  nats: nats://127.0.0.1:4222\n";
  const Config c = load_config(write("a.yaml", text), false);
  // sha256sum of the same bytes.
  EXPECT_EQ(c.fingerprint, "37158126d9489ade84468f9fd46222bbd2498cd40a662e5ff44874e51e5459f4");
  EXPECT_EQ(load_config(write("b.yaml", text), false).fingerprint, c.fingerprint);
  std::string changed = text;
  changed[changed.size() - 2] = '3';   // port 4223
  EXPECT_NE(load_config(write("c.yaml", changed), false).fingerprint, c.fingerprint);
}

TEST_F(ClusterConfigTest, FingerprintIsTakenBeforeEnvironmentVariablesAreReplaced) {
  const std::string text = "state_dir: s\ncluster:\n  nats: nats://a:4222\n  node: ${NEWSALERT_TEST_NODE}\n";
  std::string first, second;
  {
    ScopedEnv node("NEWSALERT_TEST_NODE", "a");
    const Config c = load_config(write("n.yaml", text), false);
    EXPECT_EQ(c.cluster->node, "a");
    first = c.fingerprint;
  }
  {
    ScopedEnv node("NEWSALERT_TEST_NODE", "b");
    const Config c = load_config(write("n.yaml", text), false);
    EXPECT_EQ(c.cluster->node, "b");
    second = c.fingerprint;
  }
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 64u);
}
