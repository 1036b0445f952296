// Escaping of feed text for Slack mrkdwn, Discord markdown, Mattermost Markdown and Teams' CommonMark
// subset.
#include "alerts/chat_text.hpp"

#include "common/text.hpp"

#include <cstdio>

namespace newsalert::alerts {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// U+0085 (NEL), U+2028 and U+2029 end a line for some renderers too.
std::size_t unicode_line_break_at(std::string_view text, std::size_t i) {
  if (text.compare(i, 2, "\xC2\x85") == 0) return 2;
  if (text.compare(i, 3, "\xE2\x80\xA8") == 0 || text.compare(i, 3, "\xE2\x80\xA9") == 0) return 3;
  return 0;
}

// Backslash-escapes `specials` anywhere and `line_markers` where a line begins (after spaces).
std::string backslash_escape(std::string_view text, std::string_view specials, std::string_view line_markers) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (const char c : text) {
    const bool marker = line_start && line_markers.find(c) != std::string_view::npos;
    if (marker || specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
    if (c == '\n') line_start = true;
    else if (c != ' ') line_start = false;
  }
  return out;
}

// CommonMark with `specials` backslash-escaped: a line cannot start a heading, list or quote.
std::string escape_commonmark(std::string_view text, std::string_view specials) {
  std::string out = backslash_escape(text, specials, "#-+");
  // "1. " or "1) " at the start would open a numbered list.
  std::size_t digits = 0;
  while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') ++digits;
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')')) out.insert(out.begin() + static_cast<std::ptrdiff_t>(digits), '\\');
  return out;
}

}  // namespace

std::string single_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (const std::size_t n = unicode_line_break_at(text, i)) {
      out += ' ';
      i += n - 1;
    } else if (is_control(static_cast<unsigned char>(text[i]))) {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string slack_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string discord_plain(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] != '@') continue;
    const std::string_view rest = text.substr(i + 1);
    if (rest.starts_with("everyone") || rest.starts_with("here")) out += "\xE2\x80\x8B";   // U+200B
  }
  std::string escaped;
  escaped.reserve(out.size());
  for (const char c : out) {
    if (c == '<') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string discord_markdown(std::string_view text) {
  // discord_plain has already escaped `<`; the rest are Discord's markdown characters.
  return backslash_escape(discord_plain(text), "\\*_~`|[]()>", "#-+");
}

std::string mattermost_markdown(std::string_view text) {
  std::string broken;
  broken.reserve(text.size() + 8);
  for (const char c : text) {
    broken += c;
    if (c == '@' || c == '~') broken += "\xE2\x80\x8B";   // U+200B
  }
  return commonmark_escape(broken);
}

std::string commonmark_escape(std::string_view text) { return escape_commonmark(text, "\\*_~`[]<>"); }

std::string gotify_markdown(std::string_view text) {
  // & (entities), ! (images), | (tables) and @ (mail autolinks) beside CommonMark's own.
  const std::string escaped = escape_commonmark(text, "\\*_~`[]<>&!|@");
  std::string out;
  out.reserve(escaped.size() + 8);
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    // GFM makes "https://..." and "www...." links by themselves: an escape inside breaks them.
    const bool scheme = escaped[i] == ':' && escaped.compare(i + 1, 2, "//") == 0;
    const bool www = escaped[i] == '.' && i >= 3 && to_lower_ascii(std::string_view(escaped).substr(i - 3, 3)) == "www";
    if (scheme || www) out += '\\';
    out += escaped[i];
  }
  return out;
}

std::string link_target(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '(' || c == ')' || c == '<' || c == '>' || c == '|' || c == ' ' || c == '[' || c == ']' || is_control(u)) {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace newsalert::alerts
