// The webhooks: section: where alerts go, the keys each format needs, and where its secrets come from.
#include "config/config_loader.hpp"

#include "common/crypto.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "config/loader_helpers.hpp"
#include "config/mail_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace newsalert::config {

using namespace std::chrono_literals;
using detail::authority_of;
using detail::host_problem;
using detail::index_field;
using detail::is_name;
using detail::line_of;
using detail::quote;
using detail::redact_url;
using detail::scheme_length;

namespace {

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

}  // namespace newsalert::config
