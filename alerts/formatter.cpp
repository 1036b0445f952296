// The chat-service renderings of alerts, digests and follow-ups.
#include "alerts/formatter.hpp"

#include "alerts/chat_text.hpp"
#include "alerts/template.hpp"
#include "common/crypto.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

namespace newsalert::alerts {

namespace {

using nlohmann::json;

// What every chat format shows, taken once from the payload.
struct Message {
  std::string id;          // the alert's, digest's or follow-up's id
  std::string heading;     // the article title, or "3 more alerts for ..."
  std::string link;        // empty for a digest
  std::string watchlist;
  std::string intro;       // one line under the heading
  std::vector<std::pair<std::string, std::string>> facts;   // (label, value), e.g. Actors
  std::vector<std::string> names;                          // each matched actor and region
  std::vector<std::pair<std::string, std::string>> items;   // (title, link): digest entries, copies
  std::string snippet;
  std::string footer;      // the feed
  std::string timestamp;   // RFC 3339
};

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> name_list(const json& hits) {
  std::vector<std::string> out;
  if (!hits.is_array()) return out;
  for (const auto& hit : hits) out.push_back(str(hit, "name"));
  return out;
}

std::string names(const json& hits) {
  std::string out;
  for (const auto& name : name_list(hits)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Cuts at a UTF-8 character boundary and marks the cut: chat services reject over-long fields.
std::string clip(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max > 3 ? max - 3 : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

// Cuts at `max` characters (not bytes) and marks the cut: for limits counted in characters.
std::string clip_chars(const std::string& text, std::size_t max) {
  std::vector<std::size_t> starts;   // the byte offset of each character
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= max) return text;
  return text.substr(0, starts[max > 3 ? max - 3 : 0]) + "...";
}

Message read_message(const json& p) {
  Message m;
  m.id = str(p, "id");
  m.watchlist = str(p, "watchlist");
  m.timestamp = str(p, "detected_at");
  const std::string type = str(p, "type");
  if (type == "digest") {
    const auto& alerts = p.value("alerts", json::array());
    m.heading = std::to_string(alerts.size()) + " more alert" + (alerts.size() == 1 ? "" : "s") + " for " + m.watchlist;
    m.intro = "Held back by the watchlist's throttle or quiet hours.";
    for (const auto& a : alerts) {
      const auto& article = a.value("article", json::object());
      m.items.emplace_back(str(article, "title"), str(article, "link"));
    }
    return m;
  }
  if (type == "follow_up") {
    const auto& story = p.value("story", json::object());
    const auto& copies = p.value("copies", json::array());
    m.heading = "Follow-up: " + str(story, "title");
    m.link = str(story, "link");
    m.intro = "Now reported by " + std::to_string(copies.size()) + " more source" + (copies.size() == 1 ? "" : "s") + ".";
    for (const auto& c : copies) {
      const std::string feed = str(c, "feed");
      m.items.emplace_back(str(c, "title") + (feed.empty() ? "" : " (" + feed + ")"), str(c, "link"));
    }
    return m;
  }
  const auto& article = p.value("article", json::object());
  m.heading = str(article, "title");
  m.link = str(article, "link");
  m.intro = "Watchlist " + m.watchlist;
  if (const std::string actors = names(p.value("actors", json::array())); !actors.empty()) m.facts.emplace_back("Actors", actors);
  if (const std::string regions = names(p.value("regions", json::array())); !regions.empty())
    m.facts.emplace_back("Regions", regions);
  const auto& snippets = p.value("snippets", json::array());
  if (!snippets.empty() && snippets[0].is_string()) m.snippet = snippets[0].get<std::string>();
  m.footer = str(article.value("feed", json::object()), "title");
  m.names = name_list(p.value("actors", json::array()));
  for (auto& region : name_list(p.value("regions", json::array()))) m.names.push_back(std::move(region));
  return m;
}

// Feed text on one line, links safe as markup targets: what every format below starts from.
Message message_of(const json& payload) {
  Message m = read_message(payload);
  m.heading = single_line(m.heading);
  m.link = link_target(m.link);
  for (auto& [label, value] : m.facts) value = single_line(value);
  for (auto& name : m.names) name = single_line(name);
  for (auto& [title, link] : m.items) {
    title = single_line(title);
    link = link_target(link);
  }
  m.snippet = single_line(m.snippet);
  m.footer = single_line(m.footer);
  return m;
}

std::string slack_link(const std::string& title, const std::string& link) {
  if (link.empty()) return slack_escape(title);
  return "<" + slack_escape(link) + "|" + slack_escape(title) + ">";
}

json slack(const Message& m) {
  json blocks = json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", clip(m.heading, 150)}}}});
  std::string text = "*" + slack_escape(m.intro) + "*";
  if (!m.link.empty()) text += "\n" + slack_link(m.link, m.link);
  if (!m.snippet.empty()) text += "\n>" + slack_escape(m.snippet);
  blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", clip(text, 3000)}}}});
  if (!m.facts.empty()) {
    json fields = json::array();
    for (const auto& [label, value] : m.facts)
      fields.push_back({{"type", "mrkdwn"}, {"text", clip("*" + label + "*\n" + slack_escape(value), 2000)}});
    blocks.push_back({{"type", "section"}, {"fields", fields}});
  }
  if (!m.items.empty()) {
    std::string list;
    for (const auto& [title, link] : m.items) list += "• " + slack_link(title, link) + "\n";
    blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", clip(list, 3000)}}}});
  }
  if (!m.footer.empty())
    blocks.push_back({{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", clip(slack_escape(m.footer), 2000)}}}}});
  // `text` is the notification and accessibility fallback, read as mrkdwn: a title's `<!channel>`
  // would ping everyone. 600 characters escape to at most 3,000.
  return {{"text", slack_escape(clip(m.heading, 600))}, {"blocks", blocks}};
}

json discord(const Message& m) {
  json embed = {{"title", clip(discord_plain(m.heading), 256)}};
  if (!m.link.empty()) embed["url"] = m.link;
  std::string description = discord_markdown(m.intro);
  if (!m.snippet.empty()) description += "\n\n" + discord_markdown(m.snippet);
  for (const auto& [title, link] : m.items)
    description += "\n• " + (link.empty() ? discord_markdown(title) : "[" + discord_markdown(title) + "](" + link + ")");
  embed["description"] = clip(description, 4096);
  if (!m.facts.empty()) {
    json fields = json::array();
    for (const auto& [label, value] : m.facts)
      fields.push_back({{"name", label}, {"value", clip(discord_markdown(value), 1024)}, {"inline", true}});
    embed["fields"] = fields;
  }
  if (!m.footer.empty()) embed["footer"] = {{"text", clip(discord_plain(m.footer), 2048)}};
  if (!m.timestamp.empty()) embed["timestamp"] = m.timestamp;
  return {{"embeds", json::array({embed})}, {"allowed_mentions", {{"parse", json::array()}}}};
}

json teams(const Message& m) {
  const auto block = [](const std::string& text) { return json{{"type", "TextBlock"}, {"text", commonmark_escape(text)}, {"wrap", true}}; };
  json body = json::array();
  body.push_back(block(m.heading));
  body.back()["weight"] = "Bolder";
  body.back()["size"] = "Medium";
  body.push_back(block(m.intro));
  body.back()["isSubtle"] = true;
  if (!m.snippet.empty()) body.push_back(block(m.snippet));
  if (!m.facts.empty()) {
    json facts = json::array();
    for (const auto& [label, value] : m.facts) facts.push_back({{"title", label}, {"value", commonmark_escape(value)}});
    body.push_back({{"type", "FactSet"}, {"facts", facts}});
  }
  for (const auto& [title, link] : m.items) {
    const std::string text = commonmark_escape(title);
    body.push_back({{"type", "TextBlock"}, {"text", link.empty() ? text : "[" + text + "](" + link + ")"}, {"wrap", true}});
  }
  json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"type", "AdaptiveCard"},
               {"version", "1.4"},
               {"body", body}};
  if (!m.link.empty()) card["actions"] = {{{"type", "Action.OpenUrl"}, {"title", "Open article"}, {"url", m.link}}};
  return {{"type", "message"},
          {"attachments",
           {{{"contentType", "application/vnd.microsoft.card.adaptive"}, {"contentUrl", nullptr}, {"content", card}}}}};
}

// HTTP header values must be ASCII: other text goes as an RFC 2047 encoded word, which ntfy decodes.
std::string header_text(const std::string& text) {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (ascii) return text;
  return "=?UTF-8?B?" + base64_encode(text) + "?=";
}

FormattedBody ntfy(const Message& m) {
  std::string text = m.intro;
  for (const auto& [label, value] : m.facts) text += "\n" + label + ": " + value;
  if (!m.snippet.empty()) text += "\n\n" + m.snippet;
  for (const auto& [title, link] : m.items) text += "\n- " + title + (link.empty() ? "" : " " + link);
  FormattedBody out{"text/plain; charset=utf-8", text, {}};
  out.headers.emplace_back("Title", header_text(clip(m.heading, 250)));
  out.headers.emplace_back("Tags", header_text(m.watchlist.empty() ? "newsalert" : m.watchlist));
  if (!m.link.empty()) out.headers.emplace_back("Click", m.link);
  return out;
}

// Only web links become anchors: a feed's "javascript:" link stays text.
bool is_web_link(const std::string& link) {
  const std::string lower = to_lower_ascii(std::string_view(link).substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

// A digest lists held alerts under a heading of its own, with no link.
bool is_digest(const Message& m) { return m.link.empty() && !m.items.empty(); }

std::string html_link(const std::string& text, const std::string& link) {
  if (!is_web_link(link)) return html_escape(text);
  return "<a href=\"" + html_escape(link) + "\">" + html_escape(text) + "</a>";
}

// "Example World News, 2026-12-03T10:00:00Z": where and when, for the formats that show both.
std::string source_and_time(const Message& m) {
  return m.footer + (m.footer.empty() || m.timestamp.empty() ? "" : ", ") + m.timestamp;
}

std::string mail_text(const Message& m) {
  std::string text = m.heading + "\n";
  if (!m.link.empty()) text += m.link + "\n";
  text += "\n" + m.intro + "\n";
  for (const auto& [label, value] : m.facts) text += label + ": " + value + "\n";
  if (!m.snippet.empty()) text += "\n" + m.snippet + "\n";
  if (!m.items.empty()) text += "\n";
  for (const auto& [title, link] : m.items) text += "- " + title + (link.empty() ? "" : "\n  " + link) + "\n";
  if (!m.footer.empty() || !m.timestamp.empty())
    text += "\n-- \n" + source_and_time(m) + "\n";
  return text;
}

std::string mail_html(const Message& m) {
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(m.heading) +
                     "</title></head>\n<body style=\"font-family:sans-serif;max-width:40em\">\n";
  html += "<h2>" + (m.link.empty() ? html_escape(m.heading) : html_link(m.heading, m.link)) + "</h2>\n";
  html += "<p style=\"color:#555\">" + html_escape(m.intro) + "</p>\n";
  for (const auto& [label, value] : m.facts)
    html += "<p>" + html_escape(label) + ": <strong>" + html_escape(value) + "</strong></p>\n";
  if (!m.snippet.empty())
    html += "<blockquote style=\"border-left:3px solid #ccc;margin:1em 0;padding-left:1em\">" + html_escape(m.snippet) +
            "</blockquote>\n";
  if (!m.items.empty()) {
    html += "<ul>\n";
    for (const auto& [title, link] : m.items) html += "<li>" + html_link(title, link) + "</li>\n";
    html += "</ul>\n";
  }
  if (!m.footer.empty() || !m.timestamp.empty())
    html += "<p style=\"color:#888;font-size:small\">" + html_escape(source_and_time(m)) + "</p>\n";
  return html + "</body></html>\n";
}

// Telegram's HTML: its own small tag set (b, i, a, blockquote, ...), with <, > and & escaped in text.
// sendMessage takes at most 4,096 characters of text after the markup is parsed; the items that
// do not fit are counted instead of shown, and a snippet or title is clipped.
class TelegramText {
 public:
  static constexpr std::size_t kMaxChars = 4096;

  // Appends `lead` and then `text` wrapped in `open`/`close` markup; false (nothing added) when
  // they do not fit.
  bool add(const std::string& lead, const std::string& text, const std::string& open = "", const std::string& close = "") {
    const std::size_t n = chars(lead) + chars(text);
    if (visible_ + n > kMaxChars - kReserve) return false;
    html_ += html_escape(lead) + open + html_escape(text) + close;
    visible_ += n;
    return true;
  }
  std::string finish(std::size_t left_out) {
    if (left_out > 0) html_ += "\n… and " + std::to_string(left_out) + " more";
    return html_;
  }

 private:
  // Room kept for the "… and N more" line.
  static constexpr std::size_t kReserve = 32;
  static std::size_t chars(const std::string& text) {
    // UTF-16 code units, as Telegram counts: one per character, two above U+FFFF (4-byte UTF-8).
    std::size_t n = 0;
    for (const char c : text) {
      const auto b = static_cast<unsigned char>(c);
      if ((b & 0xC0) != 0x80) n += b >= 0xF0 ? 2 : 1;
    }
    return n;
  }
  std::string html_;
  std::size_t visible_ = 0;
};

std::string telegram_href(const std::string& link) { return is_web_link(link) ? html_escape(link) : std::string(); }

json telegram(const Message& m, const std::string& chat_id) {
  TelegramText t;
  const std::string href = telegram_href(m.link);
  const std::string heading = clip(m.heading, 512);
  if (href.empty()) t.add("", heading, "<b>", "</b>");
  else t.add("", heading, "<b><a href=\"" + href + "\">", "</a></b>");
  t.add("\n", m.intro, "<i>", "</i>");
  for (const auto& [label, value] : m.facts) t.add("\n" + label + ": ", clip(value, 512), "<b>", "</b>");
  if (!m.snippet.empty()) t.add("\n", clip(m.snippet, 1024), "<blockquote>", "</blockquote>");
  std::size_t left_out = 0;
  for (const auto& [title, link] : m.items) {
    const std::string item_href = telegram_href(link);
    const std::string open = item_href.empty() ? "" : "<a href=\"" + item_href + "\">";
    if (left_out > 0 || !t.add("\n• ", clip(title, 300), open, item_href.empty() ? "" : "</a>")) ++left_out;
  }
  if (!m.footer.empty()) t.add("\n", clip(m.footer, 256), "<i>", "</i>");
  return {{"chat_id", chat_id},
          {"text", t.finish(left_out)},
          {"parse_mode", "HTML"},
          {"link_preview_options", {{"is_disabled", m.link.empty()}}}};
}

// A Matrix m.room.message (m.text) with an org.matrix.custom.html formatted_body beside the plain
// body. An event may not exceed 65,536 bytes with the server's own fields, so a digest shows the
// stories that fit in kMatrixBudget and counts the rest.
constexpr std::size_t kMatrixBudget = 40'000;

json matrix(const Message& m) {
  std::string text = m.heading + (m.link.empty() ? "" : "\n" + m.link) + "\n" + m.intro;
  std::string html = "<b>" + (m.link.empty() ? html_escape(m.heading) : html_link(m.heading, m.link)) + "</b><br>" +
                     "<i>" + html_escape(m.intro) + "</i>";
  for (const auto& [label, value] : m.facts) {
    text += "\n" + label + ": " + value;
    html += "<br>" + html_escape(label) + ": <strong>" + html_escape(value) + "</strong>";
  }
  if (!m.snippet.empty()) {
    text += "\n> " + clip(m.snippet, 2000);
    html += "<blockquote>" + html_escape(clip(m.snippet, 2000)) + "</blockquote>";
  }
  std::size_t shown = 0;
  for (const auto& [title, link] : m.items) {
    const std::string item_text = "\n• " + clip(title, 300) + (link.empty() ? "" : " " + link);
    const std::string item_html = "<li>" + html_link(clip(title, 300), link) + "</li>";
    if (text.size() + html.size() + item_text.size() + item_html.size() > kMatrixBudget) break;
    text += item_text;
    html += (shown++ == 0 ? "<ul>" : "") + item_html;
  }
  if (shown > 0) html += "</ul>";
  if (shown < m.items.size()) {
    const std::string more = "… and " + std::to_string(m.items.size() - shown) + " more";
    text += "\n" + more;
    html += "<p>" + more + "</p>";
  }
  if (const std::string where = source_and_time(m); !where.empty()) {
    text += "\n" + where;
    html += "<br><i>" + html_escape(where) + "</i>";
  }
  // An empty m.mentions says the message mentions nobody: a title holding "@room" or a user's name
  // must not notify the room.
  return {{"msgtype", "m.text"},
          {"body", text},
          {"format", "org.matrix.custom.html"},
          {"formatted_body", html},
          {"m.mentions", json::object()}};
}

// A PagerDuty Events API v2 trigger, plain text throughout: PagerDuty shows custom_details as a
// table, which is where the actors and regions stand out. The dedup_key is the alert id, so a
// retry after a lost answer folds into the alert it already made.
constexpr std::size_t kPagerDutyStories = 50;

json pagerduty_details(const Message& m) {
  json details = {{"watchlist", m.watchlist}};
  for (const auto& [label, value] : m.facts) details[to_lower_ascii(label)] = value;
  if (!m.snippet.empty()) details["snippet"] = m.snippet;
  if (!m.link.empty()) details["link"] = m.link;
  if (!m.footer.empty()) details["feed"] = m.footer;
  if (m.items.empty()) return details;
  json stories = json::array();
  for (std::size_t i = 0; i < m.items.size() && i < kPagerDutyStories; ++i)
    stories.push_back({{"title", m.items[i].first}, {"link", m.items[i].second}});
  details["stories"] = stories;
  if (m.items.size() > kPagerDutyStories) details["stories_left_out"] = m.items.size() - kPagerDutyStories;
  return details;
}

json pagerduty(const Message& m, const std::string& routing_key, const std::string& severity) {
  std::string summary = (is_digest(m) || m.watchlist.empty() ? "" : m.watchlist + ": ") + m.heading;
  std::string facts;
  for (const auto& [label, value] : m.facts) facts += (facts.empty() ? "" : "; ") + value;
  if (!facts.empty()) summary += " (" + facts + ")";
  json payload = {{"summary", clip(summary, 1024)},
                  {"source", m.footer.empty() ? std::string("newsalert") : clip(m.footer, 255)},
                  {"severity", severity.empty() ? std::string("warning") : severity},
                  {"class", "news alert"},
                  {"custom_details", pagerduty_details(m)}};
  if (!m.watchlist.empty()) payload["group"] = m.watchlist;
  if (!m.timestamp.empty()) payload["timestamp"] = m.timestamp;
  json event = {{"routing_key", routing_key},
                {"event_action", "trigger"},
                {"dedup_key", m.id},
                {"client", "newsalert"},
                {"payload", payload}};
  if (is_web_link(m.link)) event["links"] = {{{"href", m.link}, {"text", "Read the story"}}};
  return event;
}

// A Mattermost incoming webhook's {"text"}: Markdown with feed text escaped and no mentions. A post
// holds 16,383 characters; a digest shows the stories that fit in kMattermostBudget bytes (at least
// as many characters) and counts the rest.
constexpr std::size_t kMattermostBudget = 15'000;

std::string mattermost_link(const std::string& title, const std::string& link) {
  return is_web_link(link) ? "[" + mattermost_markdown(title) + "](" + link + ")" : mattermost_markdown(title);
}

json mattermost(const Message& m) {
  std::string text = "**" + mattermost_link(clip(m.heading, 1000), m.link) + "**\n_" + mattermost_markdown(m.intro) + "_";
  for (const auto& [label, value] : m.facts) text += "\n" + label + ": **" + mattermost_markdown(clip(value, 1000)) + "**";
  if (!m.snippet.empty()) text += "\n> " + mattermost_markdown(clip(m.snippet, 2000));
  std::size_t shown = 0;
  for (const auto& [title, link] : m.items) {
    const std::string item = "\n- " + mattermost_link(clip(title, 300), link);
    if (text.size() + item.size() > kMattermostBudget) break;
    text += item;
    ++shown;
  }
  if (shown < m.items.size()) text += "\n… and " + std::to_string(m.items.size() - shown) + " more";
  if (const std::string where = source_and_time(m); !where.empty()) text += "\n_" + mattermost_markdown(where) + "_";
  return {{"text", text}};
}

// A JSON API's body; text that is not valid UTF-8 is replaced rather than refused.
FormattedBody json_body(const json& j) {
  return {"application/json", j.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

// An Opsgenie "Create Alert" request, plain text: the actors and regions stand out as tags and as
// extra properties. The alias is the alert id: Opsgenie counts a create whose alias matches an open
// alert on that alert, so a retry after a lost answer opens no second one. Limits in characters:
// message 130, description 15,000, source 100, 20 tags of 50, details 8,000 in all.
json opsgenie(const Message& m, const std::string& priority) {
  json tags = json::array();
  for (const std::string& tag : m.names)
    if (tags.size() < 19 && !tag.empty()) tags.push_back(clip_chars(tag, 50));
  if (!m.watchlist.empty()) tags.insert(tags.begin(), clip_chars(m.watchlist, 50));
  json details = json::object();
  const auto detail = [&details](const std::string& key, const std::string& value) {
    if (!value.empty()) details[key] = clip_chars(value, 1000);
  };
  detail("Watchlist", m.watchlist);
  for (const auto& [label, value] : m.facts) detail(label, value);
  detail("Link", m.link);
  detail("Feed", m.footer);
  detail("Detected", m.timestamp);
  if (!m.items.empty()) detail("Stories", std::to_string(m.items.size()));
  json alert = {{"message", clip_chars(m.heading, 130)},
                {"alias", m.id},
                {"description", clip_chars(mail_text(m), 15000)},
                {"source", clip_chars(m.footer.empty() ? std::string("newsalert") : m.footer, 100)},
                {"tags", tags},
                {"details", details}};
  if (!priority.empty()) alert["priority"] = priority;
  return alert;
}

// "2026-12-03T10:00:00Z", the payload's detected_at, as Unix seconds; nullopt for other forms.
std::optional<long long> unix_seconds(const std::string& rfc3339) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char zone = 0;
  if (std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &zone) != 7 || zone != 'Z')
    return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days(day).time_since_epoch().count() * 86400LL + h * 3600LL + mi * 60LL + sec;
}

// Pieces of a message added while they fit in `max` characters, room kept for "… and N more".
class BoundedText {
 public:
  explicit BoundedText(std::size_t max) : max_(max) {}
  bool add(const std::string& piece) {
    if (chars_ + character_count(piece) > max_ - kReserve) return false;
    text_ += piece;
    chars_ += character_count(piece);
    return true;
  }
  std::string finish(std::size_t left_out) const {
    return left_out == 0 ? text_ : text_ + "\n… and " + std::to_string(left_out) + " more";
  }

 private:
  static constexpr std::size_t kReserve = 32;
  static std::size_t character_count(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  std::size_t max_;
  std::string text_;
  std::size_t chars_ = 0;
};

// A Pushover message (POST /1/messages.json, form fields) with html=1: only the tags Pushover
// renders (<b>, <i>, <font color>, <a href>), feed text HTML-escaped. Limits in characters: message
// 1,024 with its markup, title 250, url 512, url_title 100. Pushover has no idempotency key.
std::string pushover(const Message& m, const config::WebhookConfig& webhook) {
  BoundedText text(1024);
  text.add("<i>" + html_escape(clip(m.intro, 200)) + "</i>");
  for (const auto& [label, value] : m.facts) text.add("\n" + html_escape(label) + ": <b>" + html_escape(clip(value, 300)) + "</b>");
  if (!m.snippet.empty()) text.add("\n" + html_escape(clip(m.snippet, 400)));
  std::size_t left_out = 0;
  for (const auto& [title, link] : m.items)
    if (left_out > 0 || !text.add("\n• " + html_link(clip(title, 200), link))) ++left_out;
  if (const std::string where = source_and_time(m); !where.empty())
    text.add("\n<font color=\"#888888\">" + html_escape(clip(where, 200)) + "</font>");
  std::string form = "token=" + form_encode(webhook.token.value_or("")) + "&user=" + form_encode(webhook.user) +
                     "&title=" + form_encode(clip_chars(m.heading, 250)) + "&message=" + form_encode(text.finish(left_out)) +
                     "&html=1";
  if (is_web_link(m.link) && m.link.size() <= 512) form += "&url=" + form_encode(m.link) + "&url_title=Read%20the%20story";
  if (const auto t = unix_seconds(m.timestamp)) form += "&timestamp=" + std::to_string(*t);
  if (!webhook.priority.empty()) form += "&priority=" + form_encode(webhook.priority);
  return form;
}

// A Gotify message: the title as plain text, the rest in Markdown with feed text escaped, and the
// story's link as the notification's click target. A digest lists its first kGotifyStories.
constexpr std::size_t kGotifyStories = 50;

json gotify(const Message& m, const std::string& priority) {
  std::string text = "_" + gotify_markdown(m.intro) + "_";
  for (const auto& [label, value] : m.facts) text += "\n\n" + label + ": **" + gotify_markdown(value) + "**";
  if (!m.snippet.empty()) text += "\n\n> " + gotify_markdown(clip(m.snippet, 2000));
  if (is_web_link(m.link)) text += "\n\n[Read the story](" + m.link + ")";
  for (std::size_t i = 0; i < m.items.size() && i < kGotifyStories; ++i) {
    const auto& [title, link] = m.items[i];
    text += (i == 0 ? "\n\n" : "\n") + std::string("- ") +
            (is_web_link(link) ? "[" + gotify_markdown(clip(title, 300)) + "](" + link + ")" : gotify_markdown(clip(title, 300)));
  }
  if (m.items.size() > kGotifyStories) text += "\n\n… and " + std::to_string(m.items.size() - kGotifyStories) + " more";
  if (const std::string where = source_and_time(m); !where.empty()) text += "\n\n_" + gotify_markdown(where) + "_";
  json extras = {{"client::display", {{"contentType", "text/markdown"}}}};
  if (is_web_link(m.link)) extras["client::notification"] = {{"click", {{"url", m.link}}}};
  json message = {{"title", m.heading}, {"message", text}, {"extras", extras}};
  if (!priority.empty()) message["priority"] = std::stoi(priority);
  return message;
}

}  // namespace

MailContent format_mail(const std::string& payload) {
  const Message m = message_of(json::parse(payload));
  const std::string subject = is_digest(m) || m.watchlist.empty() ? m.heading : m.watchlist + ": " + m.heading;
  return {clip(subject, 200), mail_text(m), mail_html(m)};
}

FormattedBody format_body(const config::WebhookConfig& webhook, const std::string& payload) {
  using config::WebhookFormat;
  switch (webhook.format) {
    case WebhookFormat::json:
    case WebhookFormat::stdout_lines:
      return {"application/json", payload, {}};
    case WebhookFormat::slack:
      return json_body(slack(message_of(json::parse(payload))));
    case WebhookFormat::discord:
      return json_body(discord(message_of(json::parse(payload))));
    case WebhookFormat::teams:
      return json_body(teams(message_of(json::parse(payload))));
    case WebhookFormat::ntfy:
      return ntfy(message_of(json::parse(payload)));
    case WebhookFormat::telegram:
      return json_body(telegram(message_of(json::parse(payload)), webhook.chat_id));
    case WebhookFormat::matrix:
      return json_body(matrix(message_of(json::parse(payload))));
    case WebhookFormat::pagerduty:
      return json_body(pagerduty(message_of(json::parse(payload)), webhook.token.value_or(""), webhook.priority));
    case WebhookFormat::opsgenie:
      return json_body(opsgenie(message_of(json::parse(payload)), webhook.priority));
    case WebhookFormat::pushover:
      return {"application/x-www-form-urlencoded", pushover(message_of(json::parse(payload)), webhook), {}};
    case WebhookFormat::gotify:
      return json_body(gotify(message_of(json::parse(payload)), webhook.priority));
    case WebhookFormat::mattermost:
      return json_body(mattermost(message_of(json::parse(payload))));
    case WebhookFormat::email: {
      const MailContent mail = format_mail(payload);
      return {"text/plain; charset=utf-8", mail.text, {}};
    }
    case WebhookFormat::template_text: {
      const std::string type = webhook.content_type.empty() ? "application/json" : webhook.content_type;
      return {type, render_template(webhook.template_text, json::parse(payload), escape_for(type)), {}};
    }
  }
  return {"application/json", payload, {}};
}

}  // namespace newsalert::alerts
