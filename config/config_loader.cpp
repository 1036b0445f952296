// Turns YAML text into a Config, collecting every problem as a file:line diagnostic.
#include "config/config_loader.hpp"

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "common/url_redaction.hpp"
#include "config/load_config.hpp"
#include "config/loader_helpers.hpp"
#include "config/yaml_bounds.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

namespace newsalert::config {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using detail::describe;
using detail::index_field;
using detail::line_of;
using detail::quote;
using detail::redact_url;
using detail::url_problem;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> suggest(std::string_view key, const std::vector<std::string_view>& known) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (const auto candidate : known) {
    const std::size_t d = edit_distance(key, candidate);
    // A two-letter key is "close" to every other short key; only suggest what is plausibly a typo.
    if (d < best_distance && d < std::max(key.size(), candidate.size())) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

// Header field names are HTTP tokens.
bool is_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool is_loopback(const std::string& host) {
  static const NetworkRange v4 = *NetworkRange::parse("127.0.0.0/8");
  static const NetworkRange v6 = *NetworkRange::parse("::1");
  const auto address = IpAddress::parse(host);   // ::ffff:127.0.0.1 is read as IPv4
  return address && (v4.contains(*address) || v6.contains(*address));
}

}  // namespace

ConfigLoader::ConfigLoader(std::string file_name, bool check_state_dir)
    : file_(std::move(file_name)), check_state_dir_(check_state_dir) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(fs::path(file_), ec);
  base_dir_ = (ec ? fs::path(file_) : absolute).parent_path();
}

void ConfigLoader::error(int line, std::string message) {
  diagnostics_.push_back(Diagnostic{file_, line, std::move(message)});
}

void ConfigLoader::error(const YAML::Node& at, std::string message) { error(line(at), std::move(message)); }

// Walks the source from where the scalar starts, stepping over quotes, block headers and the
// line breaks and indentation YAML folds away, until `offset` characters of the value are passed.
void ConfigLoader::error_in(const YAML::Node& scalar, std::size_t offset, std::string message) {
  const YAML::Mark mark = scalar.Mark();
  if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= source_.size()) {
    error(scalar, std::move(message));
    return;
  }
  std::size_t j = static_cast<std::size_t>(mark.pos);
  const char first = source_[j];
  if (first == '"' || first == '\'') {
    ++j;
  } else if (first == '|' || first == '>') {
    const std::size_t eol = source_.find('\n', j);
    j = eol == std::string_view::npos ? source_.size() : eol + 1;
  }
  const std::string& value = scalar.Scalar();
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (std::size_t i = 0; i < offset && i < value.size() && j < source_.size();) {
    if (value[i] == source_[j]) {
      ++i;
      ++j;
    } else if (is_blank(source_[j])) {
      ++j;
    } else if (is_blank(value[i])) {
      ++i;
    } else {
      ++i;
      ++j;
    }
  }
  while (j < source_.size() && is_blank(source_[j]) && offset < value.size() && !is_blank(value[offset])) ++j;
  const std::size_t line_start = source_.rfind('\n', j == 0 ? 0 : j - 1);
  const std::size_t begin = (line_start == std::string_view::npos || j == 0) ? 0 : line_start + 1;
  const auto line_number = 1 + static_cast<int>(std::count(source_.begin(), source_.begin() + static_cast<std::ptrdiff_t>(begin), '\n'));
  diagnostics_.push_back(Diagnostic{file_, line_number, std::move(message), static_cast<int>(j - begin) + 1});
}

// yaml-cpp marks an empty value ("key:") with the position of the next token, often lines later;
// the key's line is where the user has to look.
int ConfigLoader::line(const YAML::Node& node) const {
  if (node.IsNull())
    for (const auto& [value, key_line] : null_value_lines_)
      if (value.is(node)) return key_line;
  return line_of(node);
}

std::vector<std::pair<YAML::Node, YAML::Node>> ConfigLoader::entries(const YAML::Node& map, std::string_view section,
                                                                     const std::vector<std::string_view>& known) {
  std::vector<std::pair<YAML::Node, YAML::Node>> out;
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      error(key, "expected a key name in " + std::string(section) + ", got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const auto [first, inserted] = seen.emplace(name, line_of(key)); !inserted) {
      error(key, "duplicate key '" + name + "' in " + std::string(section) + " (first on line " +
                     std::to_string(first->second) + ")");
      continue;
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message = "unknown key " + quote(name) + " in " + std::string(section);
      if (const auto s = suggest(name, known)) message += "; did you mean '" + std::string(*s) + "'?";
      error(key, std::move(message));
      continue;
    }
    if (value.IsNull()) null_value_lines_.emplace_back(value, line_of(key));
    out.emplace_back(key, value);
  }
  return out;
}

bool ConfigLoader::expect_map(const YAML::Node& node, const std::string& field) {
  if (node.IsMap()) return true;
  error(node, field + ": expected a map, got " + describe(node));
  return false;
}

bool ConfigLoader::expect_list(const YAML::Node& node, const std::string& field) {
  if (node.IsSequence()) return true;
  error(node, field + ": expected a list, got " + describe(node));
  return false;
}

std::optional<std::string> ConfigLoader::get_string(const YAML::Node& node, const std::string& field) {
  if (node.IsScalar()) return node.Scalar();
  error(node, field + ": expected a string, got " + describe(node));
  return std::nullopt;
}

std::optional<double> ConfigLoader::get_number(const YAML::Node& node, const std::string& field, double min) {
  double value = 0;
  const std::string text = node.IsScalar() ? node.Scalar() : std::string();
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!node.IsScalar() || text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    error(node, field + ": expected a number, got " + describe(node));
    return std::nullopt;
  }
  if (value < min) {
    error(node, field + ": must be at least " + format_number(min) + ", got " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<Millis> ConfigLoader::get_duration(const YAML::Node& node, const std::string& field, Millis min) {
  std::optional<Millis> value;
  if (node.IsScalar()) value = node.Scalar() == "0" ? Millis(0) : parse_duration(node.Scalar());
  if (!value) {
    error(node, field + ": expected a duration like 30s, 5m or 2h, got " + describe(node));
    return std::nullopt;
  }
  if (*value < min) {
    error(node, field + ": must be at least " + format_duration(min) + ", got " + format_duration(*value));
    return std::nullopt;
  }
  return value;
}

std::optional<long long> ConfigLoader::get_int(const YAML::Node& node, const std::string& field, long long min,
                                               long long max) {
  long long value = 0;
  bool ok = false;
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    ok = ec == std::errc{} && ptr == text.data() + text.size() && !text.empty();
  }
  if (!ok) {
    error(node, field + ": expected an integer, got " + describe(node));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, field + ": must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                    std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> ConfigLoader::get_byte_size(const YAML::Node& node, const std::string& field) {
  std::optional<std::uint64_t> value;
  if (node.IsScalar()) value = parse_byte_size(node.Scalar());
  if (!value) {
    error(node, field + ": expected a size like 16MiB or 512KiB, got " + describe(node));
    return std::nullopt;
  }
  if (*value == 0) {
    error(node, field + ": must be greater than 0");
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> ConfigLoader::get_string_list(const YAML::Node& node,
                                                                      const std::string& field) {
  if (!expect_list(node, field)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    auto value = get_string(*it, index_field(field, i));
    if (value && value->empty()) {
      error(*it, index_field(field, i) + ": must not be empty");
      value.reset();
    }
    if (value) out.push_back(std::move(*value));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> ConfigLoader::get_url(const YAML::Node& node, const std::string& field, bool redact) {
  auto url = get_string(node, field);
  if (!url) return std::nullopt;
  if (redact) {
    url = expand_env(*url, node, field);
    if (!url) return std::nullopt;
  }
  if (const std::string problem = url_problem(*url); !problem.empty()) {
    error(node, field + ": invalid URL " + quote(redact ? redact_url(*url) : redact_url_secrets(*url)) + ": " + problem);
    return std::nullopt;
  }
  return url;
}

std::optional<bool> ConfigLoader::get_bool(const YAML::Node& node, const std::string& field) {
  if (node.IsScalar()) {
    const std::string text = to_lower_ascii(node.Scalar());
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
  }
  error(node, field + ": expected true or false, got " + describe(node));
  return std::nullopt;
}

void ConfigLoader::load_headers(const YAML::Node& node, const std::string& field,
                                std::map<std::string, std::string>& headers) {
  if (!expect_map(node, field)) return;
  for (auto h = node.begin(); h != node.end(); ++h) {
    const YAML::Node hkey = h->first;
    if (!hkey.IsScalar() || !is_header_name(hkey.Scalar())) {
      error(hkey, field + ": expected an HTTP header name, got " + describe(hkey));
      continue;
    }
    const std::string header_field = field + "." + hkey.Scalar();
    if (headers.contains(hkey.Scalar())) {
      error(hkey, header_field + ": duplicate header");
      continue;
    }
    const auto expanded = get_expanded(h->second, header_field);
    if (!expanded) continue;
    if (expanded->find_first_of("\r\n") != std::string::npos) {
      error(h->second, header_field + ": value must be a single line");
      continue;
    }
    headers[hkey.Scalar()] = *expanded;
  }
}

std::optional<std::string> ConfigLoader::get_expanded(const YAML::Node& node, const std::string& field) {
  const auto raw = get_string(node, field);
  if (!raw) return std::nullopt;
  return expand_env(*raw, node, field);
}

// "${NAME}" anywhere in the text is replaced by the environment variable; the value itself is never
// put in a message, since these are usually secrets.
std::optional<std::string> ConfigLoader::expand_env(const std::string& text, const YAML::Node& at,
                                                    const std::string& field) {
  std::string out;
  bool ok = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = text.find("${", pos);
    if (start == std::string::npos) {
      out.append(text, pos);
      break;
    }
    out.append(text, pos, start - pos);
    const auto close = text.find('}', start + 2);
    if (close == std::string::npos) {
      error(at, field + ": unterminated ${ (write ${NAME} to use an environment variable)");
      return std::nullopt;
    }
    const std::string name = text.substr(start + 2, close - start - 2);
    const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                       });
    if (!valid) {
      error(at, field + ": invalid environment variable name " + quote(name));
      ok = false;
    } else if (const char* value = std::getenv(name.c_str()); value == nullptr) {
      error(at, field + ": environment variable " + name + " is not set");
      ok = false;
    } else {
      out += value;
    }
    pos = close + 1;
  }
  if (!ok) return std::nullopt;
  return out;
}

fs::path ConfigLoader::resolve(const std::string& path) const {
  fs::path p(path);
  if (p.is_relative()) p = base_dir_ / p;
  return p.lexically_normal();
}

std::optional<fs::path> ConfigLoader::readable_file(const std::string& path_text, const YAML::Node& at,
                                                   const std::string& field) {
  const fs::path path = resolve(path_text);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error(at, field + " '" + path.string() + "': is a directory");
    return std::nullopt;
  }
  if (std::ifstream in(path, std::ios::binary); !in) {
    const int err = errno;
    error(at, field + " '" + path.string() + "': " + std::strerror(err));
    return std::nullopt;
  }
  return path;
}

void ConfigLoader::warn_if_world_readable(const fs::path& path, const YAML::Node& at, const std::string& field) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
    warning(at, "warning: " + field + " '" + path.string() + "' is readable by every user; chmod o-r it");
}

Config ConfigLoader::load(const std::string& yaml_text) {
  source_ = yaml_text;
  YAML::Node root;
  try {
    check_yaml_bounds(yaml_text, file_);
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError({Diagnostic{file_, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg}});
  }

  Config config;
  config.source = file_;
  config.fingerprint = sha256_hex(yaml_text);
  if (root.IsNull()) {
    error(0, "the config is empty; at least 'state_dir' is required");
    throw ConfigError(std::move(diagnostics_));
  }
  if (!root.IsMap()) {
    error(root, "expected a map of settings at the top level, got " + describe(root));
    throw ConfigError(std::move(diagnostics_));
  }

  int state_dir_line = 0;
  bool has_state_dir = false;
  std::optional<YAML::Node> watchlists_dir;
  for (const auto& [key, value] :
       entries(root, "the top level",
               {"state_dir", "user_agent", "poll", "feeds", "watchlists", "webhooks", "shutdown_grace",
                "region_groups", "http", "network", "state", "websub", "cluster", "watchlists_dir", "full_text"})) {
    const std::string& name = key.Scalar();
    if (name == "state_dir") {
      has_state_dir = true;
      state_dir_line = line(value);
      if (const auto dir = get_expanded(value, "state_dir")) {
        if (dir->empty()) error(value, "state_dir: must not be empty");
        else config.state_dir = resolve(*dir);
      }
    } else if (name == "user_agent") {
      if (const auto ua = get_string(value, "user_agent")) {
        if (ua->find_first_of("\r\n") != std::string::npos) error(value, "user_agent: must be a single line");
        else config.user_agent = *ua;
      }
    } else if (name == "poll") {
      load_poll(value, config.poll);
    } else if (name == "full_text") {
      load_full_text(value, config.full_text);
    } else if (name == "feeds") {
      load_feeds(value, config.feeds);
    } else if (name == "watchlists") {
      load_watchlists(value, config.watchlists);
    } else if (name == "webhooks") {
      load_webhooks(value, config.webhooks);
    } else if (name == "region_groups") {
      load_region_groups(value, config.region_groups);
    } else if (name == "shutdown_grace") {
      if (const auto d = get_duration(value, "shutdown_grace", 0ms)) config.shutdown_grace = *d;
    } else if (name == "http") {
      load_http(value, config.http);
    } else if (name == "network") {
      load_network(value, config.network);
    } else if (name == "state") {
      load_state(value, config.state);
    } else if (name == "websub") {
      load_websub(value, config.websub);
    } else if (name == "cluster") {
      load_cluster(value, config.cluster);
    } else if (name == "watchlists_dir") {
      watchlists_dir = value;
    }
  }
  load_watchlist_files(watchlists_dir, config);
  load_feed_files(config);
  if (!dir_files_read_.empty()) config.fingerprint = sha256_hex(yaml_text + dir_files_read_);
  config.api_tokens = std::move(api_tokens_);
  if (config.websub && !config.websub->listen && !config.http)
    error(config.websub->line, "websub: hubs need a listener for their callbacks: set websub.listen or http.listen");
  if (!has_state_dir) error(root, "missing required key 'state_dir'");
  expand_region_groups(config);

  if (config.webhooks.empty()) {
    WebhookConfig stdout_hook;
    stdout_hook.name = "stdout";
    stdout_hook.format = WebhookFormat::stdout_lines;
    config.webhooks.push_back(std::move(stdout_hook));
  }
  for (const auto& ref : notify_refs_) {
    const bool known = std::any_of(config.webhooks.begin(), config.webhooks.end(),
                                   [&](const WebhookConfig& w) { return w.name == ref.webhook; });
    if (!known)
      diagnostics_.push_back(Diagnostic{ref.file, ref.line, ref.watchlist + " notifies unknown webhook " + quote(ref.webhook)});
  }

  if (check_state_dir_ && !config.state_dir.empty()) check_state_dir(config.state_dir, state_dir_line);

  if (!diagnostics_.empty()) {
    // The main file's problems first, then each watchlist file's, each in line order.
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [this](const Diagnostic& a, const Diagnostic& b) {
      return std::make_tuple(a.file != file_, a.file, a.line, a.column) <
             std::make_tuple(b.file != file_, b.file, b.line, b.column);
    });
    throw ConfigError(std::move(diagnostics_));
  }
  std::stable_sort(warnings_.begin(), warnings_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  config.warnings = std::move(warnings_);
  config.inline_secret_line = inline_secret_line_;
  return config;
}

void ConfigLoader::check_state_dir(const fs::path& dir, int line) {
  const std::string label = "state_dir '" + dir.string() + "': ";
  std::error_code ec;
  // A directory made here is the owner's alone (0700): the state holds webhook URLs and secrets.
  if (fs::create_directories(dir, ec)) fs::permissions(dir, fs::perms::owner_all, ec);
  if (ec) {
    error(line, label + ec.message());
    return;
  }
  if (!fs::is_directory(dir, ec)) {
    error(line, label + "not a directory");
    return;
  }
  // access(W_OK) is not enough: read-only mounts and ACLs only show up when a file is actually created.
  const fs::path probe = dir / (".newsalert-write-test-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    error(line, label + "not writable: " + std::strerror(err));
    return;
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

// The admin listener answers anyone who can reach it (status, metrics, and a write API to come),
// so an address beyond loopback must be meant: `public: true` says it is.
void ConfigLoader::load_http(const YAML::Node& node, std::optional<HttpListen>& http) {
  if (node.IsNull()) return;
  if (!expect_map(node, "http")) return;
  HttpListen limits;
  std::optional<HttpListen> address;
  YAML::Node listen_node;
  bool has_listen = false, has_bounds = false, is_public = false;
  for (const auto& [key, value] :
       entries(node, "http", {"listen", "public", "max_connections", "request_timeout", "idle_timeout", "tokens"})) {
    const std::string& name = key.Scalar();
    const std::string field = "http." + name;
    if (name == "tokens") {
      load_api_tokens(value);
      continue;
    }
    has_listen = has_listen || name == "listen";
    has_bounds = has_bounds || (name != "listen" && name != "public");
    if (name == "listen") {
      address = get_listen(value, field);
      listen_node = value;
    } else if (name == "public") {
      if (const auto b = get_bool(value, field)) is_public = *b;
    } else if (name == "max_connections") {
      if (const auto n = get_int(value, field, 1, 100'000)) limits.max_connections = static_cast<int>(*n);
    } else if (name == "request_timeout") {
      if (const auto d = get_duration(value, field, 100ms)) limits.request_timeout = *d;
    } else if (const auto d = get_duration(value, field, 100ms)) {
      limits.idle_timeout = *d;
    }
  }
  if (!has_listen && (has_bounds || is_public)) error(node, "http: missing required key 'listen' (the admin listener's address)");
  if (!address) return;
  if (!is_public && !is_loopback(address->host))
    warning(listen_node, "warning: http.listen: " + address->str() + " is not a loopback address, so other machines can "
                         "reach the admin endpoints; listen on 127.0.0.1 or [::1], or set http.public: true if that "
                         "is meant");
  limits.host = address->host;
  limits.port = address->port;
  http = std::move(limits);
}

std::optional<HttpListen> ConfigLoader::get_listen(const YAML::Node& value, const std::string& field) {
  const auto text = get_expanded(value, field);
  if (!text) return std::nullopt;
  const std::string expected = ": expected HOST:PORT with an IP address, like 127.0.0.1:9464 or [::1]:9464, got " +
                               quote(*text);
  std::string host, port_text;
  if (text->starts_with('[')) {
    const auto close = text->find("]:");
    if (close == std::string::npos) {
      error(value, field + expected);
      return std::nullopt;
    }
    host = text->substr(1, close - 1);
    port_text = text->substr(close + 2);
  } else {
    const auto colon = text->rfind(':');
    if (colon == std::string::npos || text->find(':') != colon) {
      error(value, field + expected);
      return std::nullopt;
    }
    host = text->substr(0, colon);
    port_text = text->substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  unsigned char address[16];
  const bool is_ip = ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
  unsigned port = 0;
  const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  const bool port_ok = ec == std::errc{} && ptr == port_text.data() + port_text.size() && port >= 1 && port <= 65535;
  if (!is_ip || !port_ok) {
    error(value, field + expected);
    return std::nullopt;
  }
  return HttpListen{host, static_cast<std::uint16_t>(port)};
}

void ConfigLoader::load_state(const YAML::Node& node, StateConfig& state) {
  if (node.IsNull()) return;
  if (!expect_map(node, "state")) return;
  for (const auto& [key, value] : entries(node, "state", {"retention", "keep_text"})) {
    if (key.Scalar() == "keep_text") {
      if (const auto d = get_duration(value, "state.keep_text", 0ms)) state.keep_text = *d;
    } else if (const auto d = get_duration(value, "state.retention", 0ms)) {
      if (d->count() > 0 && *d < std::chrono::hours(1))
        error(value, "state.retention: must be 0 (keep forever) or at least 1h, got " + format_duration(*d));
      else
        state.retention = *d;
    }
  }
  if (state.retention.count() > 0 && state.keep_text > state.retention) state.keep_text = state.retention;
}

void ConfigLoader::load_websub(const YAML::Node& node, std::optional<WebSubConfig>& websub) {
  if (node.IsNull()) return;
  if (!expect_map(node, "websub")) return;
  WebSubConfig config;
  config.line = line(node);
  bool has_base = false;
  for (const auto& [key, value] : entries(node, "websub", {"callback_base", "listen", "poll_interval", "lease"})) {
    const std::string& name = key.Scalar();
    const std::string field = "websub." + name;
    if (name == "callback_base") {
      has_base = true;
      if (auto url = get_url(value, field, false)) {
        while (url->ends_with('/')) url->pop_back();
        if (url->find_first_of("?#") != std::string::npos) error(value, field + ": must not have a query or fragment");
        config.callback_base = *url;
      }
    } else if (name == "listen") {
      config.listen = get_listen(value, field);
    } else if (name == "poll_interval") {
      if (const auto d = get_duration(value, field, 1s)) config.poll_interval = *d;
    } else if (name == "lease") {
      if (const auto d = get_duration(value, field, 1s)) config.lease = *d;
    }
  }
  if (!has_base) error(node, "websub: missing required key 'callback_base' (the public URL hubs call back)");
  websub = std::move(config);
}

void ConfigLoader::warning(const YAML::Node& at, std::string message) {
  warnings_.push_back(Diagnostic{file_, line(at), std::move(message)});
}

void ConfigLoader::note_secret(const YAML::Node& node) {
  if (inline_secret_line_ == 0 && node.IsScalar() && node.Scalar().find("${") == std::string::npos)
    inline_secret_line_ = line(node);
}

void ConfigLoader::load_network(const YAML::Node& node, NetworkConfig& network) {
  if (!expect_map(node, "network")) return;
  for (const auto& [key, value] : entries(node, "network", {"allow"})) {
    static_cast<void>(key);
    network.allow = load_allow(value, "network.allow");
  }
}

std::vector<NetworkRange> ConfigLoader::load_allow(const YAML::Node& node, const std::string& field) {
  std::vector<NetworkRange> out;
  if (node.IsNull()) return out;
  const auto list = get_string_list(node, field);
  if (!list) return out;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    std::string problem;
    if (auto range = NetworkRange::parse(trim((*list)[i]), &problem)) {
      out.push_back(std::move(*range));
    } else {
      error(*it, index_field(field, i) + ": " + quote((*list)[i]) + " is not a network: " + problem +
                     " (expected CIDR like 10.0.0.0/8 or fd00::/8, optionally with a port: 127.0.0.1:8080, "
                     "[::1]:8080)");
    }
  }
  return out;
}

bool ConfigLoader::load_tls_key(const std::string& name, const YAML::Node& value, const std::string& field,
                                TlsConfig& tls) {
  if (name == "tls_verify") {
    if (const auto b = get_bool(value, field)) {
      tls.verify = *b;
      if (!*b) warning(value, "warning: " + field + ": false: certificates are not checked, so anyone on the path can "
                                                    "read and change this traffic");
    }
    return true;
  }
  if (name == "ca_file") {
    const auto path_text = get_string(value, field);
    if (const auto path = path_text ? readable_file(*path_text, value, field) : std::nullopt) tls.ca_file = path->string();
    return true;
  }
  if (name == "pinned_public_key") {
    const auto text = get_string(value, field);
    if (!text) return true;
    if (text->starts_with("sha256//")) {
      std::string_view rest = *text;
      bool ok = true;
      while (ok && !rest.empty()) {
        const auto semicolon = rest.find(';');
        std::string_view pin = trim(rest.substr(0, semicolon));
        rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
        std::string digest;
        ok = pin.starts_with("sha256//") && base64_decode(pin.substr(8), digest) && digest.size() == 32;
      }
      if (ok) tls.pinned_public_key = *text;
      else
        error(value, field + ": expected sha256//BASE64 (the base64 SHA-256 of the server's public key), several "
                             "separated by ';', or the path of a PEM or DER public key file");
    } else {
      const fs::path path = resolve(*text);
      std::ifstream in(path, std::ios::binary);
      if (!in) error(value, field + " '" + path.string() + "': " + std::strerror(errno));
      else tls.pinned_public_key = path.string();
    }
    return true;
  }
  return false;
}

Config parse_config(const std::string& yaml_text, const std::string& file_name, bool check_state_dir,
                    const FileEdit* edit) {
  ConfigLoader loader(file_name, check_state_dir);
  if (edit) loader.edit_file(*edit);
  return loader.load(yaml_text);
}

}  // namespace newsalert::config
