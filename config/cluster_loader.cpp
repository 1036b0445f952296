// The cluster: section: the NATS servers, the credentials to reach them, and this node's name.
#include "config/config_loader.hpp"

#include "common/url_redaction.hpp"
#include "config/loader_helpers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <unistd.h>

namespace newsalert::config {

using namespace std::chrono_literals;
using detail::authority_of;
using detail::describe;
using detail::host_problem;
using detail::index_field;
using detail::quote;
using detail::scheme_length;

namespace {

// A cluster node's name: it becomes part of NATS subjects, KV keys and consumer names.
bool is_node_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// The value of `name` among a section's (key, value) nodes; nullptr when the key is absent.
const YAML::Node* value_of(const std::vector<std::pair<YAML::Node, YAML::Node>>& keys, std::string_view name) {
  for (const auto& [key, value] : keys)
    if (key.Scalar() == name) return &value;
  return nullptr;
}

// Empty string when a NATS server URL is usable, else why it is not. Without a port, libnats
// uses NATS's 4222.
std::string nats_url_problem(std::string_view url) {
  const std::size_t rest = scheme_length(url, {"nats", "tls"});
  if (rest == 0) return "expected nats:// or tls://";
  std::string_view port;
  if (std::string problem = host_problem(url, rest, &port); !problem.empty()) return problem;
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (!port.empty() && (ec != std::errc{} || end != port.data() + port.size() || number == 0 || number > 65535))
    return "the port must be a number from 1 to 65535";
  return {};
}

}  // namespace

// Cluster mode. The file must be byte-identical on every node (Config::fingerprint), so the node's
// name defaults to the host name, or comes from ${ENV}.
void ConfigLoader::load_cluster(const YAML::Node& node, std::optional<ClusterConfig>& cluster) {
  if (!node.IsNull() && !expect_map(node, "cluster")) return;
  ClusterConfig config;
  config.line = line(node);
  const auto keys = node.IsNull() ? std::vector<std::pair<YAML::Node, YAML::Node>>{}
                                  : entries(node, "cluster", {"nats", "node", "replicas", "heartbeat", "member_timeout", "snapshot_every",
                                                              "snapshot_log_ratio",
                                                              "creds_file", "user", "password", "token",
                                                              "nkey_seed_file", "ca_file", "cert_file", "key_file"});
  for (const auto& [key, value] : keys) load_cluster_key(key.Scalar(), value, config);
  check_cluster_keys(keys);
  default_cluster_settings(node, keys, config);
  cluster = std::move(config);
}

void ConfigLoader::load_cluster_key(const std::string& name, const YAML::Node& value, ClusterConfig& cluster) {
  const std::string field = "cluster." + name;
  static const std::map<std::string_view, std::string ClusterConfig::*> files = {
      {"creds_file", &ClusterConfig::creds_file}, {"nkey_seed_file", &ClusterConfig::nkey_seed_file},
      {"ca_file", &ClusterConfig::ca_file},       {"cert_file", &ClusterConfig::cert_file},
      {"key_file", &ClusterConfig::key_file}};
  static const std::map<std::string_view, std::string ClusterConfig::*> texts = {
      {"user", &ClusterConfig::user}, {"password", &ClusterConfig::password}, {"token", &ClusterConfig::token}};
  if (name == "nats") {
    if (auto urls = get_nats_urls(value, field)) cluster.nats = std::move(*urls);
  } else if (name == "node") {
    const auto text = get_expanded(value, field);
    if (text && !is_node_name(*text))
      error(value, field + ": " + quote(*text) + " must be 1 to 64 letters, digits, '_' or '-' (it becomes part of "
                                                 "NATS subjects, KV keys and consumer names)");
    else if (text)
      cluster.node = *text;
  } else if (name == "replicas") {
    if (const auto n = get_int(value, field, 1, 5)) cluster.replicas = static_cast<int>(*n);
  } else if (name == "snapshot_every") {
    if (const auto n = get_int(value, field, 100, 10'000'000)) cluster.snapshot_every = static_cast<std::uint64_t>(*n);
  } else if (name == "snapshot_log_ratio") {
    if (const auto ratio = get_number(value, field, 0)) cluster.snapshot_log_ratio = *ratio;
  } else if (name == "heartbeat") {
    const auto d = get_duration(value, field, 500ms);
    if (d && *d > 30s) error(value, field + ": must be at most 30s, got " + format_duration(*d));
    else if (d) cluster.heartbeat = *d;
  } else if (name == "member_timeout") {
    // A value that cannot be read is reported here alone, not also as shorter than 3 heartbeats.
    cluster.member_timeout = get_duration(value, field, 1ms).value_or(Millis::max());
  } else if (const auto text = texts.find(name); text != texts.end()) {
    if (name != "user") note_secret(value);
    const auto expanded = get_expanded(value, field);
    if (expanded && expanded->empty()) error(value, field + ": must not be empty");
    else if (expanded) cluster.*(text->second) = *expanded;
  } else if (const auto file = files.find(name); file != files.end()) {
    // ${CREDENTIALS_DIRECTORY}/name reads a file systemd passed with LoadCredential=.
    const auto path_text = get_expanded(value, field);
    const auto path = path_text ? readable_file(*path_text, value, field) : std::nullopt;
    if (path && name != "ca_file" && name != "cert_file") warn_if_world_readable(*path, value, field);
    if (path) cluster.*(file->second) = path->string();
  }
}

// A URL or a list of them. Credentials inside a URL are refused: URLs are logged and shown by `check`.
std::optional<std::vector<std::string>> ConfigLoader::get_nats_urls(const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar() && !node.IsSequence()) {
    error(node, field + ": expected a URL or a list of URLs, got " + describe(node));
    return std::nullopt;
  }
  if (node.IsSequence() && node.size() == 0) {
    error(node, field + ": must list at least one server URL");
    return std::nullopt;
  }
  std::vector<std::string> urls;
  bool ok = true;
  const auto one = [&](const YAML::Node& item, const std::string& item_field) {
    const auto url = get_string(item, item_field);
    std::string problem = url ? nats_url_problem(*url) : std::string();
    if (url && problem.empty() && authority_of(*url, url->find("://") + 3).find('@') != std::string_view::npos) {
      error(item, item_field + ": credentials in the URL would appear in logs; use user and password, or token");
      ok = false;
    } else if (!problem.empty()) {
      error(item, item_field + ": invalid URL " + quote(redact_url_secrets(*url)) + ": " + problem);
      ok = false;
    } else if (url) {
      urls.push_back(*url);
    } else {
      ok = false;
    }
  };
  if (node.IsScalar()) one(node, field);
  std::size_t i = 0;
  for (auto it = node.begin(); node.IsSequence() && it != node.end(); ++it, ++i) one(*it, index_field(field, i));
  if (!ok) return std::nullopt;
  return urls;
}

void ConfigLoader::check_cluster_keys(const std::vector<std::pair<YAML::Node, YAML::Node>>& keys) {
  const auto kind_of = [](const std::string& name) -> std::string {
    if (name == "password") return "user";
    return name == "user" || name == "creds_file" || name == "token" || name == "nkey_seed_file" ? name : "";
  };
  std::string first;   // the key of the first kind of credentials, in file order
  for (const auto& [key, value] : keys) {
    const std::string kind = kind_of(key.Scalar());
    if (kind.empty()) continue;
    if (first.empty()) {
      first = key.Scalar();
    } else if (kind != kind_of(first)) {
      error(value, "cluster: " + first + " and " + key.Scalar() + " are mutually exclusive (give one kind of "
                                                                 "credentials: creds_file, user and password, token or "
                                                                 "nkey_seed_file)");
      break;
    }
  }
  const auto needs = [&](std::string_view name, std::string_view other, std::string_view why) {
    if (const YAML::Node* at = value_of(keys, name); at && !value_of(keys, other))
      error(*at, "cluster." + std::string(name) + ": needs cluster." + std::string(other) + std::string(why));
  };
  needs("user", "password", "");
  needs("password", "user", "");
  needs("cert_file", "key_file", " (a client certificate goes with its private key)");
  needs("key_file", "cert_file", " (a client certificate goes with its private key)");
}

void ConfigLoader::default_cluster_settings(const YAML::Node& at,
                                            const std::vector<std::pair<YAML::Node, YAML::Node>>& keys,
                                            ClusterConfig& cluster) {
  const auto given = [&](std::string_view name) { return value_of(keys, name); };
  if (!given("nats")) error(at, "cluster: missing required key 'nats' (the URLs of the NATS servers)");
  if (!given("replicas") && cluster.nats.size() == 1) cluster.replicas = 1;
  const Millis least_timeout = 3 * cluster.heartbeat;
  if (const YAML::Node* timeout = given("member_timeout"); !timeout) {
    cluster.member_timeout = std::max(cluster.member_timeout, least_timeout);
  } else if (cluster.member_timeout < least_timeout) {
    error(*timeout, "cluster.member_timeout: must be at least 3 times cluster.heartbeat (" +
                        format_duration(least_timeout) + "), got " + format_duration(cluster.member_timeout));
  }
  if (given("node")) return;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    error(at, "cluster: the host name cannot be read for the default node name; set cluster.node");
    return;
  }
  cluster.node = node_name_from_host(host);
}

}  // namespace newsalert::config
