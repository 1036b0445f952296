// Escaping of text that came from feeds for each chat service's markup, so a hostile title can
// neither ping a channel nor forge a link, a heading or a list.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::alerts {

// Control characters (line breaks, tabs, ESC, DEL) become one space: a heading or a list item
// stays on one line whatever the feed put in it.
std::string single_line(std::string_view text);

// Slack mrkdwn: &, < and > are Slack's control characters (`<!channel>`, `<@U123>`, `<url|text>`)
// and must travel as HTML entities.
std::string slack_escape(std::string_view text);

// Discord: `@everyone` and `@here` broken with a zero-width space (a second guard beside
// allowed_mentions), `<` of user, role and channel mentions escaped.
std::string discord_plain(std::string_view text);
// Discord markdown (embed descriptions and field values): discord_plain, then every markdown
// character backslash-escaped, and line-start markers (`#`, `-`, `>`) too.
std::string discord_markdown(std::string_view text);

// Mattermost Markdown: an '@' or '~' is followed by a zero-width space, so feed text makes no
// @mention (of a user, @channel, @all, @here) and no ~channel link; then commonmark_escape.
std::string mattermost_markdown(std::string_view text);

// Teams Adaptive Card TextBlocks and FactSets read a CommonMark subset (bold, italic, lists,
// links): backslash escapes keep feed text literal.
std::string commonmark_escape(std::string_view text);

// Gotify's Markdown (CommonMark with GitHub's extensions): commonmark_escape plus entities, images,
// tables, and the bare URLs, www. names and mail addresses GFM would turn into links.
std::string gotify_markdown(std::string_view text);

// HTML or XML text and attribute values: & < > " ' as entities.
std::string html_escape(std::string_view text);

// A URL as the target of a markdown link `[text](url)` or Slack's `<url|text>`: the characters
// that would end the target early are percent-encoded; the URL means the same.
std::string link_target(std::string_view url);

}  // namespace newsalert::alerts
