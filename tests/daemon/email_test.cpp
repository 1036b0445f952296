// The daemon with an e-mail webhook against a real SMTP server on loopback (STARTTLS with a test
// CA, AUTH): one matching story is one e-mail; and `newsalertd notify-test` for e-mail and HTTP.
#include "service_fixture.hpp"

#include "tests/support/smtp_server.hpp"
#include "tests/support/test_pki.hpp"

#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;

namespace {

const std::string kPassword = "smtp pass, not for logs";

class EmailChannel : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    SmtpServerOptions options;
    options.cert_file = identity_.cert_file;
    options.key_file = identity_.key_file;
    options.username = "alerts";
    options.password = kPassword;
    smtp_ = std::make_unique<SmtpServer>(options);
  }

  // The service config with one e-mail webhook, desk-mail, beside the HTTP hook0.
  std::string write_mail_config(const std::string& to = "desk@example.org") {
    ServiceConfig c;
    c.feeds = {"/wire.rss"};
    write_config(c);
    std::string text = read_file(config_file());
    text += "  - name: desk-mail\n    format: email\n    url: " + smtp_->url() +
            "\n    from: \"newsalert <alerts@example.org>\"\n    to: [" + to +
            "]\n    username: alerts\n    password: ${NEWSALERT_TEST_SMTP_PASSWORD}\n    ca_file: " +
            pki_.ca_file().string() + "\n    retry:\n      schedule: [0s, 300ms, 300ms]\n";
    text.replace(text.find("    regions: [Iran, Israel]\n"), 27, "    regions: [Iran, Israel]\n    notify: [desk-mail]\n");
    write_file(config_file(), text);
    return config_file();
  }

  std::vector<std::string> env() const { return {"NEWSALERT_TEST_SMTP_PASSWORD=" + kPassword}; }

  TestPki pki_{dir_.path()};
  TlsIdentity identity_ = pki_.issue("smtp", {"DNS:localhost", "IP:127.0.0.1"});
  std::unique_ptr<SmtpServer> smtp_;
};

}  // namespace

TEST_F(EmailChannel, OneMatchingStoryArrivesAsExactlyOneEmail) {
  DaemonProcess daemon({"run", "--config", write_mail_config(), "--log-level", "debug"}, dir_.path(), env());
  ASSERT_TRUE(eventually([&] { return !smtp_->messages().empty(); }, 30s)) << daemon.err();
  // Several more polls of the unchanged feed, and the delivery loop's idle polls: nothing new.
  ASSERT_TRUE(daemon.wait_for_log("delivered to webhook 'desk-mail'", 10s));
  std::this_thread::sleep_for(4s);
  const auto messages = smtp_->messages();
  ASSERT_EQ(messages.size(), 1u) << daemon.err();
  EXPECT_EQ(messages[0]["headers"]["Subject"], "iran-israel: Hamas leader killed in Tehran, Iran vows response against Israel");
  EXPECT_EQ(messages[0]["rcpt_tos"], nlohmann::json::array({"desk@example.org"}));
  EXPECT_TRUE(messages[0]["tls"].get<bool>());
  EXPECT_EQ(messages[0]["auth_user"], "alerts");
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(daemon.err().find(kPassword), std::string::npos);
}

TEST_F(EmailChannel, NotifyTestSendsASampleAndPrintsTheServersAnswer) {
  const std::string file = write_mail_config();
  ::setenv("NEWSALERT_TEST_SMTP_PASSWORD", kPassword.c_str(), 1);
  const CommandResult sent = run_command({"notify-test", "--config", file, "desk-mail"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("notify-test: sample alert na_"), std::string::npos) << sent.out;
  EXPECT_NE(sent.out.find(" delivered to webhook 'desk-mail'\nanswer: 250 2.0.0 Ok: queued (answer to DATA)\n"),
            std::string::npos)
      << sent.out;
  ASSERT_EQ(smtp_->messages().size(), 1u);
  EXPECT_NE(smtp_->messages()[0]["headers"]["Subject"].get<std::string>().find("Erdoğan and خامنه‌ای"), std::string::npos);

  const std::string refused_file = write_mail_config("reject@example.org");
  const CommandResult refused = run_command({"notify-test", "--config", refused_file, "desk-mail"});
  ::unsetenv("NEWSALERT_TEST_SMTP_PASSWORD");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("' did not take sample alert na_"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(": SMTP 550 5.1.1 <reject@example.org>: Recipient address rejected (answer to RCPT TO)\n"),
            std::string::npos)
      << refused.err;
}

TEST_F(EmailChannel, NotifyTestOfAnHttpWebhookPrintsTheStatusAndBody) {
  server_.serve_webhook("/hook", {}, {202, {}, "queued as 42"});
  ::setenv("NEWSALERT_TEST_SMTP_PASSWORD", kPassword.c_str(), 1);
  const std::string file = write_mail_config();
  const CommandResult sent = run_command({"notify-test", "--config", file, "hook0"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find(" delivered to webhook 'hook0'\nanswer: queued as 42\n"), std::string::npos) << sent.out;
  ASSERT_EQ(server_.requests("/hook").size(), 1u);

  const CommandResult unknown = run_command({"notify-test", "--config", file, "nope"});
  ::unsetenv("NEWSALERT_TEST_SMTP_PASSWORD");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "newsalertd notify-test: no webhook named 'nope' in " + file + " (it has: hook0, desk-mail)\n");
}
