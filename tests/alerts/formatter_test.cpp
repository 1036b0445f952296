// Payload formats: the JSON contract checked against docs/webhook-payload.schema.json, the chat
// renderings checked for the fields each service requires, and the user template's escaping.
#include "alerts/chat_text.hpp"
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

TEST(PayloadSchema, LangAndUpdateAlertsAreValid) {
  const newsalert::testing::JsonSchema s = schema();
  auto article = sample_article();
  article.lang = "fr";
  const auto with_lang = alert_payload(sample_match(), article, alert_id("iran-israel", article), kNow);
  EXPECT_EQ(with_lang["article"]["lang"], "fr");
  EXPECT_TRUE(s.validate(with_lang).empty());
  UpdateChanges changes{false, {"IRGC"}, {}, std::string("Iran orders strike")};
  const std::string id = update_alert_id("iran-israel", article, "0123456789abcdef0123456789abcdef");
  EXPECT_NE(id, alert_id("iran-israel", article));
  EXPECT_EQ(id, update_alert_id("iran-israel", article, "0123456789abcdef0123456789abcdef"));
  auto update = update_payload(sample_match(), article, id, changes, kNow);
  EXPECT_TRUE(s.validate(update).empty()) << update.dump();
  EXPECT_TRUE(s.validate(json::parse(digest_payload("iran-israel", digest_id("iran-israel", id), {update}, kNow).dump())).empty());
  auto wrong = update;
  wrong["update"] = false;   // present only as true
  EXPECT_FALSE(s.validate(wrong).empty());
  wrong = update;
  wrong["changes"].erase("added_actors");
  EXPECT_FALSE(s.validate(wrong).empty());
  wrong = with_lang;
  wrong["article"]["lang"] = "French";
  EXPECT_FALSE(s.validate(wrong).empty());
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
  EXPECT_EQ(attachment["content"]["body"][0]["text"], "Iran\u2019s leader orders \"direct\" strike on \\<Israel\\>");
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

// What a hostile feed puts in a title, a feed name and a link to ping a workspace or forge markup.
Article hostile_article() {
  Article a = sample_article();
  a.title = "<!channel> <!here|here> <@U0123ABCD> @everyone @here [Iran](https://evil.example) **now**\n# 1. forged\r\n- item";
  a.feed_title = "Wire <!everyone> @here";
  a.link = "https://wire.example/a)(b|c>d\r\nX-Injected: 1";
  return a;
}

std::string hostile_alert() {
  const auto a = hostile_article();
  return alert_payload(sample_match(), a, alert_id("iran-israel", a), kNow).dump();
}

std::string hostile_digest() {
  const auto alert = json::parse(hostile_alert());
  return digest_payload("iran-israel", digest_id("iran-israel", alert["id"]), {alert}, kNow).dump();
}

// Every string in a JSON document, with its path, to check each field a service renders.
void strings_of(const json& j, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_string()) out.emplace_back(path, j.get<std::string>());
  if (j.is_object())
    for (const auto& [key, value] : j.items()) strings_of(value, path + "." + key, out);
  if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i) strings_of(j[i], path + "[" + std::to_string(i) + "]", out);
}

std::vector<std::pair<std::string, std::string>> rendered(config::WebhookFormat format, const std::string& payload) {
  std::vector<std::pair<std::string, std::string>> out;
  strings_of(json::parse(format_body(hook(format), payload).body), "", out);
  return out;
}

TEST(Formatter, SlackTitlesCannotPingOrOpenLinks) {
  for (const auto& payload : {hostile_alert(), hostile_digest()}) {
    for (const auto& [path, text] : rendered(config::WebhookFormat::slack, payload)) {
      if (path.ends_with(".type")) continue;
      // A header is plain_text, which Slack never parses; every other string is mrkdwn.
      const bool plain = path.find("blocks[0].text.text") != std::string::npos;
      if (plain) continue;
      EXPECT_EQ(text.find("<!"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find("<@"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find('\r'), std::string::npos) << path << ": " << text;
    }
  }
  const auto out = json::parse(format_body(hook(config::WebhookFormat::slack), hostile_alert()).body);
  EXPECT_EQ(out["text"].get<std::string>().rfind("&lt;!channel&gt; &lt;!here|here&gt; &lt;@U0123ABCD&gt;", 0), 0u) << out["text"];
  const std::string section = out["blocks"][1]["text"]["text"];
  // The link keeps its meaning but cannot end Slack's <url|text> early.
  EXPECT_NE(section.find("<https://wire.example/a%29%28b%7Cc%3Ed%0D%0AX-Injected:%201|"), std::string::npos) << section;
}

TEST(Formatter, DiscordTitlesCannotPingOrForgeLinks) {
  for (const auto& payload : {hostile_alert(), hostile_digest()}) {
    const auto out = json::parse(format_body(hook(config::WebhookFormat::discord), payload).body);
    EXPECT_TRUE(out["allowed_mentions"]["parse"].empty());
    for (const auto& [path, text] : rendered(config::WebhookFormat::discord, payload)) {
      EXPECT_EQ(text.find("@everyone"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find("@here"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find(" <@"), std::string::npos) << path << ": " << text;
      // An embed's title and footer show no markdown links or headings: only the rest is escaped.
      if (path.ends_with(".title") || path.ends_with(".footer.text")) continue;
      EXPECT_EQ(text.find("[Iran](https://evil"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find('\n' + std::string("# ")), std::string::npos) << path << ": " << text;
    }
  }
  const auto out = json::parse(format_body(hook(config::WebhookFormat::discord), hostile_alert()).body);
  EXPECT_EQ(out["embeds"][0]["url"], "https://wire.example/a%29%28b%7Cc%3Ed%0D%0AX-Injected:%201");
}

TEST(Formatter, TeamsTitlesCannotForgeLinksOrLists) {
  for (const auto& payload : {hostile_alert(), hostile_digest()}) {
    for (const auto& [path, text] : rendered(config::WebhookFormat::teams, payload)) {
      EXPECT_EQ(text.find("[Iran](https://evil"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find("**now"), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find('\n'), std::string::npos) << path << ": " << text;
      EXPECT_EQ(text.find('\r'), std::string::npos) << path << ": " << text;
    }
  }
}

TEST(Formatter, NtfyHeadersCannotBeSplit) {
  const auto out = format_body(hook(config::WebhookFormat::ntfy), hostile_alert());
  for (const auto& [name, value] : out.headers) {
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << name << ": " << value;
  }
}

TEST(ChatText, EscapesPerService) {
  EXPECT_EQ(slack_escape("a & <!channel> > b"), "a &amp; &lt;!channel&gt; &gt; b");
  EXPECT_EQ(discord_plain("@everyone hi @here <@123>"), "@\u200beveryone hi @\u200bhere \\<@123>");
  EXPECT_EQ(discord_markdown("# x *y* [a](b) ~z~ `c` ||s||"), "\\# x \\*y\\* \\[a\\]\\(b\\) \\~z\\~ \\`c\\` \\|\\|s\\|\\|");
  EXPECT_EQ(commonmark_escape("1. first"), "1\\. first");
  EXPECT_EQ(mattermost_markdown("@here ~off-topic *x*"), "@\xE2\x80\x8Bhere \\~\xE2\x80\x8Boff-topic \\*x\\*");
  EXPECT_EQ(commonmark_escape("- [x](y) _z_"), "\\- \\[x\\](y) \\_z\\_");
  EXPECT_EQ(commonmark_escape("2024 in review"), "2024 in review");
  EXPECT_EQ(single_line("a\nb\r\tc\x1b[31m\xC2\x85" "d"), "a b  c [31m d");
  EXPECT_EQ(link_target("https://x.example/a b(c)|<d>"), "https://x.example/a%20b%28c%29%7C%3Cd%3E");
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
