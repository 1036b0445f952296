// Opsgenie delivery against a loopback Alert API written from Opsgenie's documentation: the
// create request has the documented fields within their limits and the GenieKey header, the alias
// makes a retry after a lost answer count on the one alert, and 422, 401 and 429 answers do what
// they say.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/opsgenie_alert_api.hpp"

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kKey = "eb243592-faa2-4ba2-a551-1afdf565c889";

class OpsgenieDelivery : public DeliveryFixture {
 protected:
  ~OpsgenieDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& key = kKey) {
    return api_hook("og", config::WebhookFormat::opsgenie, server_.url("/"), key);
  }

  HttpServer server_;
  OpsgenieAlertApi api_{server_, kKey};
};

}  // namespace

TEST_F(OpsgenieDelivery, AlertIsACreateRequestWithTheDocumentedFieldsAndTheAlertIdAsAlias) {
  enqueue("na_1", "og", chat_alert("na_1", "Erdoğan meets Khamenei in Tehran", "https://x.example/a?b=1&c=2"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const auto alerts = api_.alerts();
  ASSERT_EQ(alerts.size(), 1u);
  const json& r = alerts[0].request;
  EXPECT_EQ(r["message"], "Erdoğan meets Khamenei in Tehran");
  EXPECT_EQ(r["alias"], "na_1");
  EXPECT_EQ(r["source"], "Wire & <Co>");
  EXPECT_EQ(r["tags"], json::parse(R"(["iran-turkey", "Recep Tayyip Erdoğan", "علی خامنه‌ای", "Iran"])"));
  EXPECT_EQ(r["details"]["Actors"], "Recep Tayyip Erdoğan, علی خامنه‌ای");
  EXPECT_EQ(r["details"]["Regions"], "Iran");
  EXPECT_EQ(r["details"]["Link"], "https://x.example/a?b=1&c=2");
  const std::string description = r["description"];
  EXPECT_TRUE(description.starts_with("Erdoğan meets Khamenei in Tehran\nhttps://x.example/a?b=1&c=2\n")) << description;
  EXPECT_NE(description.find("Actors: Recep Tayyip Erdoğan, علی خامنه‌ای\n"), std::string::npos);
  EXPECT_NE(description.find("He said <b>no</b> & left"), std::string::npos);
  EXPECT_NE(description.find("Wire & <Co>, 2026-12-03T10:00:00Z"), std::string::npos);
  EXPECT_EQ(server_.requests("/v2/alerts").at(0).header("authorization"), "GenieKey " + kKey);
}

TEST_F(OpsgenieDelivery, AnAnswerLostAfterTheAlertWasTakenIsRetriedAndCountsOnTheSameAlert) {
  api_.drop_answers(1);
  enqueue("na_lost", "og", chat_alert("na_lost", "Lost answer", "https://x.example/l"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/v2/alerts"), 2u);
  const auto alerts = api_.alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 2);
}

TEST_F(OpsgenieDelivery, LongFieldsAreClippedToTheDocumentedLimits) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "ğ";
  enqueue("na_long", "og", chat_alert("na_long", title, "https://x.example/long"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const std::string message = api_.alerts().at(0).request["message"];
  // 130 characters: 127 of the title and "..."; two bytes each.
  EXPECT_EQ(message.size(), 127u * 2 + 3);
}

TEST_F(OpsgenieDelivery, AWrongKeyIsADeadLetterAndTooManyRequestsIsRetried) {
  api_.rate_limit(1);
  enqueue("na_r", "og", chat_alert("na_r", "Rate limited", "https://x.example/r"));
  enqueue("na_k", "wrong", chat_alert("na_k", "Wrong key", "https://x.example/k"));
  auto wrong = hook("00000000-0000-0000-0000-000000000000");
  wrong.name = "wrong";
  start({hook(), wrong});
  ASSERT_TRUE(eventually([&] {
    return reader().outbox().delivered_count() == 1 && reader().outbox().dead_letters().size() == 1;
  }));
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error, "HTTP 401: Could not authenticate");
  EXPECT_EQ(api_.alerts().size(), 1u);
  // The wrong key's one attempt, the 429 and its retry.
  EXPECT_EQ(server_.count("/v2/alerts"), 3u);
}

TEST(OpsgenieAlertApiReceiver, NamesEachFieldThatBreaksTheDocumentedRules) {
  const auto problems = OpsgenieAlertApi::problems(json::parse(
      R"({"message": "", "alias": 5, "tags": ["ok", ""], "details": {"a": 1}, "priority": "P9", "source": ")" +
      std::string(101, 's') + "\"}"));
  EXPECT_EQ(problems, (std::map<std::string, std::string>{
                          {"alias", "alias should be a string."},
                          {"details", "Details should be a map of strings."},
                          {"message", "Message can not be empty."},
                          {"priority", "Priority should be one of [P1, P2, P3, P4, P5]."},
                          {"source", "source can not be longer than 100 characters."},
                          {"tags", "Each tag should be a string of 1 to 50 characters."}}));
}

TEST_F(OpsgenieDelivery, AConfiguredPriorityIsSentAndNoneLeavesOpsgeniesDefault) {
  auto urgent = hook();
  urgent.name = "og-p1";
  urgent.priority = "P1";
  enqueue("na_p", "og-p1", chat_alert("na_p", "Urgent", "https://x.example/p"));
  enqueue("na_d", "og", chat_alert("na_d", "Default", "https://x.example/d"));
  start({urgent, hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 2; })) << ::testing::PrintToString(api_.refusals());
  for (const auto& alert : api_.alerts()) {
    if (alert.request["alias"] == "na_p") EXPECT_EQ(alert.request["priority"], "P1");
    else EXPECT_FALSE(alert.request.contains("priority"));
  }
  EXPECT_EQ(api_.alerts().size(), 2u);
}
