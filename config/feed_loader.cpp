// The poll: and feeds: sections: how feeds are fetched, and the feed lists with the OPML files they name.
#include "config/config_loader.hpp"

#include "common/text.hpp"
#include "common/url_redaction.hpp"
#include "config/loader_helpers.hpp"
#include "config/opml_reader.hpp"

#include <algorithm>
#include <map>

namespace newsalert::config {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using detail::describe;
using detail::index_field;
using detail::line_of;
using detail::quote;
using detail::url_problem;

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

}  // namespace newsalert::config
