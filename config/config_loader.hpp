// Turns YAML text into a Config, collecting every problem as a file:line diagnostic.
// Private to config/: only the loader's own files include it, so yaml-cpp stays out of other libraries.
#pragma once

#include "config/config.hpp"
#include "config/load_config.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace newsalert::config {

class ConfigLoader {
 public:
  ConfigLoader(std::string file_name, bool check_state_dir);

  // Throws ConfigError with every diagnostic found.
  Config load(const std::string& yaml_text);
  // Loads the file `edit.name` of watchlists_dir or feeds.d from `edit.yaml` instead of the disk, or
  // leaves it out when that is nullopt: how a change through the API is tried before it is written.
  void edit_file(FileEdit edit);

 private:
  struct NotifyRef {
    std::string watchlist;   // "watchlist 'name'", or its position when it has no usable name
    std::string webhook;
    int line = 0;
    std::string file;   // the file the watchlist is in
  };

  void error(int line, std::string message);
  // An error inside a scalar value, at a byte offset of its text: reported with line and column.
  void error_in(const YAML::Node& scalar, std::size_t offset, std::string message);
  void error(const YAML::Node& at, std::string message);
  int line(const YAML::Node& node) const;

  // Map walking: reports keys that are not scalars, duplicates and unknown keys (with a suggestion).
  // Returns the known keys in file order as (key node, value node) pairs.
  std::vector<std::pair<YAML::Node, YAML::Node>> entries(const YAML::Node& map, std::string_view section,
                                                         const std::vector<std::string_view>& known);
  bool expect_map(const YAML::Node& node, const std::string& field);
  bool expect_list(const YAML::Node& node, const std::string& field);

  std::optional<std::string> get_string(const YAML::Node& node, const std::string& field);
  std::optional<Millis> get_duration(const YAML::Node& node, const std::string& field, Millis min);
  std::optional<long long> get_int(const YAML::Node& node, const std::string& field, long long min,
                                   long long max);
  std::optional<double> get_number(const YAML::Node& node, const std::string& field, double min);
  std::optional<std::uint64_t> get_byte_size(const YAML::Node& node, const std::string& field);
  std::optional<std::vector<std::string>> get_string_list(const YAML::Node& node, const std::string& field);
  std::optional<std::string> get_url(const YAML::Node& node, const std::string& field, bool redact);
  std::optional<bool> get_bool(const YAML::Node& node, const std::string& field);
  // A map of HTTP header names to single-line values, with ${ENV} expanded.
  void load_headers(const YAML::Node& node, const std::string& field, std::map<std::string, std::string>& headers);
  // A string with ${ENV} expanded (for secrets: the value never appears in a message).
  std::optional<std::string> get_expanded(const YAML::Node& node, const std::string& field);
  std::optional<std::string> expand_env(const std::string& text, const YAML::Node& at, const std::string& field);
  std::filesystem::path resolve(const std::string& path) const;
  // `path_text` resolved against the config's directory, if it names a file that can be read.
  std::optional<std::filesystem::path> readable_file(const std::string& path_text, const YAML::Node& at,
                                                     const std::string& field);
  // A file holding a secret should be readable by its owner alone.
  void warn_if_world_readable(const std::filesystem::path& path, const YAML::Node& at, const std::string& field);

  void load_poll(const YAML::Node& node, PollConfig& poll);
  void load_full_text(const YAML::Node& node, FullTextConfig& full_text);
  void load_feeds(const YAML::Node& node, std::vector<FeedConfig>& feeds);
  void load_feed(const YAML::Node& item, const std::string& field, std::vector<FeedConfig>& feeds,
                 std::map<std::string, int>& first_line);
  void load_opml(const std::string& path, const YAML::Node& at, const std::string& field,
                 std::optional<Millis> interval, std::vector<FeedConfig>& feeds, std::map<std::string, int>& first_line);
  void load_watchlists(const YAML::Node& node, std::vector<WatchlistConfig>& watchlists);
  // One watchlist map; its name is empty when it has no usable one (already reported).
  WatchlistConfig load_watchlist(const YAML::Node& item, const std::string& field);
  // watchlists_dir's files (config/api_settings_loader.cpp): one watchlist each, named like the file.
  void load_watchlist_files(const std::optional<YAML::Node>& dir_node, Config& config);
  void load_watchlist_file(const std::filesystem::path& path, const std::string& text, Config& config);
  void load_feed_files(Config& config);
  void load_feed_file(const std::filesystem::path& path, const std::string& text, Config& config);
  using ItemLoader = std::function<void(YAML::Node& root, const std::string& main_file)>;
  void load_item_file(const std::filesystem::path& path, const std::string& text, const std::string& fingerprint_name,
                      const std::string& expected, const ItemLoader& load);
  // The NAME.yaml files of `dir` with their text (nullopt: unreadable), in name order, with the
  // pending edit of that directory applied; other entries are warned about.
  std::vector<std::pair<std::filesystem::path, std::optional<std::string>>> dir_files(
      const std::filesystem::path& dir, FileEdit::Dir which);
  void load_api_tokens(const YAML::Node& node);
  std::vector<Term> load_terms(const YAML::Node& node, const std::string& field, bool regions);
  void load_aliases(const YAML::Node& node, const std::string& field, Term& term);
  std::optional<std::vector<std::string>> get_languages(const YAML::Node& node, const std::string& field);
  void load_region_groups(const YAML::Node& node, std::vector<RegionGroup>& groups);
  void load_require(const YAML::Node& node, const std::string& field, WatchlistConfig& watchlist);
  void expand_region_groups(Config& config);
  void load_webhooks(const YAML::Node& node, std::vector<WebhookConfig>& webhooks);
  std::optional<WebhookConfig> load_webhook(const YAML::Node& node, const std::string& field);
  std::optional<std::string> decode_secret(std::string value, const YAML::Node& at, const std::string& field);
  void check_state_dir(const std::filesystem::path& dir, int line);
  void load_http(const YAML::Node& node, std::optional<HttpListen>& http);
  void warning(const YAML::Node& at, std::string message);
  void load_network(const YAML::Node& node, NetworkConfig& network);
  std::vector<NetworkRange> load_allow(const YAML::Node& node, const std::string& field);
  // tls_verify, ca_file and pinned_public_key, shared by feeds and webhooks. False for other keys.
  // format: email's keys, and its smtp:// or smtps:// URL.
  bool load_email(WebhookConfig& webhook, const std::vector<std::pair<std::string, YAML::Node>>& keys,
                  const YAML::Node& item, const std::string& field, const std::string& label);
  // A chat or incident API's credential and target (telegram's token and chat_id, ...).
  bool load_channel(WebhookConfig& webhook, const std::vector<std::pair<std::string, YAML::Node>>& keys,
                    const std::optional<YAML::Node>& secret_file, const YAML::Node& item, const std::string& field,
                    const std::string& label);
  std::optional<std::string> get_mail_url(const YAML::Node& node, const std::string& field);
  // The contents of a secret file (one trailing line break dropped); warns when others can read it.
  std::optional<std::string> read_secret_file(const YAML::Node& node, const std::string& field);
  bool load_tls_key(const std::string& name, const YAML::Node& value, const std::string& field, TlsConfig& tls);
  // Remembers the first secret written into the file itself rather than taken from ${ENV}.
  void note_secret(const YAML::Node& node);
  std::optional<HttpListen> get_listen(const YAML::Node& value, const std::string& field);
  void load_state(const YAML::Node& node, StateConfig& state);
  void load_websub(const YAML::Node& node, std::optional<WebSubConfig>& websub);
  void load_cluster(const YAML::Node& node, std::optional<ClusterConfig>& cluster);
  // One key of the cluster section; records the nodes of the keys checked against each other.
  void load_cluster_key(const std::string& name, const YAML::Node& value, ClusterConfig& cluster);
  std::optional<std::vector<std::string>> get_nats_urls(const YAML::Node& node, const std::string& field);
  // The rules between keys: one kind of credentials, keys that come in pairs, the defaults that
  // depend on other keys. `keys` are the section's (key, value) nodes in file order.
  void check_cluster_keys(const std::vector<std::pair<YAML::Node, YAML::Node>>& keys);
  void default_cluster_settings(const YAML::Node& at, const std::vector<std::pair<YAML::Node, YAML::Node>>& keys,
                                ClusterConfig& cluster);

  std::string file_;
  std::string_view source_;   // the YAML text being loaded, for column numbers
  std::filesystem::path base_dir_;
  bool check_state_dir_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<Diagnostic> warnings_;
  int inline_secret_line_ = 0;
  std::vector<NotifyRef> notify_refs_;
  std::vector<std::pair<YAML::Node, int>> null_value_lines_;   // empty values and the line of their key
  std::vector<ApiToken> api_tokens_;
  std::string dir_files_read_;   // each watchlist and feed file's name and bytes, for the fingerprint
  std::optional<FileEdit> edit_;
};

}  // namespace newsalert::config
