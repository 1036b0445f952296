// The fuzz targets' bodies.
#include "fuzz/fuzz_entries.hpp"

#include "config/config.hpp"
#include "config/load_config.hpp"
#include "extract/article_extractor.hpp"
#include "feeds/date_parser.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/html_text.hpp"
#include "match/matcher.hpp"
#include "net/address_policy.hpp"

#include <string>

namespace newsalert::fuzz {

namespace {

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A YAML double-quoted scalar holding exactly `text`.
std::string yaml_quoted(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

config::WatchlistConfig watchlist(std::vector<std::string> aliases) {
  config::WatchlistConfig w;
  w.name = "w";
  w.actors = {{"Ali Khamenei", {"Khamenei", "Ayatollah Khamenei", "Iran's supreme leader"}},
              {"IRGC", {"Revolutionary Guards", "IRG"}},
              {"United States", {"US", "U.S."}},
              {"Fuzz", std::move(aliases)}};
  w.regions = {{"Iran", {}}, {"Israel", {}}, {"Lebanon", {"Liban"}}};
  w.exclude = {"football"};
  w.require = config::Require::any;
  return w;
}

}  // namespace

int feed_parser(const std::uint8_t* data, std::size_t size) {
  const auto feed = feeds::parse_feed(as_text(data, size), "https://feed.example/news/rss.xml");
  for (const auto& article : feed.articles)
    if (article.id.empty()) __builtin_trap();   // identity must never be empty
  return 0;
}

int html_text(const std::uint8_t* data, std::size_t size) {
  feeds::html_to_text(as_text(data, size));
  return 0;
}

int extract_article(const std::uint8_t* data, std::size_t size) {
  const auto page = extract::extract_article(as_text(data, size), "https://example.org/a/b");
  if (page.url.empty()) __builtin_trap();  // the given URL at least, whatever the page says
  return 0;
}

int date_parser(const std::uint8_t* data, std::size_t size) {
  feeds::parse_date(as_text(data, size));
  return 0;
}

int config_loader(const std::uint8_t* data, std::size_t size) {
  try {
    config::parse_config(std::string(as_text(data, size)), "fuzz.yaml", /*check_state_dir=*/false);
  } catch (const config::ConfigError&) {
  }
  return 0;
}

// A rule that parses is also compiled and evaluated, and explained: every walk over its tree runs.
int require_rule(const std::uint8_t* data, std::size_t size) {
  const std::string yaml = "state_dir: /nonexistent\nwatchlists:\n  - name: w\n    actors: [Hamas]\n"
                           "    regions: [Israel]\n    require: " + yaml_quoted(as_text(data, size)) + "\n";
  config::Config config;
  try {
    config = config::parse_config(yaml, "fuzz.yaml", /*check_state_dir=*/false);
  } catch (const config::ConfigError&) {
    return 0;
  }
  Article article;
  article.id = "fuzz";
  article.title = "Hamas and Israel: strike near Gaza";
  article.content = "Hamas said Israel struck Gaza. Israel said Hamas fired first; Hamas, Hamas and Israel again.";
  article.categories = {"World"};
  const match::Matcher m(config.watchlists);
  m.explain(article);
  return 0;
}

int matcher(const std::uint8_t* data, std::size_t size) {
  // The first lines (up to an empty one) are extra aliases; the rest is the article.
  const std::string_view text = as_text(data, size);
  std::vector<std::string> aliases;
  std::size_t pos = 0;
  while (pos < text.size() && aliases.size() < 8) {
    const auto end = std::min(text.find('\n', pos), text.size());
    if (end == pos) {
      ++pos;
      break;
    }
    aliases.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  Article article;
  article.id = "fuzz";
  const std::string_view body = text.substr(std::min(pos, text.size()));
  article.title = std::string(body.substr(0, std::min<std::size_t>(body.size(), 200)));
  article.content = std::string(body);
  const match::Matcher m({watchlist(std::move(aliases))});
  m.match(article);
  return 0;
}

int network_range(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  std::string error;
  const auto range = NetworkRange::parse(text, &error);
  if (const auto address = IpAddress::parse(text)) {
    net::AddressPolicy::classify(*address);
    if (IpAddress::parse(address->str()) != address) __builtin_trap();   // printing must round-trip
  }
  if (range) {
    const net::AddressPolicy policy({*range});
    for (const char* probe : {"127.0.0.1", "::1", "10.1.2.3", "fd00::1", "::ffff:192.168.0.1", "64:ff9b::a9fe:a9fe"})
      policy.allows(*IpAddress::parse(probe), 80);
  } else if (error.empty()) {
    __builtin_trap();   // a refusal always says why
  }
  return 0;
}

Entry entry(std::string_view name) {
  if (name == "feed_parser") return &feed_parser;
  if (name == "html_text") return &html_text;
  if (name == "extract_article") return &extract_article;
  if (name == "date_parser") return &date_parser;
  if (name == "config_loader") return &config_loader;
  if (name == "require_rule") return &require_rule;
  if (name == "matcher") return &matcher;
  if (name == "network_range") return &network_range;
  return nullptr;
}

}  // namespace newsalert::fuzz
