// check, parse, match, replay and deliveries: the offline tools for people who write configs and run the daemon.
#include "daemon/commands.hpp"

#include "alerts/payload.hpp"
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "feeds/charset.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/html_text.hpp"
#include "match/matcher.hpp"
#include "net/http_client.hpp"
#include "store/state_store.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <iostream>
#include <iterator>
#include <sstream>

namespace newsalert::daemon {

namespace {

bool is_url(const std::string& input) { return input.starts_with("http://") || input.starts_with("https://"); }

// Reads a file, "-" (standard input) or a URL. Returns false with a message on failure. For a URL,
// content_type becomes the response's Content-Type header.
bool read_input(const std::string& input, std::string& bytes, std::string& base, std::string& error,
                std::string* content_type = nullptr) {
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
    if (content_type != nullptr) *content_type = response.header("content-type");
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
  // A saved page may be in any charset; its <meta> says which.
  const std::string decoded = feeds::decode_document(bytes, html ? "text/html" : "").text;
  const std::string text = html ? feeds::html_to_text(decoded) : decoded;
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

// The articles of one input: every entry of a feed, or the file as one article.
bool read_articles(const std::string& input, std::vector<Article>& articles, std::string& error) {
  std::string bytes, base;
  if (!read_input(input, bytes, base, error)) return false;
  feeds::ParsedFeed feed = feeds::parse_feed(bytes, base);
  if (!feed.ok() || feed.articles.empty()) feed.articles = {article_from_text(bytes, base)};
  articles = std::move(feed.articles);
  return true;
}

std::string score_text(double score) {
  std::ostringstream s;
  s << score;
  return s.str();
}

void print_explanation(const match::Explanation& ex, std::ostream& out) {
  out << "  watchlist " << ex.watchlist << ": " << ex.verdict << "\n";
  for (const auto& o : ex.occurrences) {
    out << "    " << o.role << " " << o.term << ": \"" << o.surface << "\" in " << o.field;
    if (o.weight > 0) out << ", +" << score_text(o.weight);
    if (!o.via.empty()) out << " (" << o.via << ")";
    out << "\n";
  }
  for (const auto& i : ex.ignored) out << "    not counted: \"" << i.surface << "\": " << i.reason << "\n";
  out << "    rule:\n";
  for (const auto& c : ex.clauses)
    out << "      " << std::string(static_cast<std::size_t>(c.depth) * 2, ' ') << (c.held ? "[held]     " : "[not held] ")
        << c.text << "\n";
  out << "    score " << score_text(ex.score) << ", min_score " << score_text(ex.min_score) << "\n";
}

// Directories are read recursively, files in name order, so a replay is repeatable.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (!is_url(input) && std::filesystem::is_directory(input, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(input, ec))
        if (entry.is_regular_file()) files.push_back(entry.path().string());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(input);
    }
  }
  return out;
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

int run_parse(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err,
              const std::string& content_type, const std::string& base_url) {
  int status = kExitOk;
  for (const auto& input : inputs) {
    std::string bytes, base, error;
    std::string type = content_type;
    if (!read_input(input, bytes, base, error, content_type.empty() ? &type : nullptr)) {
      err << "newsalertd parse: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    if (!base_url.empty()) base = base_url;
    const feeds::ParsedFeed feed = feeds::parse_feed(bytes, base, type);
    if (!feed.ok()) {
      err << "newsalertd parse: " << input << ": " << feed.error << "\n";
      status = kExitFailure;
      continue;
    }
    for (const auto& article : feed.articles) out << alerts::article_json(article).dump() << "\n";
  }
  return status;
}

std::optional<config::Config> load_tool_config(const std::string& config_file, std::ostream& err) {
  try {
    return config::load_config(config_file, /*check_state_dir=*/false);
  } catch (const config::ConfigError& e) {
    for (const auto& diagnostic : e.diagnostics()) err << diagnostic.str() << "\n";
    return std::nullopt;
  }
}

int run_match(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
              std::ostream& err, bool explain) {
  const auto config = load_tool_config(config_file, err);
  if (!config) return kExitUsage;
  const match::Matcher matcher(config->watchlists);
  int status = kExitOk;
  for (const auto& input : inputs.empty() ? std::vector<std::string>{"-"} : inputs) {
    std::vector<Article> articles;
    std::string error;
    if (!read_articles(input, articles, error)) {
      err << "newsalertd match: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    for (const auto& article : articles) {
      if (!explain) {
        for (const auto& match : matcher.match(article)) out << alerts::match_json(match, article).dump() << "\n";
        continue;
      }
      out << "article \"" << article.title << "\"" << (article.link.empty() ? "" : " <" + article.link + ">") << "\n";
      const auto explanations = matcher.explain(article);
      if (explanations.empty()) out << "  no watchlist found any of its terms\n";
      for (const auto& ex : explanations) print_explanation(ex, out);
    }
  }
  return status;
}

int run_replay(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
               std::ostream& err) {
  const auto loaded = load_tool_config(config_file, err);
  if (!loaded) return kExitUsage;
  const config::Config& config = *loaded;
  if (inputs.empty()) {
    err << "newsalertd replay: give at least one saved feed, article file or directory\n";
    return kExitUsage;
  }
  const match::Matcher matcher(config.watchlists);
  struct Alert {
    std::string title;
    std::string link;
    std::string published;
    double score = 0;
  };
  std::map<std::string, std::vector<Alert>> alerts_of;
  std::map<std::string, std::set<std::string>> seen;  // alert ids: one alert per watchlist and story
  int status = kExitOk;
  std::size_t files = 0;
  std::size_t articles_read = 0;
  for (const auto& input : expand_inputs(inputs)) {
    std::vector<Article> articles;
    std::string error;
    if (!read_articles(input, articles, error)) {
      err << "newsalertd replay: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    ++files;
    for (const auto& article : articles) {
      ++articles_read;
      for (const auto& match : matcher.match(article)) {
        if (!seen[match.watchlist].insert(alerts::alert_id(match.watchlist, article)).second) continue;
        alerts_of[match.watchlist].push_back(Alert{article.title, article.link.empty() ? article.id : article.link,
                                                   article.published ? format_rfc3339(*article.published) : "-",
                                                   match.score});
      }
    }
  }
  out << "replayed " << articles_read << " articles from " << files << " files\n";
  for (const auto& watchlist : config.watchlists) {
    const auto& list = alerts_of[watchlist.name];
    out << watchlist.name << ": " << list.size() << (list.size() == 1 ? " alert" : " alerts") << "\n";
    for (const auto& a : list)
      out << "  " << a.published << "  score " << score_text(a.score) << "  " << a.title << "  " << a.link << "\n";
  }
  return status;
}

namespace {

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

void list_deliveries(store::StateStore& store, std::ostream& out) {
  const auto disabled = store.disabled_endpoints();
  for (const auto& endpoint : disabled)
    out << "webhook " << endpoint.webhook << ": disabled since " << format_rfc3339(endpoint.since) << " ("
        << endpoint.reason << "); " << store.pending_count(endpoint.webhook)
        << " alert(s) held; `newsalertd deliveries retry --all` or a new URL enables it\n";
  const auto letters = store.dead_letters();
  out << letters.size() << " dead letter(s); " << store.pending_count() << " alert(s) pending\n";
  if (letters.empty()) return;
  out << "ID\tFAILED\tWEBHOOK\tWATCHLIST\tATTEMPTS\tALERT\tERROR\n";
  for (const auto& letter : letters)
    out << letter.id << '\t' << format_rfc3339(letter.failed) << '\t' << letter.webhook << '\t' << letter.watchlist
        << '\t' << letter.attempts << '\t' << letter.alert_id << '\t' << one_line(letter.last_error) << '\n';
}

}  // namespace

int run_deliveries(const std::string& config_file, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  const std::string usage = "usage: newsalertd deliveries list | retry ID...|--all | purge [--config FILE]\n";
  if (args.empty()) {
    err << usage;
    return kExitUsage;
  }
  const std::string& action = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  std::vector<std::int64_t> ids;
  if (action == "list" || action == "purge") {
    if (!rest.empty()) {
      err << "newsalertd deliveries " << action << ": unexpected argument '" << rest.front() << "'\n" << usage;
      return kExitUsage;
    }
  } else if (action == "retry") {
    if (rest.empty()) {
      err << "newsalertd deliveries retry: give dead letter IDs (see `deliveries list`) or --all\n";
      return kExitUsage;
    }
    if (!(rest.size() == 1 && rest.front() == "--all")) {
      for (const auto& text : rest) {
        std::int64_t id = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) {
          err << "newsalertd deliveries retry: '" << text << "' is not a dead letter ID (a positive number) or --all\n";
          return kExitUsage;
        }
        ids.push_back(id);
      }
    }
  } else {
    err << "newsalertd deliveries: unknown action '" << action << "'\n" << usage;
    return kExitUsage;
  }

  const auto loaded = load_tool_config(config_file, err);
  if (!loaded) return kExitUsage;
  const config::Config& config = *loaded;
  const auto db_file = store::StateStore::default_file(config.state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(db_file, ec)) {
    err << "newsalertd deliveries: no database at " << db_file.string() << " (has the daemon run with this config?)\n";
    return kExitFailure;
  }
  try {
    store::StateStore store(db_file);
    if (action == "list") {
      list_deliveries(store, out);
      return kExitOk;
    }
    if (action == "purge") {
      out << "purged " << store.purge_dead_letters() << " dead letter(s)\n";
      return kExitOk;
    }
    if (ids.empty()) {
      const std::size_t enabled = store.disabled_endpoints().size();
      for (const auto& endpoint : store.disabled_endpoints()) store.enable_endpoint(endpoint.webhook);
      out << "requeued " << store.retry_all_dead_letters(Clock::now()) << " dead letter(s)";
      if (enabled > 0) out << "; enabled " << enabled << " disabled webhook(s)";
      out << "\n";
      return kExitOk;
    }
    int status = kExitOk;
    for (const auto id : ids) {
      if (store.retry_dead_letter(id, Clock::now())) {
        out << "requeued dead letter " << id << "\n";
      } else {
        err << "newsalertd deliveries retry: no dead letter with ID " << id << "\n";
        status = kExitFailure;
      }
    }
    return status;
  } catch (const std::exception& e) {
    err << "newsalertd deliveries: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace newsalert::daemon
