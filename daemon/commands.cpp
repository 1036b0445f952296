// check, parse, extract, match, replay and deliveries: the offline tools for people who write configs and run the daemon.
#include "daemon/commands.hpp"

#include "alerts/payload.hpp"
#include "alerts/sample_send.hpp"
#include "common/log_escape.hpp"
#include "common/url_redaction.hpp"
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "daemon/cluster_log.hpp"
#include "extract/article_extractor.hpp"
#include "feeds/charset.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/language.hpp"
#include "feeds/html_text.hpp"
#include "match/matcher.hpp"
#include "net/http_client.hpp"
#include "pipeline/pipeline.hpp"
#include "store/state_store.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <iostream>
#include <iterator>
#include <limits>
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

// Files that hold one article each (saved pages, text); in a directory, other files that are not
// feeds (a config, a labels file beside the articles) are passed over.
bool is_article_file(const std::filesystem::path& path) {
  static const std::set<std::string> kArticleExtensions{".txt", ".text", ".md", ".html", ".htm", ".xhtml"};
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return kArticleExtensions.contains(extension);
}

enum class InputKind { feed, article, other };

// The articles of one input: every entry of a feed, or the file as one article. A file found in a
// directory that is neither a feed nor an article file is `other`, with no articles. `language` is
// what the feed declares, if anything.
bool read_articles(const std::string& input, std::vector<Article>& articles, std::string& error,
                   bool from_directory = false, InputKind* kind = nullptr, std::string* language = nullptr) {
  std::string bytes, base;
  if (!read_input(input, bytes, base, error)) return false;
  feeds::ParsedFeed feed = feeds::parse_feed(bytes, base);
  InputKind found = InputKind::feed;
  if (!feed.ok() || feed.articles.empty()) {
    found = from_directory && !is_article_file(input) ? InputKind::other : InputKind::article;
    feed.articles.clear();
    if (found == InputKind::article) feed.articles.push_back(article_from_text(bytes, base));
  }
  if (kind != nullptr) *kind = found;
  if (language != nullptr) *language = feed.language;
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

struct ReplayInput {
  std::string path;
  bool from_directory = false;
};

// Directories are read recursively, files in name order, so a replay is repeatable.
std::vector<ReplayInput> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<ReplayInput> out;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (!is_url(input) && std::filesystem::is_directory(input, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(input, ec))
        if (entry.is_regular_file()) files.push_back(entry.path().string());
      std::sort(files.begin(), files.end());
      for (auto& file : files) out.push_back({std::move(file), true});
    } else {
      out.push_back({input, false});
    }
  }
  return out;
}

// Every watchlist notifies one stand-in webhook, so each alert the pipeline raises is one outbox row.
constexpr const char* kReplayWebhook = "replay";

pipeline::Rules replay_rules(const config::Config& config) {
  pipeline::Rules rules = pipeline::rules_of(config);
  for (auto& [watchlist, webhooks] : rules.webhooks_of) webhooks = {kReplayWebhook};
  return rules;
}

void print_replay(const config::Config& config, store::StateStore& store, bool json, std::ostream& out) {
  std::map<std::string, std::vector<nlohmann::json>> alerts_of;
  const auto everything = std::numeric_limits<std::size_t>::max();
  for (const auto& pending : store.outbox().due(kReplayWebhook, TimePoint::max(), everything)) {
    auto payload = nlohmann::json::parse(pending.payload);
    if (json) out << pending.payload << "\n";
    alerts_of[pending.watchlist].push_back(std::move(payload));
  }
  if (json) return;
  for (const auto& watchlist : config.watchlists) {
    const auto& list = alerts_of[watchlist.name];
    const std::size_t held = store.stories().held_stories(watchlist.name).size();
    out << watchlist.name << ": " << list.size() << (list.size() == 1 ? " alert" : " alerts");
    if (held > 0) out << ", " << held << " held for a digest (throttle or quiet hours)";
    out << "\n";
    for (const auto& a : list) {
      const auto& article = a["article"];
      const std::string link = article.value("link", "");
      out << "  " << (article["published"].is_string() ? article["published"].get<std::string>() : "-") << "  score "
          << score_text(a.value("score", 0.0)) << "  " << article.value("title", "") << "  "
          << (link.empty() ? article.value("id", "") : link) << "\n";
    }
  }
}

// Servers, node and replicas, and the fingerprint that must match on every node; no credentials.
std::string cluster_summary(const config::ClusterConfig& cluster, const std::string& fingerprint) {
  std::string servers;
  for (const auto& url : cluster.nats) servers += (servers.empty() ? "" : ", ") + redact_url_secrets(url);
  return "cluster: node " + cluster.node + ", replicas " + std::to_string(cluster.replicas) + ", NATS " + servers +
         "; config fingerprint " + fingerprint;
}

}  // namespace

int run_notify_test(const std::string& config_file, const std::string& webhook, std::ostream& out, std::ostream& err) {
  const auto config = load_tool_config(config_file, err);
  if (!config) return kExitUsage;
  const auto found = std::find_if(config->webhooks.begin(), config->webhooks.end(),
                                  [&](const config::WebhookConfig& w) { return w.name == webhook; });
  if (found == config->webhooks.end()) {
    std::string names;
    for (const auto& w : config->webhooks) names += (names.empty() ? "" : ", ") + w.name;
    err << "newsalertd notify-test: no webhook named '" << webhook << "' in " << config_file << " (it has: " << names
        << ")\n";
    return kExitUsage;
  }
  const alerts::SampleSend sent = alerts::send_sample(*config, *found, out);
  const auto& r = sent.result;
  const std::string answer = r.answer.size() > 2000 ? r.answer.substr(0, 2000) + "..." : r.answer;
  if (r.error.empty() && r.format_error.empty() && r.status >= 200 && r.status < 300) {
    out << "notify-test: sample alert " << sent.alert_id << " delivered to webhook '" << webhook << "'\n";
    if (!answer.empty()) out << "answer: " << answer << "\n";
    return kExitOk;
  }
  const std::string error = r.format_error.empty() ? r.error : "cannot format the payload: " + r.format_error;
  err << "newsalertd notify-test: webhook '" << webhook << "' did not take sample alert " << sent.alert_id << ": "
      << error << "\n";
  if (!answer.empty() && error.find(answer) == std::string::npos) err << "answer: " << answer << "\n";
  return kExitFailure;
}

int run_check(const std::string& config_file, std::ostream& out, std::ostream& err) {
  try {
    const config::Config config = config::load_config(config_file);
    for (const auto& warning : config.warnings) err << warning.str() << "\n";
    if (const auto problem = store::StateStore::problem_opening(store::StateStore::default_file(config.state_dir))) {
      err << config_file << ": state database: " << *problem << "\n";
      return kExitFailure;
    }
    out << config_file << ": OK: " << config.feeds.size() << " feeds, " << config.watchlists.size()
        << " watchlists, " << config.webhooks.size() << " webhooks; state in " << config.state_dir.string() << "\n";
    if (config.cluster) out << cluster_summary(*config.cluster, config.fingerprint) << "\n";
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
    feeds::ParsedFeed feed = feeds::parse_feed(bytes, base, type);
    if (!feed.ok()) {
      err << "newsalertd parse: " << input << ": " << feed.error << "\n";
      status = kExitFailure;
      continue;
    }
    if (feed.recovered) err << "newsalertd parse: " << input << ": recovered: " << feed.warning << "\n";
    feeds::detect_languages(feed.articles, feed.language);
    for (const auto& article : feed.articles) out << alerts::article_json(article).dump() << "\n";
  }
  return status;
}

namespace {

// Fields in the order the command's documentation lists them.
nlohmann::ordered_json page_json(const extract::ExtractedPage& page) {
  const auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
  return {{"url", page.url},
          {"title", page.title},
          {"byline", page.byline},
          {"published", page.published ? nlohmann::ordered_json(format_rfc3339(*page.published)) : nlohmann::ordered_json()},
          {"lang", or_null(page.lang)},
          {"text", page.text}};
}

}  // namespace

int run_extract(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err,
                const std::string& base_url) {
  int status = kExitOk;
  for (const auto& input : inputs) {
    std::string bytes, base, error, type;
    if (!read_input(input, bytes, base, error, &type)) {
      err << "newsalertd extract: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    if (!base_url.empty() && !is_url(input)) base = base_url;
    // A text/html charset the server declared outranks the page's <meta>; other types say nothing of it.
    if (feeds::media_type_of(type) != "text/html") type.clear();
    out << page_json(extract::extract_article(bytes, base, type)).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
        << "\n";
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
    std::string error, language;
    if (!read_articles(input, articles, error, false, nullptr, &language)) {
      err << "newsalertd match: " << input << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    feeds::detect_languages(articles, language);
    for (const auto& article : articles) {
      if (!explain) {
        for (const auto& match : matcher.match(article)) out << alerts::match_json(match, article).dump() << "\n";
        continue;
      }
      out << "article \"" << article.title << "\"" << (article.link.empty() ? "" : " <" + article.link + ">")
          << " (language: " << (article.lang.empty() ? "unknown" : article.lang) << ")\n";
      const auto explanations = matcher.explain(article);
      if (explanations.empty()) out << "  no watchlist found any of its terms\n";
      for (const auto& ex : explanations) print_explanation(ex, out);
    }
  }
  return status;
}

int run_replay(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
               std::ostream& err, bool json) {
  const auto loaded = load_tool_config(config_file, err);
  if (!loaded) return kExitUsage;
  const config::Config& config = *loaded;
  if (inputs.empty()) {
    err << "newsalertd replay: give at least one saved feed, article file or directory\n";
    return kExitUsage;
  }
  // A scratch store: the daemon's own state is neither read nor touched, and every entry is new.
  store::StateStore store(":memory:");
  pipeline::Pipeline pipeline(store, replay_rules(config), std::make_shared<const match::Matcher>(config.watchlists));
  int status = kExitOk;
  std::size_t files = 0, articles_read = 0;
  std::vector<std::string> skipped;
  const TimePoint now = Clock::now();
  for (const auto& input : expand_inputs(inputs)) {
    std::vector<Article> articles;
    std::string error, language;
    InputKind kind = InputKind::feed;
    if (!read_articles(input.path, articles, error, input.from_directory, &kind, &language)) {
      err << "newsalertd replay: " << input.path << ": " << error << "\n";
      status = kExitFailure;
      continue;
    }
    if (kind == InputKind::other) {
      skipped.push_back(input.path);
      continue;
    }
    ++files;
    articles_read += articles.size();
    // Each file is one poll of a feed named after it, as if the daemon had fetched it.
    pipeline.process_now({input.path, std::move(articles), store::FeedState{}, now, language});
  }
  if (!skipped.empty()) {
    err << "newsalertd replay: passed over " << skipped.size() << " file(s) that are neither feeds nor articles:";
    for (const auto& path : skipped) err << " " << path;
    err << "\n";
  }
  if (!json) out << "replayed " << articles_read << " articles from " << files << " files\n";
  print_replay(config, store, json, out);
  return status;
}

namespace {

void list_deliveries(store::StateStore& store, std::ostream& out) {
  const auto disabled = store.outbox().disabled_endpoints();
  for (const auto& endpoint : disabled)
    out << "webhook " << endpoint.webhook << ": disabled since " << format_rfc3339(endpoint.since) << " ("
        << escape_for_log(endpoint.reason) << "); " << store.outbox().pending_count(endpoint.webhook)
        << " alert(s) held; `newsalertd deliveries retry --all` or a new URL enables it\n";
  const auto letters = store.outbox().dead_letters();
  out << letters.size() << " dead letter(s); " << store.outbox().pending_count() << " alert(s) pending\n";
  if (letters.empty()) return;
  out << "ID\tFAILED\tWEBHOOK\tWATCHLIST\tATTEMPTS\tALERT\tERROR\n";
  for (const auto& letter : letters)
    out << letter.id << '\t' << format_rfc3339(letter.failed) << '\t' << letter.webhook << '\t' << letter.watchlist
        << '\t' << letter.attempts << '\t' << letter.alert_id << '\t' << escape_for_log(letter.last_error) << '\n';
}

int change_deliveries(store::StateStore& store, const std::string& action, const std::vector<std::int64_t>& ids,
                      std::ostream& out, std::ostream& err);

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
  const auto db_file =
      config.cluster ? cluster_state_file(config.state_dir) : store::StateStore::default_file(config.state_dir);
  std::error_code ec;
  if (!config.cluster && !std::filesystem::exists(db_file, ec)) {
    err << "newsalertd deliveries: no database at " << db_file.string() << " (has the daemon run with this config?)\n";
    return kExitFailure;
  }
  try {
    // In a cluster the command is one more writer of the shared log: its replica catches up
    // first, and each change goes to every node.
    std::unique_ptr<ClusterLink> link;
    if (config.cluster) {
      std::filesystem::create_directories(config.state_dir);
      link = std::make_unique<ClusterLink>(*config.cluster, "newsalertd deliveries");
    }
    store::StateStore store(db_file, config.cluster ? store::StateStore::EmptyFile::initialise
                                                    : store::StateStore::EmptyFile::refuse);
    if (link) link->join(store);
    return store::retry_on_conflict([&] { return change_deliveries(store, action, ids, out, err); });
  } catch (const std::exception& e) {
    err << "newsalertd deliveries: " << e.what() << "\n";
    return kExitFailure;
  }
}

namespace {

// One run of the action: run again whole when another node committed first.
int change_deliveries(store::StateStore& store, const std::string& action, const std::vector<std::int64_t>& ids,
                      std::ostream& out, std::ostream& err) {
  {
    if (action == "list") {
      list_deliveries(store, out);
      return kExitOk;
    }
    if (action == "purge") {
      out << "purged " << store.outbox().purge_dead_letters() << " dead letter(s)\n";
      return kExitOk;
    }
    if (ids.empty()) {
      const std::size_t enabled = store.outbox().disabled_endpoints().size();
      for (const auto& endpoint : store.outbox().disabled_endpoints()) store.outbox().enable_endpoint(endpoint.webhook);
      out << "requeued " << store.outbox().retry_all_dead_letters(Clock::now()) << " dead letter(s)";
      if (enabled > 0) out << "; enabled " << enabled << " disabled webhook(s)";
      out << "\n";
      return kExitOk;
    }
    int status = kExitOk;
    for (const auto id : ids) {
      if (store.outbox().retry_dead_letter(id, Clock::now())) {
        out << "requeued dead letter " << id << "\n";
      } else {
        err << "newsalertd deliveries retry: no dead letter with ID " << id << "\n";
        status = kExitFailure;
      }
    }
    return status;
  }
}

}  // namespace

}  // namespace newsalert::daemon
