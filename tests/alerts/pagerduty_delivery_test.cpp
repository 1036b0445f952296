// PagerDuty delivery against a loopback Events API v2 written from PagerDuty's documentation: the
// event has the documented shape and limits, its dedup_key makes a retry after a lost answer fold
// into the one alert, a 400 is a dead letter with PagerDuty's reasons, and a 429 is retried.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/pagerduty_events_api.hpp"

#include <gmock/gmock.h>

#include <algorithm>

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kRoutingKey = "e93facc04764012d7bfb002500d5d1a6";

class PagerDutyDelivery : public DeliveryFixture {
 protected:
  ~PagerDutyDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& routing_key = kRoutingKey) {
    return api_hook("pd", config::WebhookFormat::pagerduty, server_.url("/"), routing_key);
  }

  HttpServer server_;
  PagerDutyEventsApi api_{server_};
};

}  // namespace

TEST_F(PagerDutyDelivery, AlertIsATriggerEventWithTheDocumentedFieldsAndTheAlertIdAsDedupKey) {
  enqueue("na_1", "pd", chat_alert("na_1", "Erdoğan meets Khamenei in Tehran", "https://x.example/a?b=1&c=2"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  const auto alerts = api_.alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].routing_key, kRoutingKey);
  EXPECT_EQ(alerts[0].dedup_key, "na_1");
  const json& event = alerts[0].event;
  EXPECT_EQ(event["event_action"], "trigger");
  EXPECT_EQ(event["payload"]["summary"],
            "iran-turkey: Erdoğan meets Khamenei in Tehran (Recep Tayyip Erdoğan, علی خامنه‌ای; Iran)");
  EXPECT_EQ(event["payload"]["source"], "Wire & <Co>");
  EXPECT_EQ(event["payload"]["severity"], "warning");
  EXPECT_EQ(event["payload"]["timestamp"], "2026-12-03T10:00:00Z");
  EXPECT_EQ(event["payload"]["group"], "iran-turkey");
  const json& details = event["payload"]["custom_details"];
  EXPECT_EQ(details["actors"], "Recep Tayyip Erdoğan, علی خامنه‌ای");
  EXPECT_EQ(details["regions"], "Iran");
  EXPECT_EQ(details["snippet"], "He said <b>no</b> & left");
  EXPECT_EQ(details["link"], "https://x.example/a?b=1&c=2");
  EXPECT_EQ(event["links"], json::parse(R"([{"href": "https://x.example/a?b=1&c=2", "text": "Read the story"}])"));
  EXPECT_EQ(server_.requests("/v2/enqueue").at(0).header("content-type"), "application/json");
}

TEST_F(PagerDutyDelivery, AnAnswerLostAfterTheEventWasTakenIsRetriedAndFoldsIntoTheSameAlert) {
  api_.drop_answers(1);
  enqueue("na_lost", "pd", chat_alert("na_lost", "Lost answer", "https://x.example/l"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/v2/enqueue"), 2u);
  const auto alerts = api_.alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].triggers, 2);
}

TEST_F(PagerDutyDelivery, TooManyRequestsIsRetried) {
  api_.rate_limit(1);
  enqueue("na_r", "pd", chat_alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/v2/enqueue"), 2u);
  EXPECT_EQ(api_.alerts().size(), 1u);
}

TEST_F(PagerDutyDelivery, AnInvalidEventIsADeadLetterWithPagerDutysReasons) {
  enqueue("na_bad", "pd", chat_alert("na_bad", "Bad key", "https://x.example/b"));
  start({hook("too-short")});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(server_.count("/v2/enqueue"), 1u);
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error,
            "HTTP 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)");
}

TEST_F(PagerDutyDelivery, ALongTitleAndADigestStayWithinTheSummaryLimit) {
  enqueue("na_long", "pd", chat_alert("na_long", std::string(1500, 'x') + " ğ", "https://x.example/long"));
  json alerts = json::array();
  for (int i = 0; i < 300; ++i)
    alerts.push_back(json::parse(chat_alert("na_" + std::to_string(i), "story " + std::to_string(i), "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "pd",
          json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}
              .dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 2; })) << ::testing::PrintToString(api_.refusals());
  const auto alerts_seen = api_.alerts();
  const auto digest = std::find_if(alerts_seen.begin(), alerts_seen.end(), [](const auto& a) { return a.dedup_key == "na_d"; });
  ASSERT_NE(digest, alerts_seen.end());
  EXPECT_EQ(digest->event["payload"]["summary"], "300 more alerts for w");
  EXPECT_EQ(digest->event["payload"]["source"], "newsalert");
  EXPECT_EQ(digest->event["payload"]["custom_details"]["stories"].size(), 50u);
  EXPECT_EQ(digest->event["payload"]["custom_details"]["stories_left_out"], 250);
}

TEST(PagerDutyEventsApiReceiver, ListsWhatIsWrongWithAnEvent) {
  EXPECT_THAT(PagerDutyEventsApi::problems(json::parse(R"({"routing_key": "x", "event_action": "trigger",
      "payload": {"summary": "", "severity": "bad", "timestamp": "yesterday"}, "links": [{"text": "no href"}]})")),
              ::testing::ElementsAre("Length of 'routing_key' is incorrect (should be 32 characters)",
                                     "'payload.summary' is missing or blank", "'payload.source' is missing or blank",
                                     "'payload.severity' must be one of critical, error, warning or info",
                                     "'payload.timestamp' is not an ISO 8601 date and time",
                                     "each of 'links' needs an 'href' (and a string 'text')"));
}

TEST_F(PagerDutyDelivery, AConfiguredSeverityReplacesWarning) {
  auto w = hook();
  w.priority = "critical";
  enqueue("na_c", "pd", chat_alert("na_c", "Critical", "https://x.example/c"));
  start({w});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(api_.refusals());
  ASSERT_EQ(api_.alerts().size(), 1u);
  EXPECT_EQ(api_.alerts()[0].event["payload"]["severity"], "critical");
}
