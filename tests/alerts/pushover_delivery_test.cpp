// Pushover delivery against a loopback Message API written from Pushover's documentation: the
// message has the documented fields, limits and HTML tags with feed text escaped, a 400 is a dead
// letter with Pushover's errors, 429 and 5xx are retried, and a lost answer posts twice (Pushover
// has no idempotency key).
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/pushover_api.hpp"

#include <gmock/gmock.h>

using namespace newsalert;
using namespace newsalert::testing;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

const std::string kToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const std::string kUser = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";

class PushoverDelivery : public DeliveryFixture {
 protected:
  ~PushoverDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& user = kUser) {
    auto w = api_hook("phone", config::WebhookFormat::pushover, server_.url("/"), kToken);
    w.user = user;
    return w;
  }

  HttpServer server_;
  PushoverApi api_{server_, kToken, kUser};
};

}  // namespace

TEST_F(PushoverDelivery, AlertIsAnHtmlMessageWithTheDocumentedFieldsAndFeedTextEscaped) {
  enqueue("na_1", "phone",
          chat_alert("na_1", "Erdoğan <b>meets</b> Khamenei", "https://x.example/a?b=1&c=2",
                     "He said <a href=\"javascript:x\">no</a> & left"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const auto messages = api_.messages();
  ASSERT_EQ(messages.size(), 1u);
  const PushoverMessage& m = messages[0];
  EXPECT_EQ(m.at("token"), kToken);
  EXPECT_EQ(m.at("user"), kUser);
  EXPECT_EQ(m.at("title"), "Erdoğan <b>meets</b> Khamenei");   // the title is plain text
  EXPECT_EQ(m.at("html"), "1");
  EXPECT_EQ(m.at("url"), "https://x.example/a?b=1&c=2");
  EXPECT_EQ(m.at("url_title"), "Read the story");
  EXPECT_EQ(m.at("timestamp"), "1796292000");
  EXPECT_FALSE(m.contains("priority"));
  EXPECT_EQ(m.at("message"),
            "<i>Watchlist iran-turkey</i>\nActors: <b>Recep Tayyip Erdoğan, علی خامنه‌ای</b>\nRegions: <b>Iran</b>\n"
            "He said &lt;a href=&quot;javascript:x&quot;&gt;no&lt;/a&gt; &amp; left\n"
            "<font color=\"#888888\">Wire &amp; &lt;Co&gt;, 2026-12-03T10:00:00Z</font>");
  EXPECT_THAT(PushoverApi::html_problems(m.at("message")), ::testing::IsEmpty());
  EXPECT_EQ(server_.requests("/1/messages.json").at(0).header("content-type"), "application/x-www-form-urlencoded");
}

TEST_F(PushoverDelivery, ALongTitleAndADigestStayWithinTheDocumentedLimits) {
  enqueue("na_long", "phone", chat_alert("na_long", std::string(400, 'x') + " ğ", "https://x.example/" + std::string(600, 'p')));
  json alerts = json::array();
  for (int i = 0; i < 100; ++i)
    alerts.push_back(json::parse(chat_alert("na_" + std::to_string(i), "story <" + std::to_string(i) + ">",
                                            "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "phone",
          json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}
              .dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 2; })) << ::testing::PrintToString(api_.refusals());
  const auto messages = api_.messages();
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& m : messages) {
    EXPECT_LE(character_count(m.at("message")), 1024u);
    EXPECT_LE(character_count(m.at("title")), 250u);
  }
  const auto& digest = messages[0].at("title") == "100 more alerts for w" ? messages[0] : messages[1];
  EXPECT_EQ(digest.at("title"), "100 more alerts for w");
  EXPECT_THAT(digest.at("message"), HasSubstr("• <a href=\"https://x.example/0\">story &lt;0&gt;</a>"));
  EXPECT_THAT(digest.at("message"), ::testing::ContainsRegex("… and [0-9]+ more$"));
  const auto& long_one = messages[0].at("title") == "100 more alerts for w" ? messages[1] : messages[0];
  EXPECT_FALSE(long_one.contains("url")) << "a link over 512 characters is left out";
}

TEST_F(PushoverDelivery, AConfiguredPriorityIsSent) {
  auto w = hook();
  w.priority = "1";
  enqueue("na_p", "phone", chat_alert("na_p", "Urgent", "https://x.example/p"));
  start({w});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  EXPECT_EQ(api_.messages().at(0).at("priority"), "1");
}

TEST_F(PushoverDelivery, TooManyRequestsAndServerErrorsAreRetried) {
  api_.rate_limit(1);
  api_.fail(1);
  enqueue("na_r", "phone", chat_alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/1/messages.json"), 3u);
  EXPECT_EQ(api_.messages().size(), 1u);
}

TEST_F(PushoverDelivery, ARefusalIsADeadLetterWithPushoversErrors) {
  enqueue("na_bad", "phone", chat_alert("na_bad", "Wrong user", "https://x.example/b"));
  start({hook("gznej3rKEVAvPUxu9vvNnqpmZpokzF")});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(server_.count("/1/messages.json"), 1u);
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error, "HTTP 400: user identifier is invalid");
}

TEST_F(PushoverDelivery, AnAnswerLostAfterTheMessageWasTakenPostsTwiceForPushoverHasNoIdempotencyKey) {
  api_.drop_answers(1);
  enqueue("na_lost", "phone", chat_alert("na_lost", "Lost answer", "https://x.example/l"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(api_.messages().size(), 2u);
}

TEST(PushoverApiReceiver, ListsWhatIsWrongWithAMessage) {
  EXPECT_THAT(PushoverApi::problems({{"token", "short"}, {"message", " "}, {"title", std::string(251, 't')},
                                     {"url_title", "x"}, {"priority", "2"}}),
              ::testing::ElementsAre("application token is invalid",
                                     "user identifier is not a valid user, group, or subscribed user key",
                                     "message cannot be blank", "title is too long (at most 250 characters)",
                                     "retry and expire are required for emergency priority", "url_title given without a url"));
  EXPECT_THAT(PushoverApi::html_problems("<b>a</i> & <script>x</script> <a href=\"javascript:y\">z</a> <u>"),
              ::testing::ElementsAre("message closes a tag that is not open: </i>", "message contains a bare '&'",
                                     "message contains a tag Pushover does not support: <script>",
                                     "message closes a tag that is not open: </script>",
                                     "message contains a tag Pushover does not support: <a href=\"javascript:y\">",
                                     "message closes a tag that is not open: </a>", "message leaves <u> unclosed"));
  EXPECT_THAT(PushoverApi::html_problems("<b>x</b> &amp; <font color=\"#ff0000\">y</font> <a href=\"https://e.org/\">z</a>"),
              ::testing::IsEmpty());
}
