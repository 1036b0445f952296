// E-mail delivery against a real SMTP server on loopback (python3-aiosmtpd with STARTTLS from a
// test CA and AUTH): the received messages are parsed back by Python's email package and checked,
// and the outbox shows what a 4xx and a 5xx answer do.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/smtp_server.hpp"
#include "tests/support/test_pki.hpp"

#include <sstream>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kActor = "Recep Tayyip Erdoğan";
const std::string kOther = "علی خامنه‌ای";

std::string alert_payload(const std::string& id, const std::string& title) {
  return json{{"id", id},
              {"watchlist", "iran-turkey"},
              {"article",
               {{"title", title},
                {"link", "https://news.example.org/a/" + id},
                {"feed", {{"title", "Example Wire"}}}}},
              {"actors", {{{"name", kActor}}, {{"name", kOther}}}},
              {"regions", {{{"name", "Türkiye"}}}},
              {"snippets", {"Talks between " + kActor + " and " + kOther + " <b>resumed</b>."}},
              {"detected_at", "2026-12-03T10:00:00Z"}}
      .dump();
}

class EmailDelivery : public DeliveryFixture {
 protected:
  ~EmailDelivery() override { stop(); }

  void start_server(bool tls = true, bool implicit_tls = false) {
    SmtpServerOptions options;
    if (tls) {
      options.cert_file = identity_.cert_file;
      options.key_file = identity_.key_file;
    }
    options.implicit_tls = implicit_tls;
    options.username = "alerts";
    options.password = "s3cret pass";
    server_ = std::make_unique<SmtpServer>(options);
  }

  config::WebhookConfig mail_hook(const std::string& to) {
    config::WebhookConfig w;
    w.name = "desk-mail";
    w.format = config::WebhookFormat::email;
    w.url = server_->url();
    w.email.from = "Nachrichten Wächter <alerts@example.org>";
    w.email.to = {"Desk <" + to + ">"};
    w.email.username = "alerts";
    w.email.password = "s3cret pass";
    w.tls.ca_file = pki_.ca_file().string();
    w.retry.schedule = {0ms, 200ms, 200ms};
    w.timeout = 10s;
    return w;
  }

  void enqueue(const std::string& id, const std::string& payload) { DeliveryFixture::enqueue(id, "desk-mail", payload); }
  void start(config::WebhookConfig hook) { DeliveryFixture::start({std::move(hook)}); }

  TestPki pki_{dir_.path()};
  TlsIdentity identity_ = pki_.issue("smtp", {"DNS:localhost", "IP:127.0.0.1"});
  std::unique_ptr<SmtpServer> server_;
};

const json* part_of(const json& message, const std::string& type) {
  for (const auto& part : message["parts"])
    if (part["content_type"] == type) return &part;
  return nullptr;
}

}  // namespace

TEST_F(EmailDelivery, SendsAMultipartMessageOverStartTlsWithAuth) {
  start_server();
  enqueue("na_0123456789abcdef0123456789abcdef", alert_payload("na_0123456789abcdef0123456789abcdef",
                                                               kActor + " meets " + kOther + " in Tehran"));
  start(mail_hook("desk@example.org"));
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto messages = server_->messages();
  ASSERT_EQ(messages.size(), 1u);
  const json& m = messages[0];
  EXPECT_TRUE(m["tls"].get<bool>());
  EXPECT_EQ(m["auth_user"], "alerts");
  EXPECT_EQ(m["mail_from"], "alerts@example.org");
  EXPECT_EQ(m["rcpt_tos"], json::array({"desk@example.org"}));
  EXPECT_EQ(m["defects"], json::array());
  const json& h = m["headers"];
  EXPECT_EQ(h["Subject"], "iran-turkey: " + kActor + " meets " + kOther + " in Tehran");
  EXPECT_EQ(h["From"], "Nachrichten Wächter <alerts@example.org>");
  EXPECT_EQ(h["To"], "Desk <desk@example.org>");
  EXPECT_EQ(h["Message-ID"], "<na_0123456789abcdef0123456789abcdef@example.org>");
  EXPECT_EQ(h["MIME-Version"], "1.0");
  EXPECT_TRUE(m["date_valid"].get<bool>());
  // On the wire the non-ASCII subject travels as RFC 2047 encoded words, each at most 75 characters.
  const std::string raw_subject = m["raw_headers"]["Subject"];
  EXPECT_TRUE(raw_subject.starts_with("=?UTF-8?B?")) << raw_subject;
  std::istringstream words(raw_subject);
  for (std::string word; words >> word;) EXPECT_LE(word.size(), 75u) << word;
  EXPECT_EQ(m["content_type"], "multipart/alternative");

  const json* text = part_of(m, "text/plain");
  const json* html = part_of(m, "text/html");
  ASSERT_NE(text, nullptr);
  ASSERT_NE(html, nullptr);
  EXPECT_EQ((*text)["charset"], "utf-8");
  const std::string text_body = (*text)["content"];
  const std::string html_body = (*html)["content"];
  EXPECT_NE(text_body.find("Actors: " + kActor + ", " + kOther), std::string::npos) << text_body;
  EXPECT_NE(text_body.find("https://news.example.org/a/na_0123456789abcdef0123456789abcdef"), std::string::npos);
  EXPECT_NE(html_body.find("<strong>" + kActor + ", " + kOther + "</strong>"), std::string::npos) << html_body;
  EXPECT_NE(html_body.find("<a href=\"https://news.example.org/a/na_0123456789abcdef0123456789abcdef\">"),
            std::string::npos);
  // The feed's markup is text in the HTML part, not markup.
  EXPECT_NE(html_body.find("&lt;b&gt;resumed&lt;/b&gt;"), std::string::npos) << html_body;
}

TEST_F(EmailDelivery, TemporaryRefusalIsRetriedAndThenDelivered) {
  start_server();
  enqueue("na_t", alert_payload("na_t", "Retry me"));
  start(mail_hook("tempfail@example.org"));
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto events = server_->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["event"], "refused");
  EXPECT_EQ(events[0]["code"], 451);
  EXPECT_EQ(events[1]["event"], "message");
  // The retry is the same message: the same Message-ID.
  EXPECT_EQ(events[1]["headers"]["Message-ID"], "<na_t@example.org>");
  EXPECT_TRUE(reader().outbox().dead_letters().empty());
}

TEST_F(EmailDelivery, PermanentRefusalBecomesADeadLetterWithTheServersWords) {
  start_server();
  enqueue("na_r", alert_payload("na_r", "Refuse me"));
  start(mail_hook("reject@example.org"));
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  const auto dead = reader().outbox().dead_letters();
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(dead[0].last_error, "SMTP 550 5.1.1 <reject@example.org>: Recipient address rejected (answer to RCPT TO)");
  EXPECT_TRUE(server_->messages().empty());
}

TEST_F(EmailDelivery, WrongPasswordIsRefusedForGood) {
  start_server();
  enqueue("na_p", alert_payload("na_p", "Wrong password"));
  auto hook = mail_hook("desk@example.org");
  hook.email.password = "not it";
  start(hook);
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error,
            "SMTP 535 5.7.8 Authentication credentials invalid (answer to AUTH)");
  EXPECT_TRUE(server_->messages().empty());
}

TEST_F(EmailDelivery, ServerWithoutStartTlsIsNotSentToInClearText) {
  start_server(/*tls=*/false);
  enqueue("na_c", alert_payload("na_c", "No TLS"));
  start(mail_hook("desk@example.org"));
  ASSERT_TRUE(eventually([&] {
    const auto due = reader().outbox().due("desk-mail", Clock::now() + 1h, 1);
    return !due.empty() && due[0].attempts > 0;
  }));
  EXPECT_EQ(reader().outbox().due("desk-mail", Clock::now() + 1h, 1)[0].last_error,
            "Requested SSL level failed: STARTTLS not supported. (the server offers no STARTTLS: use smtps:// if it "
            "speaks implicit TLS, or starttls: false for a relay on a trusted network)");
  EXPECT_TRUE(server_->messages().empty());
  EXPECT_TRUE(reader().outbox().dead_letters().empty());   // a server fixed later still gets it
}

TEST_F(EmailDelivery, DigestIsOneMessageListingEveryAlert) {
  start_server();
  const json digest = {{"id", "na_d"},
                       {"type", "digest"},
                       {"watchlist", "iran-turkey"},
                       {"alerts",
                        {json::parse(alert_payload("na_1", "First story about " + kActor)),
                         json::parse(alert_payload("na_2", "Second story about " + kOther)),
                         json::parse(alert_payload("na_3", "Third story"))}},
                       {"detected_at", "2026-12-03T11:00:00Z"}};
  enqueue("na_d", digest.dump());
  start(mail_hook("desk@example.org"));
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto messages = server_->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["headers"]["Subject"], "3 more alerts for iran-turkey");
  const std::string text = (*part_of(messages[0], "text/plain"))["content"];
  const std::string html = (*part_of(messages[0], "text/html"))["content"];
  for (const std::string& title : {"First story about " + kActor, "Second story about " + kOther, std::string("Third story")}) {
    EXPECT_NE(text.find("- " + title), std::string::npos) << text;
    EXPECT_NE(html.find(">" + title + "</a></li>"), std::string::npos) << html;
  }
}

TEST_F(EmailDelivery, SmtpsSpeaksTlsFromTheFirstByteAndVerifiesTheCertificate) {
  start_server(/*tls=*/true, /*implicit_tls=*/true);
  enqueue("na_s", alert_payload("na_s", "Implicit TLS"));
  enqueue("na_u", alert_payload("na_u", "Unknown CA"));
  auto trusted = mail_hook("desk@example.org");
  ASSERT_TRUE(trusted.url.starts_with("smtps://"));
  // The same server under a second name whose config trusts only the system's CAs, not the test CA.
  auto untrusted = trusted;
  untrusted.name = "other-mail";
  untrusted.tls.ca_file.clear();
  reader().outbox().enqueue({{"na_u", "other-mail", "w", alert_payload("na_u", "Unknown CA")}}, Clock::now());
  DeliveryFixture::start({trusted, untrusted});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 2; }));
  ASSERT_TRUE(eventually([&] {
    const auto due = reader().outbox().due("other-mail", Clock::now() + 1h, 1);
    return !due.empty() && due[0].attempts > 0;
  }));
  const auto messages = server_->messages();
  ASSERT_EQ(messages.size(), 2u);   // na_s and na_u through the trusting webhook
  EXPECT_TRUE(messages[0]["tls"].get<bool>());
  EXPECT_EQ(messages[0]["auth_user"], "alerts");
  EXPECT_TRUE(reader().outbox().due("other-mail", Clock::now() + 1h, 1)[0].last_error.starts_with(
      "SSL peer certificate or SSH remote key was not OK"))
      << reader().outbox().due("other-mail", Clock::now() + 1h, 1)[0].last_error;
}
