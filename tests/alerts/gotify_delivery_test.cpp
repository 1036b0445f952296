// Gotify delivery against a loopback server written from Gotify's API documentation: the message
// has the documented fields and extras, the token travels only in X-Gotify-Key, feed text cannot
// make a link or markup in the Markdown, 4xx answers are dead letters with Gotify's error text,
// and 429 and 5xx are retried.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/gotify_server.hpp"
#include "tests/support/http_server.hpp"

#include <gmock/gmock.h>

using namespace newsalert;
using namespace newsalert::testing;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

const std::string kToken = "AbCdEf.GhIjKl1";

class GotifyDelivery : public DeliveryFixture {
 protected:
  ~GotifyDelivery() override { stop(); }

  config::WebhookConfig hook(const std::string& token = kToken) {
    return api_hook("gotify", config::WebhookFormat::gotify, server_.url("/"), token);
  }

  HttpServer server_;
  GotifyServer gotify_{server_, kToken};
};

}  // namespace

TEST_F(GotifyDelivery, AlertIsAMarkdownMessageWithTheStoryAsClickTargetAndTheTokenInAHeader) {
  enqueue("na_1", "gotify", chat_alert("na_1", "Erdoğan meets Khamenei", "https://x.example/a_(b)"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(gotify_.refusals());
  const auto messages = gotify_.messages();
  ASSERT_EQ(messages.size(), 1u);
  const json& m = messages[0].message;
  EXPECT_EQ(m["title"], "Erdoğan meets Khamenei");
  EXPECT_FALSE(m.contains("priority")) << "the application's default priority applies";
  EXPECT_EQ(m["extras"]["client::display"]["contentType"], "text/markdown");
  EXPECT_EQ(m["extras"]["client::notification"]["click"]["url"], "https://x.example/a_%28b%29");
  EXPECT_EQ(m["message"],
            "_Watchlist iran-turkey_\n\nActors: **Recep Tayyip Erdoğan, علی خامنه‌ای**\n\nRegions: **Iran**\n\n"
            "> He said \\<b\\>no\\</b\\> \\& left\n\n[Read the story](https://x.example/a_%28b%29)\n\n"
            "_Wire \\& \\<Co\\>, 2026-12-03T10:00:00Z_");
  EXPECT_THAT(messages[0].links, ::testing::ElementsAre("https://x.example/a_%28b%29"));
  const auto requests = server_.requests("/message");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/message") << "the token stays out of the URL";
  EXPECT_EQ(requests[0].header("x-gotify-key"), kToken);
}

TEST_F(GotifyDelivery, FeedTextMakesNoLinkImageOrMarkup) {
  enqueue("na_h", "gotify",
          chat_alert("na_h", "t", "https://x.example/ok",
                     "see [bank](https://evil.example) ![x](https://evil.example/i.png) <https://evil.example> "
                     "HTTPS://evil.example www.evil.example WWW.evil.example mail@evil.example *b* # h"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(gotify_.refusals());
  const auto messages = gotify_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_THAT(messages[0].links, ::testing::ElementsAre("https://x.example/ok")) << messages[0].message["message"];
  EXPECT_THAT(messages[0].message["message"].get<std::string>(), HasSubstr("\\*b\\*"));
}

TEST_F(GotifyDelivery, AConfiguredPriorityIsSent) {
  auto w = hook();
  w.priority = "8";
  enqueue("na_p", "gotify", chat_alert("na_p", "Urgent", "https://x.example/p"));
  start({w});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(gotify_.refusals());
  EXPECT_EQ(gotify_.messages().at(0).message["priority"], 8);
}

TEST_F(GotifyDelivery, TooManyRequestsAndServerErrorsAreRetried) {
  gotify_.rate_limit(1);
  gotify_.fail(1);
  enqueue("na_r", "gotify", chat_alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count("/message"), 3u);
  EXPECT_EQ(gotify_.messages().size(), 1u);
}

TEST_F(GotifyDelivery, AWrongTokenIsADeadLetterWithGotifysErrorText) {
  enqueue("na_bad", "gotify", chat_alert("na_bad", "Wrong token", "https://x.example/b"));
  start({hook("AWrongToken.123")});
  ASSERT_TRUE(eventually([&] { return reader().outbox().dead_letters().size() == 1; }));
  EXPECT_EQ(server_.count("/message"), 1u);
  EXPECT_EQ(reader().outbox().dead_letters()[0].last_error,
            "HTTP 401: Unauthorized: you need to provide a valid access token or user credentials to access this api");
}

TEST_F(GotifyDelivery, ADigestListsItsStoriesAsLinks) {
  json alerts = json::array();
  for (int i = 0; i < 60; ++i)
    alerts.push_back(json::parse(chat_alert("na_" + std::to_string(i), "story " + std::to_string(i), "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "gotify",
          json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}
              .dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; })) << ::testing::PrintToString(gotify_.refusals());
  const auto messages = gotify_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message["title"], "60 more alerts for w");
  EXPECT_EQ(messages[0].links.size(), 50u);
  EXPECT_THAT(messages[0].message["message"].get<std::string>(), HasSubstr("\n\n… and 10 more"));
  EXPECT_FALSE(messages[0].message["extras"].contains("client::notification"));
}

TEST(GotifyServerReceiver, ListsWhatIsWrongWithAMessageAndReadsOutLinks) {
  EXPECT_THAT(GotifyServer::problems(json::parse(R"({"title": 1, "priority": "high",
      "extras": {"client::display": {"contentType": "text/html"}, "client::notification": {"click": "x"}}})")),
              ::testing::ElementsAre("Field 'message' is required", "Field 'title' must be a string",
                                     "Field 'priority' must be an integer",
                                     "client::display.contentType must be text/plain or text/markdown",
                                     "client::notification.click.url must be a string"));
  EXPECT_THAT(GotifyServer::markdown_links("[a](https://a.example) \\[b\\](x) ![i](https://i.example) <https://c.example> "
                                           "https://d.example http\\://e.example www.f.example www\\.g.example WWW.h.example"),
              ::testing::ElementsAre("https://a.example", "https://i.example", "https://c.example", "https://d.example",
                                     "www.f.example", "WWW.h.example"));
}
