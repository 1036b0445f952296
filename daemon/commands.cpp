// check, parse and match: the offline tools for people who write configs and watchlists.
#include "daemon/commands.hpp"

#include "alerts/payload.hpp"
#include "config/config.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/html_text.hpp"
#include "match/matcher.hpp"
#include "net/http_client.hpp"

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace newsalert::daemon {

namespace {

bool is_url(const std::string& input) { return input.starts_with("http://") || input.starts_with("https://"); }

// Reads a file, "-" (standard input) or a URL. Returns false with a message on failure.
bool read_input(const std::string& input, std::string& bytes, std::string& base, std::string& error) {
  base = input;
  if (input == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    base.clear();
    return true;
  }
  if (is_url(input)) {
    boost::asio::io_context io;
    net::HttpClient http(io, {});
    net::HttpResponse response;
    net::HttpRequest request;
    request.url = input;
    http.async_fetch(request, [&](net::HttpResponse r) { response = std::move(r); });
    io.run();
    if (!response.is_success()) {
      error = response.describe();
      return false;
    }
    bytes = std::move(response.body);
    if (!response.effective_url.empty()) base = response.effective_url;
    return true;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) {
    error = "cannot open file";
    return false;
  }
  bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  if (file.bad()) {
    error = "read error";
    return false;
  }
  return true;
}

// A file that is not a feed is one article: its first non-empty line is the title, the rest the text.
Article article_from_text(const std::string& bytes, const std::string& source) {
  const bool html = bytes.find('<') != std::string::npos && bytes.find('>') != std::string::npos;
  const std::string text = html ? feeds::html_to_text(bytes) : bytes;
  Article article;
  article.id = source.empty() ? "-" : source;
  article.feed_url = source;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    article.title = line;
    break;
  }
  std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
  article.content = rest.empty() ? text : rest;
  return article;
}

}  // namespace

int run_check(const std::string& config_file, std::ostream& out, std::ostream& err) {
  try {
    const config::Config config = config::load_config(config_file);
    for (const auto& warning : config.warnings) err << warning.str() << "\n";
    out << config_file << ": OK: " << config.feeds.size() << " feeds, " << config.watchlists.size()
        << " watchlists, " << config.webhooks.size() << " webhooks; state in " << config.state_dir.string() << "\n";
    return kExitOk;
  } catch (const config::ConfigError& e) {
    for (const auto& diagnostic : e.diagnostics()) err << diagnostic.str() << "\n";
    return kExitUsage;
  }
}

int run_parse(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err) {
  int status = kExitOk;
  for (const auto& input : inputs) {
    std::string bytes, base, error;
    if (!read_input(input, bytes, base, error)) {
      err << "newsalertd parse: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    const feeds::ParsedFeed feed = feeds::parse_feed(bytes, base);
    if (!feed.ok()) {
      err << "newsalertd parse: " << input << ": " << feed.error << "\n";
      status = kExitFailure;
      continue;
    }
    for (const auto& article : feed.articles) out << alerts::article_json(article).dump() << "\n";
  }
  return status;
}

int run_match(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
              std::ostream& err) {
  config::Config config;
  try {
    config = config::load_config(config_file, /*check_state_dir=*/false);
  } catch (const config::ConfigError& e) {
    for (const auto& diagnostic : e.diagnostics()) err << diagnostic.str() << "\n";
    return kExitUsage;
  }
  const match::Matcher matcher(config.watchlists);
  int status = kExitOk;
  for (const auto& input : inputs.empty() ? std::vector<std::string>{"-"} : inputs) {
    std::string bytes, base, error;
    if (!read_input(input, bytes, base, error)) {
      err << "newsalertd match: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    feeds::ParsedFeed feed = feeds::parse_feed(bytes, base);
    if (!feed.ok() || feed.articles.empty()) feed.articles = {article_from_text(bytes, base)};
    for (const auto& article : feed.articles)
      for (const auto& match : matcher.match(article)) out << alerts::match_json(match, article).dump() << "\n";
  }
  return status;
}

}  // namespace newsalert::daemon
