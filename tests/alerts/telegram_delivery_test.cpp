// Telegram delivery against a loopback Bot API written from Telegram's documentation: the
// receiver refuses what the Bot API would refuse (markup outside its HTML style, more than 4,096
// characters, an unknown chat), and its retry_after is honoured.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/telegram_bot_api.hpp"

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kToken = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const std::string kChat = "-1001234567890";

std::string alert(const std::string& id, const std::string& title, const std::string& link) {
  return chat_alert(id, title, link, "He said <b>no</b> & left 😀");
}

class TelegramDelivery : public DeliveryFixture {
 protected:
  ~TelegramDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& chat = kChat) {
    auto w = api_hook("tg", config::WebhookFormat::telegram, server_.url("/"), kToken);
    w.chat_id = chat;
    return w;
  }

  HttpServer server_;
  TelegramBotApi api_{server_, kToken, {kChat}};
};

}  // namespace

TEST_F(TelegramDelivery, AlertIsSentAsDocumentedHtmlWithFeedTextEscaped) {
  enqueue("na_1", "tg", alert("na_1", "Erdoğan <script>alert(1)</script> & Khamenei", "https://x.example/a?b=1&c=2"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const auto messages = api_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].chat_id, kChat);
  EXPECT_TRUE(messages[0].html.starts_with(
      "<b><a href=\"https://x.example/a?b=1&amp;c=2\">Erdoğan &lt;script&gt;alert(1)&lt;/script&gt; &amp; Khamenei</a></b>"))
      << messages[0].html;
  EXPECT_NE(messages[0].html.find("Actors: <b>Recep Tayyip Erdoğan, علی خامنه‌ای</b>"), std::string::npos);
  EXPECT_NE(messages[0].text.find("He said <b>no</b> & left"), std::string::npos) << messages[0].text;
  EXPECT_NE(messages[0].text.find("Wire & <Co>"), std::string::npos);
  EXPECT_TRUE(api_.refusals().empty());
}

TEST_F(TelegramDelivery, ALongDigestStaysWithinTheLimitAndCountsWhatIsLeftOut) {
  json alerts = json::array();
  for (int i = 0; i < 200; ++i)
    alerts.push_back(json::parse(alert("na_" + std::to_string(i), std::string(60, 'x') + " story " + std::to_string(i) + " 😀",
                                       "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "tg", json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}.dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const std::string text = api_.messages().at(0).text;
  EXPECT_NE(text.find("• " + std::string(60, 'x') + " story 0"), std::string::npos);
  EXPECT_NE(text.find(" more"), std::string::npos);
  EXPECT_EQ(text.find("story 199"), std::string::npos);
}

TEST_F(TelegramDelivery, RetryAfterFromTheBotApiIsHonoured) {
  api_.rate_limit(1, 1);
  enqueue("na_r", "tg", alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto requests = server_.requests("/bot" + kToken + "/sendMessage");
  ASSERT_EQ(requests.size(), 2u);
  // The schedule says 50 ms; the Bot API said one second.
  EXPECT_GE(requests[1].at - requests[0].at, 950ms);
  EXPECT_EQ(api_.refusals(), std::vector<std::string>{"Too Many Requests: retry after 1"});
}

TEST_F(TelegramDelivery, AnUnknownChatIsADeadLetterWithTheBotApisDescription) {
  enqueue("na_c", "tg", alert("na_c", "Nobody there", "https://x.example/c"));
  start({hook("-100999")});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error, "HTTP 400: Bad Request: chat not found");
}

TEST(TelegramBotApiReceiver, RefusesMarkupOutsideTheHtmlStyle) {
  std::string text, error;
  EXPECT_FALSE(TelegramBotApi::parse_html("<script>x</script>", text, error));
  EXPECT_EQ(error, "can't parse entities: unsupported start tag \"script\" at byte offset 0");
  EXPECT_FALSE(TelegramBotApi::parse_html("a & b", text, error));
  EXPECT_FALSE(TelegramBotApi::parse_html("<b>open", text, error));
  text.clear();
  EXPECT_TRUE(TelegramBotApi::parse_html("<b>a &lt; b</b> <a href=\"https://x\">l</a>", text, error)) << error;
  EXPECT_EQ(text, "a < b l");
}
