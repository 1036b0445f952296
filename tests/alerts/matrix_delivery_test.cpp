// Matrix delivery against a loopback homeserver written from the Client-Server API: the message's
// HTML is checked against the spec's tag list, a retry after a lost answer is the same transaction
// (one message), retry_after_ms is honoured, and the room id travels percent-encoded.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/matrix_homeserver.hpp"

using namespace newsalert;
using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kToken = "syt_bmV3c2FsZXJ0_FakeTokenForTests_0a1b2c";
const std::string kRoom = "!desk:example.org";
const std::string kSendPrefix = "/_matrix/client/v3/rooms/";

std::string alert(const std::string& id, const std::string& title, const std::string& link) {
  return chat_alert(id, title, link, "He said <b>no</b> & left @room");
}

class MatrixDelivery : public DeliveryFixture {
 protected:
  ~MatrixDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& room = kRoom, const std::string& token = kToken) {
    auto w = api_hook("matrix", config::WebhookFormat::matrix, server_.url("/"), token);
    w.room = room;
    return w;
  }

  std::vector<RecordedRequest> sends() const {
    auto all = server_.requests();
    std::erase_if(all, [](const RecordedRequest& r) { return !r.path.starts_with(kSendPrefix); });
    return all;
  }

  HttpServer server_;
  MatrixHomeserver homeserver_{server_, kToken, {kRoom, "!odd/room?x#y:example.org"}};
};

}  // namespace

TEST_F(MatrixDelivery, AlertIsAnHtmlMessageWithFeedTextEscapedAndTheAlertIdAsTransaction) {
  enqueue("na_1", "matrix", alert("na_1", "Erdoğan <script>alert(1)</script> & Khamenei", "https://x.example/a?b=1&c=2"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(homeserver_.refusals());
  const auto events = homeserver_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].room_id, kRoom);
  EXPECT_EQ(events[0].txn_id, "na_1");
  const json& content = events[0].content;
  const std::string html = content["formatted_body"];
  EXPECT_TRUE(html.starts_with("<b><a href=\"https://x.example/a?b=1&amp;c=2\">Erdoğan &lt;script&gt;alert(1)&lt;/script&gt; "
                               "&amp; Khamenei</a></b>"))
      << html;
  EXPECT_NE(html.find("Actors: <strong>Recep Tayyip Erdoğan, علی خامنه‌ای</strong>"), std::string::npos) << html;
  EXPECT_NE(html.find("Regions: <strong>Iran</strong>"), std::string::npos);
  EXPECT_NE(html.find("<blockquote>He said &lt;b&gt;no&lt;/b&gt; &amp; left @room</blockquote>"), std::string::npos);
  EXPECT_NE(html.find("<i>Wire &amp; &lt;Co&gt;, 2026-12-03T10:00:00Z</i>"), std::string::npos);
  const std::string body = content["body"];
  EXPECT_TRUE(body.starts_with("Erdoğan <script>alert(1)</script> & Khamenei\nhttps://x.example/a?b=1&c=2\n")) << body;
  EXPECT_EQ(content["m.mentions"], json::object());
  const auto requests = sends();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].path, kSendPrefix + "%21desk%3Aexample.org/send/m.room.message/na_1");
}

TEST_F(MatrixDelivery, AnAnswerLostAfterTheEventWasMadeIsRetriedAsTheSameTransactionAndPostsOnce) {
  homeserver_.drop_answers(1);
  enqueue("na_lost", "matrix", alert("na_lost", "Lost answer", "https://x.example/l"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(homeserver_.refusals());
  const auto requests = sends();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, requests[1].path);
  EXPECT_EQ(homeserver_.events().size(), 1u);
}

TEST_F(MatrixDelivery, RetryAfterMsFromTheHomeserverIsHonoured) {
  homeserver_.rate_limit(1, 1200);
  enqueue("na_r", "matrix", alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  const auto requests = sends();
  ASSERT_EQ(requests.size(), 2u);
  // The schedule says 50 ms; the homeserver said 1.2 s.
  EXPECT_GE(requests[1].at - requests[0].at, 1150ms);
  EXPECT_EQ(homeserver_.refusals(), std::vector<std::string>{"M_LIMIT_EXCEEDED: Too many requests"});
  EXPECT_EQ(homeserver_.events().size(), 1u);
}

TEST_F(MatrixDelivery, ARoomIdIsPercentEncodedInThePath) {
  enqueue("na_odd", "matrix", alert("na_odd", "Odd room", "https://x.example/o"));
  start({hook("!odd/room?x#y:example.org")});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(homeserver_.refusals());
  EXPECT_EQ(sends().at(0).path, kSendPrefix + "%21odd%2Froom%3Fx%23y%3Aexample.org/send/m.room.message/na_odd");
  EXPECT_EQ(homeserver_.events().at(0).room_id, "!odd/room?x#y:example.org");
}

TEST_F(MatrixDelivery, ARoomTheUserIsNotInAndAnUnknownTokenAreDeadLettersWithTheSpecsErrorCodes) {
  enqueue("na_room", "matrix", alert("na_room", "Nobody there", "https://x.example/c"));
  enqueue("na_token", "other", alert("na_token", "Wrong token", "https://x.example/t"));
  auto other = hook(kRoom, "syt_revoked");
  other.name = "other";
  start({hook("!elsewhere:example.org"), other});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 2; }));
  std::vector<std::string> errors;
  for (const auto& dead : reader().outbox().dead_letters()) errors.push_back(dead.last_error);
  std::sort(errors.begin(), errors.end());
  EXPECT_EQ(errors, (std::vector<std::string>{"HTTP 401: M_UNKNOWN_TOKEN: Unknown access token",
                                              "HTTP 403: M_FORBIDDEN: User is not in room !elsewhere:example.org"}));
}

TEST_F(MatrixDelivery, ALongDigestStaysWithinTheEventSizeLimitAndCountsWhatIsLeftOut) {
  json alerts = json::array();
  for (int i = 0; i < 400; ++i)
    alerts.push_back(json::parse(alert("na_" + std::to_string(i), std::string(200, 'x') + " story " + std::to_string(i) + " &",
                                       "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "matrix",
          json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}
              .dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(homeserver_.refusals());
  const json content = homeserver_.events().at(0).content;
  const std::string html = content["formatted_body"];
  EXPECT_NE(html.find("<li><a href=\"https://x.example/0\">" + std::string(200, 'x') + " story 0 &amp;</a></li>"),
            std::string::npos);
  EXPECT_EQ(html.find("story 399"), std::string::npos);
  EXPECT_NE(html.find(" more</p>"), std::string::npos);
  EXPECT_NE(content["body"].get<std::string>().find(" more\n"), std::string::npos);
}

TEST(MatrixHomeserverReceiver, RefusesHtmlOutsideTheSpecsTagListAndUnescapedText) {
  std::string error;
  EXPECT_FALSE(MatrixHomeserver::check_html("<script>x</script>", error));
  EXPECT_EQ(error, "tag <script> is not one the spec allows");
  EXPECT_FALSE(MatrixHomeserver::check_html("a & b", error));
  EXPECT_FALSE(MatrixHomeserver::check_html("<b>open", error));
  EXPECT_FALSE(MatrixHomeserver::check_html("<a href=\"javascript:alert(1)\">x</a>", error));
  EXPECT_TRUE(MatrixHomeserver::check_html("<b>a &lt; b</b><br><a href=\"https://x\">l</a>", error)) << error;
}
