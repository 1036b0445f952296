// Turns YAML text into a Config, collecting every problem as a file:line diagnostic.
#include "config/config_loader.hpp"

#include "common/crypto.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "common/url_redaction.hpp"
#include "config/load_config.hpp"
#include "config/language_codes.hpp"
#include "config/loader_helpers.hpp"
#include "config/mail_address.hpp"
#include "config/opml_reader.hpp"
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
using detail::is_name;
using detail::line_of;
using detail::quote;

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

// Header field names are HTTP tokens.
bool is_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

// The length of the URL's scheme and "://" when it is one of `schemes` (any case), else 0.
std::size_t scheme_length(std::string_view url, std::initializer_list<std::string_view> schemes) {
  const std::string lower = to_lower_ascii(url.substr(0, 8));
  for (const auto scheme : schemes)
    if (lower.starts_with(scheme) && lower.substr(scheme.size()).starts_with("://")) return scheme.size() + 3;
  return 0;
}

// The authority of a URL whose scheme is `rest` characters long: user info, host and port.
std::string_view authority_of(std::string_view url, std::size_t rest) {
  const std::string_view authority = url.substr(rest);
  return authority.substr(0, authority.find_first_of("/?#"));
}

// Empty string when the URL after its scheme names a host, else why it does not. `port` is set to
// what follows the host's ':' ("" without one).
std::string host_problem(std::string_view url, std::size_t rest, std::string_view* port = nullptr) {
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
    return "contains whitespace";
  std::string_view host = authority_of(url, rest);
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  std::string_view after_host;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    after_host = host.substr(close + 1);
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    after_host = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host.empty()) return "missing host";
  if (port != nullptr) *port = after_host.starts_with(':') ? after_host.substr(1) : after_host;
  return {};
}

// Empty string when the URL is usable, else why it is not.
std::string url_problem(std::string_view url) {
  const std::size_t rest = scheme_length(url, {"http", "https"});
  if (rest == 0) return "expected http:// or https://";
  return host_problem(url, rest);
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

// Webhook URLs often carry tokens (Slack, Discord): show only scheme and host in messages.
std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url.size() > 8 ? std::string(url.substr(0, 8)) + "..." : std::string(url);
  std::string_view authority = url.substr(scheme_end + 3);
  const auto end = authority.find_first_of("/?#");
  const bool more = end != std::string_view::npos && end + 1 < authority.size();
  authority = authority.substr(0, end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return std::string(url.substr(0, scheme_end + 3)) + std::string(authority) + (more ? "/..." : "");
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// "10/s", "600/m", "5/h", or a bare number of attempts per second; nullopt when malformed.
std::optional<double> parse_rate(std::string_view text) {
  text = trim(text);
  double per = 1.0;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto unit = trim(text.substr(slash + 1));
    if (unit == "s") per = 1.0;
    else if (unit == "m") per = 60.0;
    else if (unit == "h") per = 3600.0;
    else return std::nullopt;
    text = trim(text.substr(0, slash));
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty() || value <= 0) return std::nullopt;
  return value / per;
}

// "22:00-07:00" as minutes since midnight; nullopt when malformed or empty.
std::optional<std::pair<int, int>> parse_quiet_hours(std::string_view text) {
  const auto clock = [](std::string_view t) -> std::optional<int> {
    t = trim(t);
    int h = 0, m = 0;
    const auto colon = t.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto hs = t.substr(0, colon), ms = t.substr(colon + 1);
    if (hs.empty() || hs.size() > 2 || ms.size() != 2) return std::nullopt;
    if (std::from_chars(hs.data(), hs.data() + hs.size(), h).ptr != hs.data() + hs.size()) return std::nullopt;
    if (std::from_chars(ms.data(), ms.data() + ms.size(), m).ptr != ms.data() + ms.size()) return std::nullopt;
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
  };
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto from = clock(text.substr(0, dash)), to = clock(text.substr(dash + 1));
  if (!from || !to || *from == *to) return std::nullopt;
  return std::pair{*from, *to};
}

// Template placeholders are "{{path}}" with a path of letters, digits, '_' and '.'; returns the
// first problem, or "" when the template is well formed.
std::string template_problem(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const auto close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) return "unterminated {{ at offset " + std::to_string(pos);
    const auto path = trim(text.substr(pos + 2, close - pos - 2));
    const bool ok = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    });
    if (!ok) return "invalid placeholder {{" + std::string(path) + "}}: use a field path such as {{article.title}}";
    pos = close + 2;
  }
  return {};
}

bool is_loopback(const std::string& host) {
  static const NetworkRange v4 = *NetworkRange::parse("127.0.0.0/8");
  static const NetworkRange v6 = *NetworkRange::parse("::1");
  const auto address = IpAddress::parse(host);   // ::ffff:127.0.0.1 is read as IPv4
  return address && (v4.contains(*address) || v6.contains(*address));
}

std::string index_field(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

// The keys beside `url` that a chat, push or incident API needs: its credential (a secret), for
// some where to post, and for some an optional urgency.
struct ChannelKeys {
  WebhookFormat format;
  const char* name;
  const char* secret_key;
  const char* secret_expected;   // the error text's "expected ..."
  bool (*valid_secret)(std::string_view);   // whether a credential has the form the API takes
  const char* target_key;        // nullptr when the API needs none
  bool (*valid_target)(std::string_view);
  const char* target_expected;
  const char* option_key;        // nullptr when the API has no urgency to choose
  bool (*valid_option)(std::string_view);
  const char* option_expected;
};

// Telegram's token is a path segment; the other credentials travel in a header or a JSON string.
bool valid_path_token(std::string_view s) { return !s.empty() && s.find_first_of("/?#% \t\r\n") == std::string_view::npos; }
bool valid_header_token(std::string_view s) { return !s.empty() && s.find_first_of(" \t\r\n") == std::string_view::npos; }
bool alnum_of_length(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}
// PagerDuty answers 400 to a routing key that is not 32 characters long.
bool valid_routing_key(std::string_view s) { return alnum_of_length(s, 32); }
// Pushover's application tokens and user and group keys are 30 letters and digits.
bool valid_pushover_key(std::string_view s) { return alnum_of_length(s, 30); }
bool valid_chat_id(std::string_view s) { return !s.empty() && s.find_first_of("\r\n") == std::string_view::npos; }
bool valid_room(std::string_view s) { return s.size() > 1 && s.starts_with('!') && valid_chat_id(s); }
bool one_of(std::string_view s, std::initializer_list<std::string_view> values) {
  return std::find(values.begin(), values.end(), s) != values.end();
}
bool valid_severity(std::string_view s) { return one_of(s, {"critical", "error", "warning", "info"}); }
bool valid_opsgenie_priority(std::string_view s) { return one_of(s, {"P1", "P2", "P3", "P4", "P5"}); }
// Pushover's 2 (emergency) repeats until acknowledged and needs retry and expire: not offered.
bool valid_pushover_priority(std::string_view s) { return one_of(s, {"-2", "-1", "0", "1"}); }
bool valid_gotify_priority(std::string_view s) {
  return one_of(s, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
}

constexpr ChannelKeys kChannels[] = {
    {WebhookFormat::telegram, "telegram", "token", "a bot token like 123456:ABC-DEF...", valid_path_token, "chat_id",
     valid_chat_id, "a chat id like \"-1001234567890\" or \"@channel\"", nullptr, nullptr, ""},
    {WebhookFormat::matrix, "matrix", "token", "an access token like syt_...", valid_header_token, "room", valid_room,
     "a room id like \"!roomid:example.org\" (the room's settings show it; an alias #room:server is not a room id)",
     nullptr, nullptr, ""},
    {WebhookFormat::pagerduty, "pagerduty", "routing_key",
     "a 32-character integration key (an Events API v2 integration's Integration Key)", valid_routing_key, nullptr,
     nullptr, "", "severity", valid_severity, "critical, error, warning or info"},
    {WebhookFormat::opsgenie, "opsgenie", "token", "an API integration key like eb243592-faa2-4ba2-a551-1afdf565c889",
     valid_header_token, nullptr, nullptr, "", "priority", valid_opsgenie_priority, "P1, P2, P3, P4 or P5"},
    {WebhookFormat::pushover, "pushover", "token", "an application token of 30 letters and digits", valid_pushover_key,
     "user", valid_pushover_key, "a user or group key of 30 letters and digits", "priority", valid_pushover_priority,
     "-2, -1, 0 or 1 (2, emergency, is not offered)"},
    {WebhookFormat::gotify, "gotify", "token", "an application token like AbCdEf.GhIjKl1", valid_header_token, nullptr,
     nullptr, "", "priority", valid_gotify_priority, "a whole number from 0 to 10"},
};

const ChannelKeys* channel_keys(WebhookFormat format) {
  for (const auto& c : kChannels)
    if (c.format == format) return &c;
  return nullptr;
}

// "telegram", "telegram or matrix": the formats that use `key`, for the error on a misplaced one.
std::string formats_using(const std::string& key) {
  std::vector<std::string> names;
  for (const auto& c : kChannels)
    if (key == c.secret_key || (c.target_key && key == c.target_key) || (c.option_key && key == c.option_key))
      names.emplace_back(c.name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

bool is_channel_key(const std::string& key) { return !formats_using(key).empty(); }

// Where a channel's target key is kept.
std::string& target_of(WebhookConfig& webhook) {
  if (webhook.format == WebhookFormat::matrix) return webhook.room;
  if (webhook.format == WebhookFormat::pushover) return webhook.user;
  return webhook.chat_id;
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

void ConfigLoader::load_poll(const YAML::Node& node, PollConfig& poll) {
  if (!expect_map(node, "poll")) return;
  std::optional<YAML::Node> max_interval_node;
  for (const auto& [key, value] :
       entries(node, "poll", {"interval", "concurrency", "per_host", "timeout", "max_bytes", "max_age",
                              "max_interval", "adaptive", "max_compressed_bytes", "max_header_bytes",
                              "max_redirects", "max_entries", "max_field_bytes", "max_xml_depth",
                              "max_xml_attributes"})) {
    const std::string& name = key.Scalar();
    const std::string field = "poll." + name;
    if (name == "interval") {
      if (const auto d = get_duration(value, field, 1s)) poll.interval = *d;
    } else if (name == "concurrency") {
      if (const auto n = get_int(value, field, 1, 10000)) poll.concurrency = static_cast<int>(*n);
    } else if (name == "per_host") {
      if (const auto n = get_int(value, field, 1, 1000)) poll.per_host = static_cast<int>(*n);
    } else if (name == "timeout") {
      if (const auto d = get_duration(value, field, 1ms)) poll.timeout = *d;
    } else if (name == "max_bytes") {
      if (const auto n = get_byte_size(value, field)) poll.max_bytes = *n;
    } else if (name == "max_age") {
      if (const auto d = get_duration(value, field, 0ms)) poll.max_age = *d;
    } else if (name == "max_interval") {
      if (const auto d = get_duration(value, field, 1s)) {
        poll.max_interval = *d;
        max_interval_node = value;
      }
    } else if (name == "adaptive") {
      if (const auto b = get_bool(value, field)) poll.adaptive = *b;
    } else if (name == "max_compressed_bytes") {
      if (const auto n = get_byte_size(value, field)) poll.max_compressed_bytes = *n;
    } else if (name == "max_header_bytes") {
      if (const auto n = get_byte_size(value, field)) poll.max_header_bytes = *n;
    } else if (name == "max_redirects") {
      if (const auto n = get_int(value, field, 0, 20)) poll.max_redirects = static_cast<int>(*n);
    } else if (name == "max_entries") {
      if (const auto n = get_int(value, field, 1, 1'000'000)) poll.max_entries = static_cast<int>(*n);
    } else if (name == "max_field_bytes") {
      if (const auto n = get_byte_size(value, field)) poll.max_field_bytes = *n;
    } else if (name == "max_xml_depth") {
      if (const auto n = get_int(value, field, 8, 10'000)) poll.max_xml_depth = static_cast<int>(*n);
    } else if (name == "max_xml_attributes") {
      if (const auto n = get_int(value, field, 1, 10'000)) poll.max_xml_attributes = static_cast<int>(*n);
    }
  }
  if (max_interval_node && poll.max_interval < poll.interval)
    error(*max_interval_node, "poll.max_interval: must be at least poll.interval (" + format_duration(poll.interval) +
                                  "), got " + format_duration(poll.max_interval));
}

void ConfigLoader::load_feeds(const YAML::Node& node, std::vector<FeedConfig>& feeds) {
  if (node.IsNull()) return;
  if (!expect_list(node, "feeds")) return;
  std::map<std::string, int> first_line;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) load_feed(*it, index_field("feeds", i), feeds, first_line);
}

// One entry of a feed list (a URL, or a map with url or opml), appended to `feeds`; `first_line`
// holds the URLs listed so far, for the duplicate check.
void ConfigLoader::load_feed(const YAML::Node& item, const std::string& field, std::vector<FeedConfig>& feeds,
                             std::map<std::string, int>& first_line) {
  FeedConfig feed;
  feed.line = line_of(item);
  std::optional<std::string> url;
  YAML::Node url_node = item;
  bool ok = true;
  if (item.IsScalar()) {
    url = get_url(item, field, false);
    ok = url.has_value();
  } else if (item.IsMap()) {
    std::optional<YAML::Node> password_node;
    std::optional<std::string> opml;
    YAML::Node opml_node;
    bool has_opml = false;
    for (const auto& [key, value] :
         entries(item, field, {"url", "opml", "title", "interval", "headers", "username", "password", "allow",
                               "tls_verify", "ca_file", "pinned_public_key", "allow_https_downgrade", "full_text"})) {
      const std::string& name = key.Scalar();
      if (load_tls_key(name, value, field + "." + name, feed.tls)) continue;
      if (name == "full_text") {
        if (const auto b = get_bool(value, field + "." + name)) feed.full_text = *b;
        continue;
      }
      if (name == "allow") {
        feed.allow = load_allow(value, field + ".allow");
        continue;
      }
      if (name == "allow_https_downgrade") {
        if (const auto b = get_bool(value, field + "." + name)) feed.allow_https_downgrade = *b;
        continue;
      }
      if (name == "opml") {
        has_opml = true;
        opml_node = value;
        opml = get_string(value, field + ".opml");
        ok = ok && opml.has_value();
      } else if (name == "url") {
        url_node = value;
        url = get_url(value, field + ".url", false);
        ok = ok && url.has_value();
      } else if (name == "title") {
        if (const auto t = get_string(value, field + ".title")) feed.title = *t;
      } else if (name == "interval") {
        if (const auto d = get_duration(value, field + ".interval", 1s)) feed.interval = *d;
      } else if (name == "headers") {
        if (value.IsMap())
          for (auto h = value.begin(); h != value.end(); ++h) note_secret(h->second);
        load_headers(value, field + ".headers", feed.headers);
      } else if (name == "username") {
        if (auto u = get_expanded(value, field + ".username")) {
          if (u->find(':') != std::string::npos) error(value, field + ".username: must not contain ':'");
          else feed.username = std::move(*u);
        }
      } else if (name == "password") {
        password_node = value;
        note_secret(value);
        if (auto p = get_expanded(value, field + ".password")) feed.password = std::move(*p);
      }
    }
    if (has_opml) {
      if (url) error(item, field + ": give either 'url' or 'opml', not both");
      else if (!feed.title.empty()) error(item, field + ": 'title' cannot be used with 'opml' (titles come from the file)");
      else if (opml) load_opml(*opml, opml_node, field, feed.interval, feeds, first_line);
      return;
    }
    if (password_node && !feed.username) error(*password_node, field + ".password: needs a username");
    const bool has_authorization = std::any_of(feed.headers.begin(), feed.headers.end(), [](const auto& h) {
      return to_lower_ascii(h.first) == "authorization";
    });
    if (feed.username && has_authorization)
      error(item, field + ": username/password and an Authorization header are mutually exclusive");
    if (!url && ok) {
      error(item, field + ": missing required key 'url'");
      ok = false;
    }
  } else {
    error(item, field + ": expected a URL or a map with 'url', got " + describe(item));
    ok = false;
  }
  if (!ok || !url) return;
  if (const auto scheme_end = url->find("://"); scheme_end != std::string::npos) {
    const std::string authority = url->substr(scheme_end + 3, url->find_first_of("/?#", scheme_end + 3) - scheme_end - 3);
    if (authority.find('@') != std::string::npos) {
      // A URL is written into logs and status output; credentials inside it would be too.
      error(url_node, field + ": credentials in the URL would appear in logs; use username and password");
      return;
    }
  }
  feed.url = *url;
  const int url_line = line(url_node);
  if (const auto [earlier, inserted] = first_line.emplace(feed.url, url_line); !inserted) {
    error(url_line, field + ": duplicate feed URL " + quote(redact_url_secrets(feed.url)) + " (already listed on line " +
                        std::to_string(earlier->second) + ")");
    return;
  }
  feeds.push_back(std::move(feed));
}

// Every feed of an OPML file joins the list with the entry's interval. A feed listed twice (OPML exports
// file one feed under several folders) is kept once without complaint.
void ConfigLoader::load_opml(const std::string& path, const YAML::Node& at, const std::string& field,
                             std::optional<Millis> interval, std::vector<FeedConfig>& feeds,
                             std::map<std::string, int>& first_line) {
  const fs::path file = resolve(path);
  const OpmlList list = read_opml(file);
  for (const auto& problem : list.problems) {
    if (problem.line == 0) error(at, field + ".opml: " + file.string() + ": " + problem.message);
    else diagnostics_.push_back(Diagnostic{file.string(), problem.line, problem.message});
  }
  for (const auto& entry : list.feeds) {
    if (const std::string problem = url_problem(entry.url); !problem.empty()) {
      diagnostics_.push_back(
          Diagnostic{file.string(), entry.line, "invalid xmlUrl " + quote(redact_url_secrets(entry.url)) + ": " + problem});
      continue;
    }
    if (!first_line.emplace(entry.url, line(at)).second) continue;
    FeedConfig feed;
    feed.url = entry.url;
    feed.title = entry.title;
    feed.interval = interval;
    feed.line = line(at);
    feeds.push_back(std::move(feed));
  }
}

// Each alias is a string, or `{alias: X, languages: [..]}` for one meant for those languages only.
void ConfigLoader::load_aliases(const YAML::Node& node, const std::string& field, Term& term) {
  if (!expect_list(node, field)) return;
  std::size_t i = 0;
  bool tagged = false;
  std::vector<std::vector<std::string>> languages;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const std::string item_field = index_field(field, i);
    std::optional<std::string> alias;
    std::vector<std::string> alias_languages;
    if (it->IsMap()) {
      bool has_alias = false;
      for (const auto& [key, value] : entries(*it, item_field, {"alias", "languages"})) {
        if (key.Scalar() == "alias") {
          has_alias = true;
          alias = get_string(value, item_field + ".alias");
        } else if (auto codes = get_languages(value, item_field + ".languages")) {
          if (codes->empty()) error(value, item_field + ".languages: must list at least one language");
          alias_languages = std::move(*codes);
        }
      }
      if (!has_alias) error(*it, item_field + ": missing required key 'alias'");
    } else {
      alias = get_string(*it, item_field);
    }
    if (alias && alias->empty()) {
      error(*it, item_field + ": must not be empty");
      alias.reset();
    }
    if (!alias) continue;
    tagged = tagged || !alias_languages.empty();
    term.aliases.push_back(std::move(*alias));
    languages.push_back(std::move(alias_languages));
  }
  if (tagged) term.alias_languages = std::move(languages);
}

// A list of ISO 639-1 codes; an unknown one is reported at its own line.
std::optional<std::vector<std::string>> ConfigLoader::get_languages(const YAML::Node& node, const std::string& field) {
  auto codes = get_string_list(node, field);
  if (!codes) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 0; i < codes->size(); ++i) {
    if (is_language_code((*codes)[i])) continue;
    error(node[i], index_field(field, i) + ": " + quote((*codes)[i]) +
                       " is not an ISO 639-1 language code (two lower-case letters, like en, fr, zh)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return codes;
}

std::vector<Term> ConfigLoader::load_terms(const YAML::Node& node, const std::string& field, bool regions) {
  std::vector<Term> terms;
  if (node.IsNull()) return terms;
  if (!expect_list(node, field)) return terms;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const YAML::Node item = *it;
    const std::string item_field = index_field(field, i);
    Term term;
    if (item.IsScalar()) {
      term.name = item.Scalar();
    } else if (item.IsMap()) {
      bool has_name = false;
      const std::vector<std::string_view> known = regions ? std::vector<std::string_view>{"name", "aliases", "weight", "members"}
                                                          : std::vector<std::string_view>{"name", "aliases", "weight", "context",
                                                                                          "not_near", "variants"};
      for (const auto& [key, value] : entries(item, item_field, known)) {
        const std::string& k = key.Scalar();
        if (k == "name") {
          has_name = true;
          if (const auto n = get_string(value, item_field + ".name")) term.name = *n;
        } else if (k == "weight") {
          if (const auto w = get_number(value, item_field + ".weight", 0)) term.weight = *w;
        } else if (k == "members") {
          if (const auto members = get_string_list(value, item_field + ".members")) term.members = *members;
        } else if (k == "context" || k == "not_near") {
          if (const auto words = get_string_list(value, item_field + "." + k)) {
            if (words->empty()) error(value, item_field + "." + k + ": must list at least one word");
            (k == "context" ? term.context : term.not_near) = *words;
          }
        } else if (k == "variants") {
          if (const auto v = get_string(value, item_field + ".variants")) {
            if (*v == "auto") term.variants = true;
            else if (*v != "none") error(value, item_field + ".variants: expected 'auto' or 'none', got " + quote(*v));
          }
        } else {
          load_aliases(value, item_field + ".aliases", term);
        }
      }
      if (!has_name) {
        error(item, item_field + ": missing required key 'name'");
        continue;
      }
    } else {
      error(item, item_field + ": expected a name or a map with 'name' and 'aliases', got " + describe(item));
      continue;
    }
    if (trim(term.name).empty()) {
      error(item, item_field + ": name must not be empty");
      continue;
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

void ConfigLoader::load_watchlists(const YAML::Node& node, std::vector<WatchlistConfig>& watchlists) {
  if (node.IsNull()) return;
  if (!expect_list(node, "watchlists")) return;
  std::map<std::string, int> first_line;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const std::string field = index_field("watchlists", i);
    if (!expect_map(*it, field)) continue;
    WatchlistConfig watchlist = load_watchlist(*it, field);
    if (watchlist.name.empty()) continue;
    if (const auto [earlier, inserted] = first_line.emplace(watchlist.name, watchlist.line); !inserted)
      error(watchlist.line, "duplicate watchlist name " + quote(watchlist.name) + " (already used on line " +
                                std::to_string(earlier->second) + ")");
    watchlists.push_back(std::move(watchlist));
  }
}

WatchlistConfig ConfigLoader::load_watchlist(const YAML::Node& item, const std::string& field) {
  WatchlistConfig watchlist;
  watchlist.line = line_of(item);
  bool has_name = false;
  std::optional<Require> require;
  YAML::Node require_node;
  std::vector<std::pair<std::string, int>> notify;
  for (const auto& [key, value] :
       entries(item, field, {"name", "actors", "regions", "require", "exclude", "notify", "min_score", "stories",
                             "throttle", "quiet_hours", "languages", "on_update"})) {
    const std::string& name = key.Scalar();
    if (name == "name") {
      has_name = true;
      const auto n = get_string(value, field + ".name");
      if (!n) continue;
      if (!is_name(*n)) {
        error(value, field + ".name: " + quote(*n) + " may only contain letters, digits, '_', '.' and '-'");
        continue;
      }
      watchlist.name = *n;
    } else if (name == "actors") {
      watchlist.actors = load_terms(value, field + ".actors", false);
    } else if (name == "regions") {
      watchlist.regions = load_terms(value, field + ".regions", true);
    } else if (name == "require") {
      require_node = value;
      const auto r = get_string(value, field + ".require");
      if (!r) continue;
      const std::string text = to_lower_ascii(trim(*r));
      if (text == "any") require = Require::any;
      else if (text == "actor") require = Require::actor;
      else if (text == "region") require = Require::region;
      else if (text == "actor and region" || text == "actor_and_region") require = Require::actor_and_region;
      else
        load_require(value, field + ".require", watchlist);
    } else if (name == "min_score") {
      if (const auto score = get_number(value, field + ".min_score", 0)) watchlist.min_score = *score;
    } else if (name == "languages") {
      if (auto codes = get_languages(value, field + ".languages")) watchlist.languages = std::move(*codes);
    } else if (name == "on_update") {
      if (const auto b = get_bool(value, field + ".on_update")) watchlist.on_update = *b;
    } else if (name == "exclude") {
      if (const auto list = get_string_list(value, field + ".exclude")) watchlist.exclude = *list;
    } else if (name == "notify") {
      if (!expect_list(value, field + ".notify")) continue;
      std::size_t j = 0;
      for (auto n = value.begin(); n != value.end(); ++n, ++j)
        if (const auto hook = get_string(*n, index_field(field + ".notify", j)))
          notify.emplace_back(*hook, line(*n));
    } else if (name == "stories") {
      const std::string sfield = field + ".stories";
      if (!expect_map(value, sfield)) continue;
      for (const auto& [skey, svalue] : entries(value, sfield, {"window", "distance", "follow_up"})) {
        const std::string& sname = skey.Scalar();
        if (sname == "window") {
          if (const auto d = get_duration(svalue, sfield + ".window", 0ms)) watchlist.stories.window = *d;
        } else if (sname == "distance") {
          if (const auto n = get_int(svalue, sfield + ".distance", 0, 16)) watchlist.stories.distance = static_cast<int>(*n);
        } else if (const auto n = get_int(svalue, sfield + ".follow_up", 0, 1000)) {
          watchlist.stories.follow_up = static_cast<int>(*n);
        }
      }
    } else if (name == "throttle") {
      const std::string tfield = field + ".throttle";
      if (!expect_map(value, tfield)) continue;
      for (const auto& [tkey, tvalue] : entries(value, tfield, {"max", "per"})) {
        if (tkey.Scalar() == "max") {
          if (const auto n = get_int(tvalue, tfield + ".max", 0, 100000)) watchlist.throttle.max = static_cast<int>(*n);
        } else if (const auto d = get_duration(tvalue, tfield + ".per", 1s)) {
          watchlist.throttle.per = *d;
        }
      }
    } else if (name == "quiet_hours") {
      const auto text = get_string(value, field + ".quiet_hours");
      if (!text) continue;
      if (const auto range = parse_quiet_hours(*text)) watchlist.throttle.quiet_hours = range;
      else error(value, field + ".quiet_hours: expected a range of local times like 22:00-07:00, got " + quote(*text));
    }
  }
  const std::string label = watchlist.name.empty() ? field : "watchlist '" + watchlist.name + "'";
  if (!has_name) error(item, field + ": missing required key 'name'");
  if (watchlist.actors.empty() && watchlist.regions.empty()) {
    error(item, label + " has no actors and no regions, so it can never match");
  } else if (require) {
    const int at = line(require_node);
    const bool need_actor = *require == Require::actor || *require == Require::actor_and_region;
    const bool need_region = *require == Require::region || *require == Require::actor_and_region;
    const std::string shown = *require == Require::actor_and_region ? "actor and region"
                              : *require == Require::actor         ? "actor"
                                                                    : "region";
    if (need_actor && watchlist.actors.empty())
      error(at, label + ": require: " + shown + " but the watchlist has no actors");
    if (need_region && watchlist.regions.empty())
      error(at, label + ": require: " + shown + " but the watchlist has no regions");
    watchlist.require = *require;
  } else if (!watchlist.require_expression.empty()) {
    const auto& e = watchlist.require_expression;
    if (e.uses(RequireNode::Kind::any_actor) && watchlist.actors.empty())
      error(require_node, label + ": require: 'actor' but the watchlist has no actors");
    if (e.uses(RequireNode::Kind::any_region) && watchlist.regions.empty())
      error(require_node, label + ": require: 'region' but the watchlist has no regions");
  } else {
    // Without an explicit require, ask for what the watchlist lists: both kinds when it has both.
    watchlist.require = watchlist.actors.empty()    ? Require::region
                        : watchlist.regions.empty() ? Require::actor
                                                    : Require::actor_and_region;
  }
  for (auto& [hook, line] : notify) {
    notify_refs_.push_back(NotifyRef{label, hook, line, file_});
    watchlist.notify.push_back(std::move(hook));
  }
  return watchlist;
}

// Keywords keep their enum; anything else is the boolean language, whose syntax errors point at
// the exact column of the YAML value.
void ConfigLoader::load_require(const YAML::Node& node, const std::string& field, WatchlistConfig& watchlist) {
  try {
    watchlist.require_expression = RequireExpression::parse(node.Scalar());
  } catch (const RequireSyntaxError& e) {
    error_in(node, e.offset(), field + ": " + e.what());
  }
}

void ConfigLoader::load_region_groups(const YAML::Node& node, std::vector<RegionGroup>& groups) {
  if (node.IsNull()) return;
  if (!expect_map(node, "region_groups")) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const std::string field = "region_groups." + name;
    if (trim(name).empty()) {
      error(it->first, "region_groups: expected a group name, got " + describe(it->first));
      continue;
    }
    const auto duplicate = std::find_if(groups.begin(), groups.end(), [&](const RegionGroup& g) { return g.name == name; });
    if (duplicate != groups.end()) {
      error(it->first, "duplicate region group " + quote(name) + " (first on line " + std::to_string(duplicate->line) + ")");
      continue;
    }
    const auto members = get_string_list(it->second, field);
    if (!members) continue;
    if (members->empty()) {
      error(it->second, field + ": must list at least one region");
      continue;
    }
    groups.push_back(RegionGroup{name, *members, line(it->first)});
  }
}

// A watchlist region named like a user-defined group becomes that group: its members count for it.
void ConfigLoader::expand_region_groups(Config& config) {
  for (auto& watchlist : config.watchlists)
    for (auto& region : watchlist.regions) {
      if (!region.members.empty()) continue;
      for (const auto& group : config.region_groups)
        if (to_lower_ascii(trim(group.name)) == to_lower_ascii(trim(region.name))) region.members = group.members;
    }
}

void ConfigLoader::load_webhooks(const YAML::Node& node, std::vector<WebhookConfig>& webhooks) {
  if (node.IsNull()) return;
  if (!expect_list(node, "webhooks")) return;
  std::map<std::string, int> first_line;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    auto webhook = load_webhook(*it, index_field("webhooks", i));
    if (!webhook) continue;
    if (!webhook->name.empty()) {
      if (const auto [earlier, inserted] = first_line.emplace(webhook->name, webhook->line); !inserted) {
        error(webhook->line, "duplicate webhook name " + quote(webhook->name) + " (already used on line " +
                                 std::to_string(earlier->second) + ")");
        continue;
      }
    }
    webhooks.push_back(std::move(*webhook));
  }
}

std::optional<WebhookConfig> ConfigLoader::load_webhook(const YAML::Node& item, const std::string& field) {
  if (!expect_map(item, field)) return std::nullopt;
  WebhookConfig webhook;
  webhook.line = line_of(item);
  bool has_name = false;
  bool ok = true;
  // A default YAML::Node is a defined null, so presence is tracked separately.
  std::optional<YAML::Node> url_node;
  std::optional<YAML::Node> secret_node;
  std::optional<YAML::Node> secret_file_node;
  std::optional<YAML::Node> template_node;
  std::vector<std::pair<std::string, YAML::Node>> email_keys;
  std::vector<std::pair<std::string, YAML::Node>> api_keys;
  for (const auto& [key, value] : entries(item, field, {"name", "url", "format", "secret", "secret_file", "headers",
                                                        "timeout", "retry", "template", "content_type", "concurrency",
                                                        "rate", "circuit_breaker", "allow", "tls_verify", "ca_file",
                                                        "pinned_public_key", "from", "to", "username", "password",
                                                        "starttls", "token", "chat_id", "room", "routing_key", "user",
                                                        "severity", "priority"})) {
    const std::string& name = key.Scalar();
    const std::string key_field = field + "." + name;
    if (load_tls_key(name, value, key_field, webhook.tls)) continue;
    if (name == "from" || name == "to" || name == "username" || name == "password" || name == "starttls") {
      email_keys.emplace_back(name, value);
    } else if (is_channel_key(name)) {
      api_keys.emplace_back(name, value);
    } else if (name == "allow") {
      webhook.allow = load_allow(value, key_field);
    } else if (name == "name") {
      has_name = true;
      const auto n = get_string(value, key_field);
      if (n && !is_name(*n)) {
        error(value, key_field + ": " + quote(*n) + " may only contain letters, digits, '_', '.' and '-'");
        ok = false;
      } else if (n) {
        webhook.name = *n;
      } else {
        ok = false;
      }
    } else if (name == "url") {
      url_node = value;
    } else if (name == "format") {
      const auto f = get_string(value, key_field);
      static const std::map<std::string, WebhookFormat, std::less<>> formats = {
          {"json", WebhookFormat::json},       {"stdout", WebhookFormat::stdout_lines},
          {"slack", WebhookFormat::slack},     {"discord", WebhookFormat::discord},
          {"teams", WebhookFormat::teams},     {"ntfy", WebhookFormat::ntfy},
          {"template", WebhookFormat::template_text}, {"email", WebhookFormat::email},
          {"telegram", WebhookFormat::telegram}, {"matrix", WebhookFormat::matrix},
          {"pagerduty", WebhookFormat::pagerduty}, {"opsgenie", WebhookFormat::opsgenie},
          {"mattermost", WebhookFormat::mattermost}, {"pushover", WebhookFormat::pushover},
          {"gotify", WebhookFormat::gotify}};
      if (const auto found = f ? formats.find(*f) : formats.end(); found != formats.end()) webhook.format = found->second;
      else if (f)
        error(value, key_field + ": expected json, stdout, slack, discord, teams, ntfy, template, email, telegram, "
                                 "matrix, pagerduty, opsgenie, mattermost, pushover or gotify, got " + quote(*f));
    } else if (name == "template") {
      template_node = value;
      if (const auto t = get_string(value, key_field)) {
        if (const std::string problem = template_problem(*t); !problem.empty()) error(value, key_field + ": " + problem);
        else webhook.template_text = *t;
      }
    } else if (name == "content_type") {
      if (const auto t = get_string(value, key_field)) {
        if (t->empty() || t->find_first_of("\r\n") != std::string::npos) error(value, key_field + ": expected a media type");
        else webhook.content_type = *t;
      }
    } else if (name == "concurrency") {
      if (const auto n = get_int(value, key_field, 1, 256)) webhook.concurrency = static_cast<int>(*n);
    } else if (name == "rate") {
      const auto r = get_string(value, key_field);
      if (const auto rate = r ? parse_rate(*r) : std::nullopt) webhook.rate = *rate;
      else if (r) error(value, key_field + ": expected a rate like 10/s, 600/m or 5/h, got " + quote(*r));
    } else if (name == "circuit_breaker") {
      if (!expect_map(value, key_field)) continue;
      for (const auto& [bkey, bvalue] : entries(value, key_field, {"failures", "cooldown"})) {
        if (bkey.Scalar() == "failures") {
          if (const auto n = get_int(bvalue, key_field + ".failures", 0, 1000)) webhook.breaker_failures = static_cast<int>(*n);
        } else if (const auto d = get_duration(bvalue, key_field + ".cooldown", 1ms)) {
          webhook.breaker_cooldown = *d;
        }
      }
    } else if (name == "secret") {
      secret_node = value;
    } else if (name == "secret_file") {
      secret_file_node = value;
    } else if (name == "headers") {
      if (value.IsMap())
        for (auto h = value.begin(); h != value.end(); ++h) note_secret(h->second);
      load_headers(value, key_field, webhook.headers);
    } else if (name == "timeout") {
      if (const auto d = get_duration(value, key_field, 1ms)) webhook.timeout = *d;
    } else if (name == "retry") {
      if (!expect_map(value, key_field)) continue;
      for (const auto& [rkey, rvalue] : entries(value, key_field, {"schedule"})) {
        static_cast<void>(rkey);
        const std::string schedule_field = key_field + ".schedule";
        if (!expect_list(rvalue, schedule_field)) continue;
        if (rvalue.size() == 0) {
          error(rvalue, schedule_field + ": must list at least one delay");
          continue;
        }
        std::vector<Millis> schedule;
        std::size_t j = 0;
        bool schedule_ok = true;
        for (auto d = rvalue.begin(); d != rvalue.end(); ++d, ++j) {
          if (const auto delay = get_duration(*d, index_field(schedule_field, j), 0ms)) schedule.push_back(*delay);
          else schedule_ok = false;
        }
        if (schedule_ok) webhook.retry.schedule = std::move(schedule);
      }
    }
  }
  if (!has_name) {
    // Errors inside the map are already on their lines; the missing name belongs to the item.
    error(item, field + ": missing required key 'name'");
    ok = false;
  }
  const std::string label = webhook.name.empty() ? field : "webhook '" + webhook.name + "'";
  if (webhook.format == WebhookFormat::template_text && !template_node) {
    error(item, label + ": format: template needs a 'template' key");
    ok = false;
  } else if (webhook.format != WebhookFormat::template_text && template_node) {
    error(*template_node, field + ".template: only used with format: template");
  }

  if (webhook.format == WebhookFormat::email) {
    if (!load_email(webhook, email_keys, item, field, label)) ok = false;
  } else if (!email_keys.empty()) {
    error(email_keys.front().second, field + "." + email_keys.front().first + ": only used with format: email");
  }
  if (channel_keys(webhook.format)) {
    if (!load_channel(webhook, api_keys, secret_file_node, item, field, label)) ok = false;
    secret_file_node.reset();   // the credential's, not a signing key
  } else if (!api_keys.empty()) {
    const auto& [key, value] = api_keys.front();
    error(value, field + "." + key + ": only used with format: " + formats_using(key));
  }

  if (url_node) {
    if (webhook.format == WebhookFormat::stdout_lines) {
      error(*url_node, field + ".url: not used with format: stdout");
    } else if (webhook.format == WebhookFormat::email) {
      if (auto url = get_mail_url(*url_node, field + ".url")) webhook.url = std::move(*url);
      else ok = false;
      if (ok && !webhook.email.starttls && !webhook.email.username.empty() && scheme_length(webhook.url, {"smtps"}) == 0) {
        error(item, label + ": starttls: false would send the username and password in clear text; use smtps:// or "
                            "drop starttls: false");
        ok = false;
      }
    } else if (auto url = get_url(*url_node, field + ".url", true)) {
      webhook.url = std::move(*url);
    } else {
      ok = false;
    }
  } else if (webhook.format != WebhookFormat::stdout_lines) {
    error(item, label + ": missing required key 'url' (or set format: stdout)");
    ok = false;
  }

  if (webhook.format == WebhookFormat::email) {
    // An e-mail is not signed: its secret is the AUTH password, given as password or secret_file.
    if (secret_node) {
      error(*secret_node, field + ".secret: not used with format: email (the password goes in password or secret_file)");
      ok = false;
    } else if (secret_file_node && webhook.email.password) {
      error(*secret_file_node, field + ": password and secret_file are mutually exclusive");
      ok = false;
    } else if (secret_file_node) {
      webhook.email.password = read_secret_file(*secret_file_node, field + ".secret_file");
      if (!webhook.email.password) ok = false;
    }
    if (ok && webhook.email.password && webhook.email.username.empty()) {
      error(item, label + ": a password needs a username");
      ok = false;
    }
  } else if (secret_node && secret_file_node) {
    error(*secret_file_node, field + ": secret and secret_file are mutually exclusive");
    ok = false;
  } else if (secret_node) {
    note_secret(*secret_node);
    const auto raw = get_string(*secret_node, field + ".secret");
    auto expanded = raw ? expand_env(*raw, *secret_node, field + ".secret") : std::nullopt;
    if (expanded) webhook.secret = decode_secret(std::move(*expanded), *secret_node, field + ".secret");
    if (!webhook.secret) ok = false;
  } else if (secret_file_node) {
    const std::string secret_field = field + ".secret_file";
    if (auto value = read_secret_file(*secret_file_node, secret_field))
      webhook.secret = decode_secret(std::move(*value), *secret_file_node, secret_field);
    if (!webhook.secret) ok = false;
  }
  if (!ok) return std::nullopt;
  return webhook;
}

// ${CREDENTIALS_DIRECTORY}/name reads a secret systemd passed with LoadCredential=.
std::optional<std::string> ConfigLoader::read_secret_file(const YAML::Node& node, const std::string& field) {
  auto path_text = get_string(node, field);
  if (path_text) path_text = expand_env(*path_text, node, field);
  const auto path = path_text ? readable_file(*path_text, node, field) : std::nullopt;
  if (!path) return std::nullopt;
  std::string value = read_file(*path).value_or("");
  if (value.ends_with('\n')) value.pop_back();
  if (value.ends_with('\r')) value.pop_back();
  warn_if_world_readable(*path, node, field);
  return value;
}

std::optional<std::string> ConfigLoader::get_mail_url(const YAML::Node& node, const std::string& field) {
  auto url = get_expanded(node, field);
  if (!url) return std::nullopt;
  const std::size_t rest = scheme_length(*url, {"smtp", "smtps"});
  std::string problem = rest == 0 ? "expected smtp:// or smtps://" : host_problem(*url, rest);
  if (problem.empty() && authority_of(*url, rest).find('@') != std::string_view::npos)
    problem = "put the user name in username, not in the URL";
  if (!problem.empty()) {
    error(node, field + ": invalid URL " + quote(redact_url(*url)) + ": " + problem);
    return std::nullopt;
  }
  return url;
}


// The credential (from its key or secret_file) and the target of a chat or incident API's webhook;
// false when one is wrong or missing.
bool ConfigLoader::load_channel(WebhookConfig& webhook, const std::vector<std::pair<std::string, YAML::Node>>& keys,
                                const std::optional<YAML::Node>& secret_file, const YAML::Node& item,
                                const std::string& field, const std::string& label) {
  const ChannelKeys& spec = *channel_keys(webhook.format);
  const auto valid_secret = spec.valid_secret;
  bool ok = true;
  for (const auto& [name, value] : keys) {
    const std::string key_field = field + "." + name;
    if (name == spec.secret_key) {
      note_secret(value);
      webhook.token = get_expanded(value, key_field);
      if (webhook.token && !valid_secret(*webhook.token)) {
        error(value, key_field + ": expected " + spec.secret_expected);
        webhook.token.reset();
      }
      if (!webhook.token) ok = false;
    } else if (spec.target_key && name == spec.target_key) {
      const auto target = get_expanded(value, key_field);
      if (target && !spec.valid_target(*target)) {
        error(value, key_field + ": expected " + spec.target_expected);
        ok = false;
      } else if (target) {
        target_of(webhook) = *target;
      } else {
        ok = false;
      }
    } else if (spec.option_key && name == spec.option_key) {
      const auto option = get_string(value, key_field);
      if (option && !spec.valid_option(*option)) {
        error(value, key_field + ": expected " + spec.option_expected + ", got " + quote(*option));
        ok = false;
      } else if (option) {
        webhook.priority = *option;
      } else {
        ok = false;
      }
    } else {
      error(value, key_field + ": only used with format: " + formats_using(name));
      ok = false;
    }
  }
  if (secret_file && webhook.token) {
    error(*secret_file, field + ": " + spec.secret_key + " and secret_file are mutually exclusive");
    return false;
  }
  if (secret_file) {
    webhook.token = read_secret_file(*secret_file, field + ".secret_file");
    if (webhook.token && !valid_secret(*webhook.token)) {
      error(*secret_file, field + ".secret_file: expected the file to hold " + spec.secret_expected);
      webhook.token.reset();
    }
    if (!webhook.token) return false;
  }
  const auto has = [&keys](const char* key) {
    return std::any_of(keys.begin(), keys.end(), [key](const auto& k) { return k.first == key; });
  };
  if (!webhook.token && !has(spec.secret_key)) {
    error(item, label + ": format: " + spec.name + " needs a '" + spec.secret_key + "' (or secret_file)");
    ok = false;
  }
  if (spec.target_key && !has(spec.target_key)) {
    error(item, label + ": format: " + spec.name + " needs a '" + spec.target_key + "'");
    ok = false;
  }
  return ok;
}

// from, to, username, password and starttls of a format: email webhook; false when one is wrong
// or a required one is missing.
bool ConfigLoader::load_email(WebhookConfig& webhook, const std::vector<std::pair<std::string, YAML::Node>>& keys,
                              const YAML::Node& item, const std::string& field, const std::string& label) {
  EmailConfig& email = webhook.email;
  bool ok = true;
  bool has_from = false;
  bool has_to = false;
  const auto address = [&](const YAML::Node& node, const std::string& key_field) -> std::optional<std::string> {
    const auto text = get_string(node, key_field);
    if (!text) return std::nullopt;
    if (!parse_mail_address(*text)) {
      error(node, key_field + ": expected an address like \"newsalert <alerts@example.org>\", got " + quote(*text));
      return std::nullopt;
    }
    return text;
  };
  for (const auto& [name, value] : keys) {
    const std::string key_field = field + "." + name;
    if (name == "from") {
      has_from = true;
      if (auto a = address(value, key_field)) email.from = std::move(*a);
      else ok = false;
    } else if (name == "to") {
      has_to = true;
      const YAML::Node list = value.IsScalar() ? YAML::Node(std::vector<std::string>{value.Scalar()}) : value;
      if (!value.IsScalar() && !expect_list(value, key_field)) {
        ok = false;
        continue;
      }
      std::size_t i = 0;
      for (auto it = list.begin(); it != list.end(); ++it, ++i) {
        const YAML::Node& at = value.IsScalar() ? value : *it;
        if (auto a = address(at, value.IsScalar() ? key_field : index_field(key_field, i))) email.to.push_back(std::move(*a));
        else ok = false;
      }
      if (i == 0) {
        error(value, key_field + ": must list at least one address");
        ok = false;
      }
    } else if (name == "username") {
      if (auto u = get_expanded(value, key_field)) email.username = std::move(*u);
      else ok = false;
    } else if (name == "password") {
      note_secret(value);
      email.password = get_expanded(value, key_field);
      if (!email.password) ok = false;
    } else if (const auto b = get_bool(value, key_field)) {
      email.starttls = *b;
    } else {
      ok = false;
    }
  }
  if (!has_from) error(item, label + ": format: email needs a 'from' address");
  if (!has_to) error(item, label + ": format: email needs a 'to' address");
  return ok && has_from && has_to;
}

// A "whsec_" prefix marks a base64 key (the Standard Webhooks convention); anything else is used as-is.
std::optional<std::string> ConfigLoader::decode_secret(std::string value, const YAML::Node& at,
                                                       const std::string& field) {
  constexpr std::string_view prefix = "whsec_";
  if (value.starts_with(prefix)) {
    std::string decoded;
    if (!base64_decode(std::string_view(value).substr(prefix.size()), decoded)) {
      error(at, field + ": the value after 'whsec_' is not valid base64");
      return std::nullopt;
    }
    value = std::move(decoded);
  }
  if (value.empty()) {
    error(at, field + ": the secret is empty");
    return std::nullopt;
  }
  return value;
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
