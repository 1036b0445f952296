// What the /v1 API adds to a config: http.tokens, and the one-file-per-item watchlists_dir and feeds.d.
#include "config/config_loader.hpp"

#include "common/files.hpp"
#include "common/url_redaction.hpp"
#include "config/loader_helpers.hpp"
#include "config/yaml_bounds.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace newsalert::config {

namespace fs = std::filesystem;
using detail::describe;
using detail::is_name;
using detail::line_of;
using detail::quote;

namespace {

// Shorter tokens can be guessed from outside by trying; 16 characters of `openssl rand -hex` are
// 64 bits.
constexpr std::size_t kMinTokenLength = 16;

// The NAME.yaml files of `dir` by name, in name order; other entries are named in `ignored`.
std::map<std::string, fs::path> yaml_files(const fs::path& dir, std::vector<std::string>& ignored) {
  std::map<std::string, fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file_name = entry.path().filename().string();
    if (file_name.starts_with('.')) continue;   // hidden, and the API's files being written
    if (entry.path().extension() == ".yaml" && entry.is_regular_file(ec)) files.emplace(entry.path().stem().string(), entry.path());
    else ignored.push_back(file_name);
  }
  return files;
}

}  // namespace

void ConfigLoader::edit_file(FileEdit edit) { edit_ = std::move(edit); }

void ConfigLoader::load_api_tokens(const YAML::Node& node) {
  if (!expect_list(node, "http.tokens")) return;
  std::set<std::string> names, tokens;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const std::string field = "http.tokens[" + std::to_string(i) + "]";
    if (!expect_map(*it, field)) continue;
    ApiToken token;
    std::optional<std::string> secret;
    bool has_name = false, has_secret = false;
    for (const auto& [key, value] : entries(*it, field, {"name", "token", "token_file", "scope"})) {
      const std::string& name = key.Scalar();
      if (name == "name") {
        has_name = true;
        const auto n = get_string(value, field + ".name");
        if (n && !is_name(*n)) error(value, field + ".name: " + quote(*n) + " may only contain letters, digits, '_', '.' and '-'");
        else if (n && !names.insert(*n).second) error(value, "duplicate token name " + quote(*n));
        else if (n) token.name = *n;
      } else if (name == "token" || name == "token_file") {
        if (has_secret) error(value, field + ": token and token_file are mutually exclusive");
        has_secret = true;
        if (name == "token") note_secret(value);
        secret = name == "token" ? get_expanded(value, field + ".token") : read_secret_file(value, field + ".token_file");
        if (secret && secret->size() < kMinTokenLength) {
          error(value, field + "." + name + ": a token needs at least " + std::to_string(kMinTokenLength) +
                           " characters (e.g. from `openssl rand -hex 32`)");
          secret.reset();
        }
      } else if (const auto scope = get_string(value, field + ".scope")) {
        if (*scope == "admin") token.scope = ApiToken::Scope::admin;
        else if (*scope != "read") error(value, field + ".scope: expected 'read' or 'admin', got " + quote(*scope));
      }
    }
    if (!has_name) error(*it, field + ": missing required key 'name'");
    if (!has_secret) error(*it, field + ": needs a 'token' (or token_file)");
    if (secret && !tokens.insert(*secret).second)
      error(*it, field + ": the same token as another entry; give each its own");
    if (!secret || token.name.empty()) continue;
    token.token = std::move(*secret);
    api_tokens_.push_back(std::move(token));
  }
}

void ConfigLoader::load_watchlist_files(const std::optional<YAML::Node>& dir_node, Config& config) {
  config.watchlists_dir = base_dir_ / "watchlists.d";
  if (dir_node) {
    const auto dir = get_expanded(*dir_node, "watchlists_dir");
    if (!dir) return;
    if (dir->empty()) {
      error(*dir_node, "watchlists_dir: must not be empty");
      return;
    }
    config.watchlists_dir = resolve(*dir);
  }
  std::error_code ec;
  const bool exists = fs::exists(config.watchlists_dir, ec);
  if (exists && !fs::is_directory(config.watchlists_dir, ec)) {
    error(dir_node ? line_of(*dir_node) : 0, "watchlists_dir: " + config.watchlists_dir.string() + " is not a directory");
    return;
  }
  for (const auto& [path, text] : dir_files(config.watchlists_dir, FileEdit::Dir::watchlists)) {
    if (!text) diagnostics_.push_back(Diagnostic{path.string(), 0, "cannot read the file"});
    else load_watchlist_file(path, *text, config);
  }
}

std::vector<std::pair<fs::path, std::optional<std::string>>> ConfigLoader::dir_files(const fs::path& dir,
                                                                                    FileEdit::Dir which) {
  std::error_code ec;
  std::vector<std::string> ignored;
  auto files = fs::exists(dir, ec) ? yaml_files(dir, ignored) : std::map<std::string, fs::path>{};
  const char* holds = which == FileEdit::Dir::watchlists ? "watchlists_dir holds one NAME.yaml file per watchlist"
                                                          : "feeds.d holds one NAME.yaml file per feed";
  for (const auto& name : ignored)
    warnings_.push_back(Diagnostic{(dir / name).string(), 0, std::string("warning: not read: ") + holds});
  const bool edits_here = edit_ && edit_->dir == which;
  if (edits_here && !edit_->yaml) files.erase(edit_->name);
  else if (edits_here) files[edit_->name] = dir / (edit_->name + ".yaml");
  std::vector<std::pair<fs::path, std::optional<std::string>>> out;
  for (const auto& [name, path] : files) {
    auto text = edits_here && edit_->name == name ? edit_->yaml : read_file(path);
    // Removed since the listing (a DELETE through the API, an operator's rm): gone, not unreadable.
    if (!text && !fs::exists(path, ec)) continue;
    out.emplace_back(path, std::move(text));
  }
  return out;
}

void ConfigLoader::load_feed_files(Config& config) {
  config.feeds_dir = config.watchlists_dir.parent_path() / "feeds.d";
  std::error_code ec;
  if (fs::exists(config.feeds_dir, ec) && !fs::is_directory(config.feeds_dir, ec)) {
    error(0, config.feeds_dir.string() + " is not a directory (it holds one NAME.yaml file per feed)");
    return;
  }
  for (const auto& [path, text] : dir_files(config.feeds_dir, FileEdit::Dir::feeds)) {
    if (!text) diagnostics_.push_back(Diagnostic{path.string(), 0, "cannot read the file"});
    else load_feed_file(path, *text, config);
  }
}

// Runs `load` on the map of one item that the file `path` holds, with diagnostics naming that
// file; `expected` says what the file should hold when it is not a map.
void ConfigLoader::load_item_file(const fs::path& path, const std::string& text, const std::string& fingerprint_name,
                                  const std::string& expected, const ItemLoader& load) {
  const std::string main_file = std::exchange(file_, path.string());
  const std::string_view main_source = std::exchange(source_, text);
  dir_files_read_ += '\0' + fingerprint_name + '\0' + text;
  try {
    check_yaml_bounds(text, file_);
    YAML::Node root = YAML::Load(text);
    if (!is_name(path.stem().string()))
      error(0, "the file name may only contain letters, digits, '_', '.' and '-' before .yaml");
    else if (!root.IsMap())
      error(root, "expected " + expected + ", got " + describe(root));
    else
      load(root, main_file);
  } catch (const YAML::Exception& e) {
    error(e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  } catch (const ConfigError& e) {
    diagnostics_.insert(diagnostics_.end(), e.diagnostics().begin(), e.diagnostics().end());
  }
  file_ = main_file;
  source_ = main_source;
}

// The feed of `path`; a URL the main file (or another file) lists already is an error, as a
// duplicate within the main file is.
void ConfigLoader::load_feed_file(const fs::path& path, const std::string& text, Config& config) {
  const auto load = [&](YAML::Node& root, const std::string& main_file) {
    std::vector<FeedConfig> loaded;
    std::map<std::string, int> first_line;
    load_feed(root, "feed", loaded, first_line);
    for (auto& feed : loaded) {
      const auto same = std::find_if(config.feeds.begin(), config.feeds.end(),
                                     [&](const FeedConfig& f) { return f.url == feed.url; });
      if (same != config.feeds.end()) {
        error(feed.line, "feed " + quote(redact_url_secrets(feed.url)) + " is also listed in " +
                             (same->file.empty() ? main_file : same->file.string()) + ":" +
                             std::to_string(same->line) + "; list it in one place");
        continue;
      }
      feed.file = path;
      config.feeds.push_back(std::move(feed));
    }
  };
  load_item_file(path, text, "feeds.d/" + path.filename().string(),
                 "the map of one feed (url, title, interval, ...)", load);
}

// The one watchlist of `path`, named by the file.
void ConfigLoader::load_watchlist_file(const fs::path& path, const std::string& text, Config& config) {
  const std::string stem = path.stem().string();
  const auto load = [&](YAML::Node& root, const std::string& main_file) {
    if (!std::as_const(root)["name"]) root["name"] = stem;   // the file's name is the watchlist's
    WatchlistConfig watchlist = load_watchlist(root, "watchlist");
    const auto same = std::find_if(config.watchlists.begin(), config.watchlists.end(),
                                   [&](const WatchlistConfig& w) { return w.name == watchlist.name; });
    if (!watchlist.name.empty() && watchlist.name != stem)
      error(root["name"], "name: " + quote(watchlist.name) + " differs from the file's name; the file of watchlist " +
                              quote(watchlist.name) + " is " + watchlist.name + ".yaml");
    else if (same != config.watchlists.end())
      error(watchlist.line, "watchlist " + quote(stem) + " is also defined in " + main_file + ":" +
                                std::to_string(same->line) + "; define it in one place");
    else if (!watchlist.name.empty()) {
      watchlist.file = path;
      config.watchlists.push_back(std::move(watchlist));
    }
  };
  load_item_file(path, text, path.filename().string(),
                 "the map of one watchlist (name, actors, regions, require, ...)", load);
}

}  // namespace newsalert::config
