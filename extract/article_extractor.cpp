// extract_article: decode, pre-pass, parse, score, and read the metadata; every failure is an empty field, never an exception.
#include "extract/article_extractor.hpp"

#include "extract/content_scorer.hpp"
#include "extract/dom.hpp"
#include "extract/html_prepass.hpp"
#include "extract/page_metadata.hpp"
#include "feeds/charset.hpp"
#include "feeds/html_text.hpp"
#include "feeds/language.hpp"
#include "feeds/url.hpp"

#include <algorithm>

namespace newsalert::extract {
namespace {

// JSON-LD's articleBody stands in for the scored text when it is an article's worth and not much
// shorter than what scoring found (some sites put only a teaser there).
constexpr std::size_t kSubstantialBody = 500;

std::size_t words(std::string_view text) {
  std::size_t count = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++count;
    in_word = !space;
  }
  return count;
}

// articleBody is plain text with its paragraphs on lines of their own, sometimes with markup or
// entities left in; each line becomes a paragraph.
std::string body_text(std::string_view article_body) {
  std::string out;
  while (!article_body.empty()) {
    const std::size_t newline = std::min(article_body.find('\n'), article_body.size());
    const std::string_view line = article_body.substr(0, newline);
    article_body.remove_prefix(std::min(newline + 1, article_body.size()));
    std::string text = line.find_first_of("<&") == std::string_view::npos ? feeds::collapse_whitespace(line)
                                                                          : feeds::html_to_text(line);
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (text.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += text;
  }
  return out;
}

// Multi-byte UTF-8 throughout: text in a legacy charset is almost never that by accident.
bool utf8_with_non_ascii(std::string_view s) {
  bool non_ascii = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    non_ascii = true;
    const std::size_t length = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (length == 0 || c > 0xF4 || i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return non_ascii;
}

// A charset the server declared wins; without one, a page whose bytes are valid UTF-8 is read as
// UTF-8 even when its <meta> names a legacy charset (pages saved or re-encoded keep the old <meta>).
std::string decode(std::string_view html, std::string_view content_type) {
  if (!feeds::charset_of(content_type).empty()) return feeds::decode_document(html, content_type).text;
  return feeds::decode_document(html, utf8_with_non_ascii(html) ? "text/html; charset=utf-8" : "text/html").text;
}

ExtractedPage extract(std::string_view html, std::string_view url, std::string_view content_type) {
  const std::string decoded = decode(html, content_type);
  const PrepassedHtml prepassed = prepass_html(decoded);
  const Dom dom(prepassed.html);
  const PageMetadata meta = read_metadata(dom, prepassed.json_ld);
  ExtractedPage page;
  page.url = meta.canonical.empty() ? std::string(url) : feeds::resolve_url(url, meta.canonical);
  page.title = meta.title;
  page.byline = meta.byline;
  page.published = meta.published;
  page.text = score_and_render(dom, ScoringFlags{}, meta.title);
  if (meta.json_ld_body.size() >= kSubstantialBody) {
    std::string body = body_text(meta.json_ld_body);
    if (words(body) * 10 >= words(page.text) * 7) page.text = std::move(body);
  }
  page.lang = meta.lang.empty() ? std::string{} : feeds::primary_language(meta.lang);
  if (page.lang.empty() && !page.text.empty()) page.lang = feeds::detect_language(page.text);
  return page;
}

}  // namespace

ExtractedPage extract_article(std::string_view html, std::string_view url) { return extract_article(html, url, {}); }

ExtractedPage extract_article(std::string_view html, std::string_view url, std::string_view content_type) {
  try {
    return extract(html, url, content_type);
  } catch (...) {
    // Only allocation can throw here; a page too large to hold is a page with no article.
    ExtractedPage page;
    page.url = std::string(url);
    return page;
  }
}

std::string page_visible_text(std::string_view html) {
  const Dom dom(prepass_html(decode(html, {})).html);
  return visible_text(dom);
}

}  // namespace newsalert::extract
