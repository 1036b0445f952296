// Mattermost delivery against a loopback incoming webhook written from Mattermost's documentation:
// the post's Markdown shows the story with feed text escaped, notifies nobody (no @mention, no
// ~channel link from a title), a digest stays within a post's 16,383 characters, and a 429 is
// retried.
#include "tests/alerts/delivery_fixture.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/mattermost_webhook.hpp"

#include <gmock/gmock.h>

using namespace newsalert;
using namespace newsalert::testing;
using nlohmann::json;

namespace {

const std::string kPath = "/hooks/xyz-generatedkey";

class MattermostDelivery : public DeliveryFixture {
 protected:
  ~MattermostDelivery() override { stop(); }

  config::WebhookConfig hook() {
    auto w = api_hook("mm", config::WebhookFormat::mattermost, server_.url(kPath), "");
    w.token.reset();
    return w;
  }

  HttpServer server_;
  MattermostWebhook webhook_{server_, kPath};
};

}  // namespace

TEST_F(MattermostDelivery, AlertIsMarkdownWithFeedTextEscapedAndNotifiesNobody) {
  enqueue("na_1", "mm",
          chat_alert("na_1", "@channel *Erdoğan* [meets](x) ~town-square @all", "https://x.example/a_(b)",
                     "He said **no** & @here left"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(webhook_.refusals());
  const auto posts = webhook_.posts();
  ASSERT_EQ(posts.size(), 1u);
  const std::string zwsp = "\xE2\x80\x8B";
  EXPECT_TRUE(posts[0].text.starts_with("**[@" + zwsp + "channel \\*Erdoğan\\* \\[meets\\](x) \\~" + zwsp +
                                        "town-square @" + zwsp + "all](https://x.example/a_%28b%29)**\n"))
      << posts[0].text;
  EXPECT_THAT(posts[0].text, ::testing::HasSubstr("\nActors: **Recep Tayyip Erdoğan, علی خامنه‌ای**\n"));
  EXPECT_THAT(posts[0].text, ::testing::HasSubstr("\nRegions: **Iran**\n"));
  EXPECT_THAT(posts[0].text, ::testing::HasSubstr("\n> He said \\*\\*no\\*\\* & @" + zwsp + "here left\n"));
  EXPECT_THAT(posts[0].text, ::testing::HasSubstr("\n_Wire & \\<Co\\>, 2026-12-03T10:00:00Z_"));
  EXPECT_TRUE(posts[0].mentions.empty()) << ::testing::PrintToString(posts[0].mentions);
  EXPECT_TRUE(posts[0].channel_links.empty()) << ::testing::PrintToString(posts[0].channel_links);
}

TEST_F(MattermostDelivery, ALongDigestStaysWithinAPostAndCountsWhatIsLeftOut) {
  json alerts = json::array();
  for (int i = 0; i < 300; ++i)
    alerts.push_back(json::parse(chat_alert("na_" + std::to_string(i), std::string(100, 'x') + " story " + std::to_string(i),
                                            "https://x.example/" + std::to_string(i))));
  enqueue("na_d", "mm",
          json{{"id", "na_d"}, {"type", "digest"}, {"watchlist", "w"}, {"alerts", alerts}, {"detected_at", "2026-12-03T10:00:00Z"}}
              .dump());
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }))
      << ::testing::PrintToString(webhook_.refusals());
  const std::string text = webhook_.posts().at(0).text;
  EXPECT_THAT(text, ::testing::HasSubstr("\n- [" + std::string(100, 'x') + " story 0](https://x.example/0)\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("story 299")));
  EXPECT_THAT(text, ::testing::HasSubstr(" more"));
}

TEST_F(MattermostDelivery, TooManyRequestsIsRetried) {
  webhook_.rate_limit(1);
  enqueue("na_r", "mm", chat_alert("na_r", "Rate limited", "https://x.example/r"));
  start({hook()});
  ASSERT_TRUE(eventually([&] { return reader().outbox().delivered_count() == 1; }));
  EXPECT_EQ(server_.count(kPath), 2u);
}

TEST(MattermostWebhookReceiver, ReadsMentionsAndChannelLinksAsMattermostWould) {
  EXPECT_EQ(MattermostWebhook::references("hi @channel and a@b.c @bob, ", '@'),
            (std::vector<std::string>{"@channel", "@bob"}));
  EXPECT_EQ(MattermostWebhook::references("@\xE2\x80\x8B" "channel ~town-square", '@'), std::vector<std::string>{});
  EXPECT_EQ(MattermostWebhook::references("see ~town-square", '~'), std::vector<std::string>{"~town-square"});
}
