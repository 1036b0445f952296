// Payload formats: the JSON contract checked against docs/webhook-payload.schema.json, the chat
// renderings checked for the fields each service requires, and the user template's escaping.
#include "alerts/formatter.hpp"
#include "alerts/payload.hpp"
#include "alerts/template.hpp"
#include "tests/support/json_schema.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::alerts;
using nlohmann::json;

namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1722513727));

Article sample_article() {
  Article a;
  a.feed_url = "http://wire.example/rss";
  a.feed_title = "Wire <World> & Co";
  a.id = "wire-1";
  a.title = "Iran\u2019s leader orders \"direct\" strike on <Israel>";
  a.link = "https://wire.example/world/iran?x=1&y=2";
  a.published = TimePoint(std::chrono::seconds(1722434520));
  return a;
}

match::Match sample_match() {
  match::Match m;
  m.watchlist = "iran-israel";
  m.actors = {{"Ali Khamenei", {"Ayatollah Ali Khamenei"}}, {"Hamas", {"Hamas"}}};
  m.regions = {{"Iran", {"Iran", "Tehran"}}, {"Israel", {"Israel"}}};
  m.score = 9.5;
  m.snippets = {"Iran's supreme leader, Ayatollah Ali Khamenei, ordered a strike..."};
  return m;
}

std::string alert_body() {
  const auto article = sample_article();
  return alert_payload(sample_match(), article, alert_id("iran-israel", article), kNow).dump();
}

std::string digest_body() {
  const auto alert = json::parse(alert_body());
  return digest_payload("iran-israel", digest_id("iran-israel", alert["id"]), {alert, alert}, kNow).dump();
}

std::string follow_up_body() {
  const std::string story = alert_id("iran-israel", sample_article());
  return follow_up_payload("iran-israel", follow_up_id(story), story, "Iran orders strike", "https://wire.example/a",
                           {{"http://b.example/rss", "Iran orders strike (AFP)", "https://b.example/a", kNow}}, kNow)
      .dump();
}

config::WebhookConfig hook(config::WebhookFormat format) {
  config::WebhookConfig w;
  w.name = "w";
  w.url = "http://127.0.0.1:9/hook";
  w.format = format;
  return w;
}

newsalert::testing::JsonSchema schema() { return newsalert::testing::JsonSchema::load(std::string(NEWSALERT_SOURCE_DIR) + "/docs/webhook-payload.schema.json"); }

}  // namespace

TEST(PayloadSchema, AlertDigestAndFollowUpPayloadsAreValid) {
  const newsalert::testing::JsonSchema s = schema();
  for (const auto& body : {alert_body(), digest_body(), follow_up_body()}) {
    const auto errors = s.validate(json::parse(body));
    EXPECT_TRUE(errors.empty()) << body << "\n" << (errors.empty() ? "" : errors.front());
  }
}

TEST(PayloadSchema, RejectsPayloadsThatBreakTheContract) {
  const newsalert::testing::JsonSchema s = schema();
  auto missing = json::parse(alert_body());
  missing.erase("detected_at");
  EXPECT_FALSE(s.validate(missing).empty());
  auto bad_id = json::parse(alert_body());
  bad_id["id"] = "alert-1";
  EXPECT_FALSE(s.validate(bad_id).empty());
  auto bad_type = json::parse(alert_body());
  bad_type["score"] = "high";
  EXPECT_FALSE(s.validate(bad_type).empty());
  auto extra = json::parse(alert_body());
  extra["article"]["surprise"] = 1;
  EXPECT_FALSE(s.validate(extra).empty());
  auto null_published = json::parse(alert_body());
  null_published["article"]["published"] = nullptr;
  EXPECT_TRUE(s.validate(null_published).empty());
}

TEST(Formatter, JsonSendsThePayloadUnchanged) {
  const auto body = format_body(hook(config::WebhookFormat::json), alert_body());
  EXPECT_EQ(body.body, alert_body());
  EXPECT_EQ(body.content_type, "application/json");
}

TEST(Formatter, SlackUsesBlockKitWithEscapedMrkdwn) {
  const auto out = json::parse(format_body(hook(config::WebhookFormat::slack), alert_body()).body);
  ASSERT_TRUE(out["text"].is_string());
  ASSERT_TRUE(out["blocks"].is_array());
  EXPECT_EQ(out["blocks"][0]["type"], "header");
  EXPECT_EQ(out["blocks"][0]["text"]["type"], "plain_text");
  EXPECT_EQ(out["blocks"][0]["text"]["text"], sample_article().title);   // plain_text: no escaping
  const std::string section = out["blocks"][1]["text"]["text"];
  EXPECT_NE(section.find("<https://wire.example/world/iran?x=1&amp;y=2|"), std::string::npos) << section;
  const std::string context = out["blocks"].back()["elements"][0]["text"];
  EXPECT_EQ(context, "Wire &lt;World&gt; &amp; Co");
}

TEST(Formatter, DiscordSendsOneEmbedWithinLimitsAndNoMentions) {
  auto long_article = sample_article();
  long_article.title = std::string(400, 'x');
  const auto payload = alert_payload(sample_match(), long_article, "na_00000000000000000000000000000000", kNow).dump();
  const auto out = json::parse(format_body(hook(config::WebhookFormat::discord), payload).body);
  ASSERT_EQ(out["embeds"].size(), 1u);
  const auto& embed = out["embeds"][0];
  EXPECT_LE(embed["title"].get<std::string>().size(), 256u);
  EXPECT_EQ(embed["url"], long_article.link);
  EXPECT_EQ(embed["fields"][0]["name"], "Actors");
  EXPECT_EQ(embed["fields"][0]["value"], "Ali Khamenei, Hamas");
  EXPECT_EQ(embed["timestamp"], "2024-08-01T12:02:07Z");
  EXPECT_TRUE(out["allowed_mentions"]["parse"].empty());
}

TEST(Formatter, TeamsSendsAnAdaptiveCardMessage) {
  const auto out = json::parse(format_body(hook(config::WebhookFormat::teams), alert_body()).body);
  EXPECT_EQ(out["type"], "message");
  const auto& attachment = out["attachments"][0];
  EXPECT_EQ(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(attachment["content"]["type"], "AdaptiveCard");
  EXPECT_EQ(attachment["content"]["body"][0]["text"], sample_article().title);
  EXPECT_EQ(attachment["content"]["actions"][0]["url"], sample_article().link);
}

TEST(Formatter, NtfySendsTextWithTitleAndClickHeaders) {
  const auto out = format_body(hook(config::WebhookFormat::ntfy), alert_body());
  EXPECT_EQ(out.content_type, "text/plain; charset=utf-8");
  std::map<std::string, std::string> headers(out.headers.begin(), out.headers.end());
  EXPECT_EQ(headers["Click"], sample_article().link);
  // Non-ASCII titles travel as an RFC 2047 encoded word.
  EXPECT_EQ(headers["Title"].rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(headers["Tags"], "iran-israel");
  EXPECT_NE(out.body.find("Actors: Ali Khamenei, Hamas"), std::string::npos);
}

TEST(Formatter, DigestsAndFollowUpsRenderInEveryChatFormat) {
  for (const auto format : {config::WebhookFormat::slack, config::WebhookFormat::discord, config::WebhookFormat::teams,
                            config::WebhookFormat::ntfy}) {
    // ntfy carries the heading in its Title header, the others in the body.
    const auto shown = [&](const std::string& payload) {
      const auto out = format_body(hook(format), payload);
      std::string text = out.body;
      for (const auto& [name, value] : out.headers) text += "\n" + name + ": " + value;
      return text;
    };
    const auto digest = shown(digest_body());
    EXPECT_NE(digest.find("2 more alerts for iran-israel"), std::string::npos) << digest;
    EXPECT_NE(digest.find("https://wire.example/world/iran"), std::string::npos) << digest;
    const auto follow_up = shown(follow_up_body());
    EXPECT_NE(follow_up.find("1 more source"), std::string::npos) << follow_up;
  }
}

TEST(Template, FillsFieldsAndEscapesForJson) {
  auto w = hook(config::WebhookFormat::template_text);
  w.template_text = R"({"msg": "{{article.title}} ({{watchlist}}, score {{score}}): {{actors}} {{regions.1.name}}{{nope.x}}"})";
  const auto out = format_body(w, alert_body());
  EXPECT_EQ(out.content_type, "application/json");
  const auto parsed = json::parse(out.body);   // quotes in the title must not break the JSON
  EXPECT_EQ(parsed["msg"], sample_article().title + " (iran-israel, score 9.5): Ali Khamenei, Hamas Israel");
}

TEST(Template, EscapesForHtmlAndLeavesPlainTextAlone) {
  const json payload = json::parse(alert_body());
  EXPECT_EQ(render_template("<b>{{article.title}}</b>", payload, escape_for("text/html; charset=utf-8")),
            "<b>Iran\u2019s leader orders &quot;direct&quot; strike on &lt;Israel&gt;</b>");
  EXPECT_EQ(render_template("{{article.title}}", payload, escape_for("text/plain")), sample_article().title);
  EXPECT_EQ(escape_for("application/vnd.api+json"), TemplateEscape::json);
  EXPECT_EQ(escape_for("application/xml"), TemplateEscape::html);
}

TEST(Template, UnterminatedPlaceholdersAreKeptAsText) {
  EXPECT_EQ(render_template("a {{watchlist", json{{"watchlist", "w"}}, TemplateEscape::none), "a {{watchlist");
}
