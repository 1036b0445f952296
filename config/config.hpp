// The daemon's configuration as typed values; config/load_config.hpp reads a YAML file into them.
#pragma once

#include "common/network_range.hpp"
#include "common/time.hpp"
#include "config/require_expression.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::config {

struct PollConfig {
  Millis interval{std::chrono::minutes(5)};
  int concurrency = 64;       // transfers in flight
  int per_host = 4;           // transfers in flight per host
  Millis timeout{std::chrono::seconds(30)};
  std::uint64_t max_bytes = 16ull << 20;
  Millis max_age{0};          // entries published longer ago than this are recorded, not alerted (0: off)
  Millis max_interval{std::chrono::hours(1)};   // longest wait between successful polls of a feed
  bool adaptive = true;       // quiet feeds back off from interval toward max_interval
  // Bounds on what a feed server can make us read (docs/security.md).
  std::uint64_t max_compressed_bytes = 16ull << 20;   // as received, before gzip/br/zstd decoding
  std::uint64_t max_header_bytes = 64ull << 10;
  int max_redirects = 5;
  int max_entries = 1000;                   // entries read per document; the rest are ignored
  std::uint64_t max_field_bytes = 256ull << 10;   // text per field (title, summary, content, ...)
  int max_xml_depth = 100;                  // element nesting
  int max_xml_attributes = 64;              // attributes on one element
};

// Fetching the page behind each new entry and matching on its main text as well (docs/full-text.md).
struct FullTextConfig {
  bool enabled = false;       // the default for feeds that do not say `full_text:` themselves
  bool robots = true;         // article pages obey the host's robots.txt
  Millis timeout{std::chrono::seconds(15)};   // per page, redirects included
  std::uint64_t max_bytes = 4ull << 20;       // per page, as decoded and as received
  std::uint64_t cache_bytes = 32ull << 20;    // extracted pages kept in memory with their validators
  int max_per_poll = 50;      // pages fetched for one poll's new entries; the rest go on what the feed carried
};

// TLS settings of one feed or webhook.
struct TlsConfig {
  bool verify = true;              // tls_verify: false turns certificate checks off (logged at warn)
  std::string ca_file;             // ca_file: a PEM bundle used instead of the system store
  std::string pinned_public_key;   // pinned_public_key: "sha256//BASE64[;sha256//...]" or a key file
};

// The SSRF guard: loopback, private, link-local, unique-local and metadata addresses are refused
// unless listed here (for every feed and webhook) or in a feed's or webhook's own `allow:`.
struct NetworkConfig {
  std::vector<NetworkRange> allow;
};

struct FeedConfig {
  std::string url;
  std::string title;                 // optional display name
  std::optional<Millis> interval;    // overrides poll.interval
  std::map<std::string, std::string> headers;   // extra request headers (${ENV} expanded)
  std::optional<std::string> username;          // HTTP basic auth (${ENV} expanded); never logged
  std::string password;
  std::vector<NetworkRange> allow;   // non-public networks this feed (and its redirects) may reach
  TlsConfig tls;
  bool allow_https_downgrade = false;   // may a redirect lead from https to http?
  std::optional<bool> full_text;     // fetch each new entry's page; unset: full_text.enabled
  int line = 0;                      // where it was declared
  std::filesystem::path file;        // the feeds.d file that defines it; empty for the main config file
};

// An actor or region: a canonical name and the other names it goes by.
struct Term {
  std::string name;
  std::vector<std::string> aliases;
  double weight = 1.0;                 // score of one hit (a title hit counts double)
  std::vector<std::string> members{};  // regions only: a group whose members (and their places) count for it
  // Actors only (docs/matching.md, "Actors in other senses"):
  std::vector<std::string> context{};   // an alias counts only in an article that has one of these words
  std::vector<std::string> not_near{};  // an alias does not count within 8 words of one of these
  bool variants = false;                // `variants: auto`: spelling variants of the aliases count too
  // By alias (as long as aliases, or empty): the languages (ISO 639-1) an alias is meant for, from
  // `{alias: X, languages: [..]}`; an empty list means every language.
  std::vector<std::vector<std::string>> alias_languages{};
};

// A user-defined group of regions (top-level `region_groups`), usable by name in any watchlist.
struct RegionGroup {
  std::string name;
  std::vector<std::string> members;
  int line = 0;
};

enum class Require { any, actor, region, actor_and_region };

// Story dedupe: copies of one story (same normalized link, or SimHash-64 of title + lead within
// `distance` bits) seen within `window` raise one alert per watchlist.
struct StoryConfig {
  Millis window{std::chrono::hours(48)};
  int distance = 3;
  int follow_up = 0;   // > 0: one follow-up alert once the story has been seen in this many more entries
};

// At most `max` alerts per `per`; the rest are held and sent as one digest. Quiet hours (minutes
// of the day, local time) hold every alert until they end. max 0: no throttle.
struct ThrottleConfig {
  int max = 0;
  Millis per{std::chrono::hours(1)};
  std::optional<std::pair<int, int>> quiet_hours;   // [from, to) in minutes since midnight
};

struct WatchlistConfig {
  std::string name;
  std::vector<Term> actors;
  std::vector<Term> regions;   // names resolve through the built-in gazetteer as well
  Require require = Require::actor_and_region;
  RequireExpression require_expression;   // when set, decides instead of `require`
  double min_score = 0;                   // fire only at or above this score
  std::vector<std::string> exclude;
  std::vector<std::string> notify;   // webhook names; empty means every webhook
  // ISO 639-1 codes; an article detected in another language does not match. Empty: any language.
  std::vector<std::string> languages;
  bool on_update = false;   // an entry seen before whose text changed and now matches more alerts again
  StoryConfig stories;
  ThrottleConfig throttle;
  int line = 0;
  // The watchlists_dir file that defines it; empty when the main config file does.
  std::filesystem::path file;
};

struct RetryConfig {
  // Delay before each attempt; its length is the number of attempts.
  std::vector<Millis> schedule{Millis(0), std::chrono::seconds(5), std::chrono::minutes(5),
                               std::chrono::minutes(30), std::chrono::hours(2), std::chrono::hours(5),
                               std::chrono::hours(10), std::chrono::hours(10)};
};

enum class WebhookFormat {
  json, stdout_lines, slack, discord, teams, ntfy, template_text, email, telegram, matrix, pagerduty, opsgenie, mattermost,
  pushover, gotify
};

// format: email. `url` is smtp://host[:port] (STARTTLS) or smtps://host[:port] (implicit TLS).
struct EmailConfig {
  std::string from;                 // "Name <addr@example.org>" or "addr@example.org"
  std::vector<std::string> to;      // the same forms
  std::string username;             // AUTH; empty: no AUTH
  std::optional<std::string> password;   // a secret: never logged or shown
  bool starttls = true;             // starttls: false allows plain smtp:// (no username then)
  bool operator==(const EmailConfig&) const = default;
};

struct WebhookConfig {
  std::string name;
  std::string url;               // empty for the stdout notifier
  WebhookFormat format = WebhookFormat::json;
  std::optional<std::string> secret;   // Standard Webhooks signing key (raw bytes)
  std::map<std::string, std::string> headers;
  Millis timeout{std::chrono::seconds(15)};
  RetryConfig retry;
  std::string template_text;     // format: template; {{field.path}} placeholders
  std::string content_type;      // format: template; default application/json
  int concurrency = 4;           // attempts in flight
  double rate = 0;               // attempts per second; 0: unlimited
  int breaker_failures = 5;      // consecutive failures that open the circuit breaker; 0: off
  Millis breaker_cooldown{std::chrono::seconds(30)};
  std::vector<NetworkRange> allow;   // non-public networks this webhook may reach
  TlsConfig tls;
  EmailConfig email;             // format: email
  // The chat, push and incident APIs (telegram, matrix, pagerduty, opsgenie, pushover, gotify): `url`
  // is the API's base (https://api.telegram.org, a homeserver, https://events.pagerduty.com,
  // https://api.opsgenie.com, https://api.pushover.net, a Gotify server), so a local server can stand in.
  std::optional<std::string> token;   // the API's credential (pagerduty: routing_key): a secret, never logged or shown
  std::string chat_id;           // format: telegram. "-1001234567890" or "@channelname"
  std::string room;              // format: matrix. "!roomid:example.org"
  std::string user;              // format: pushover. The user or group key
  // pagerduty's severity, opsgenie's priority (P1-P5), pushover's (-2..1) or gotify's (0..10);
  // empty: the format's default.
  std::string priority;
  int line = 0;
};

// The admin HTTP listener (/healthz, /readyz, /metrics, /v1/status); off unless configured.
// The bounds keep a crowd of idle or slow clients from holding the daemon's descriptors.
struct HttpListen {
  std::string host;          // an IPv4 or IPv6 literal
  std::uint16_t port = 0;
  int max_connections = 64;  // open at once; further ones are closed as soon as they are accepted
  Millis request_timeout{std::chrono::seconds(10)};   // from accept (or a request's first byte) to its end
  Millis idle_timeout{std::chrono::seconds(15)};      // a kept-alive connection waiting for its next request
  std::string str() const;   // "127.0.0.1:9464", "[::1]:9464"
};

// A bearer token of the /v1 API (`http.tokens`). A read token may read; an admin token may also change.
struct ApiToken {
  enum class Scope { read, admin };
  std::string name;    // shown in the audit log; the token itself never is
  std::string token;   // a secret
  Scope scope = Scope::read;
  bool operator==(const ApiToken&) const = default;
};

struct Diagnostic {
  std::string file;
  int line = 0;     // 1-based; 0 when the error is not about one line
  std::string message;
  int column = 0;   // 1-based; 0 when only the line is known
  std::string str() const;   // "file:line: message", or "file:line:column: message"
};

// How long seen articles, final delivery records and stories are kept (`state.retention`).
struct StateConfig {
  Millis retention{std::chrono::hours(24 * 30)};   // 0: keep forever
  // How long the text of new entries is kept for trying draft watchlists on (`state.keep_text`);
  // 0 keeps none. Never longer than retention.
  Millis keep_text{std::chrono::hours(24 * 7)};
};

// WebSub push: feeds that name a hub are subscribed to, with callbacks under callback_base.
struct WebSubConfig {
  std::string callback_base;          // public URL hubs call back, e.g. http://public.example/websub
  std::optional<HttpListen> listen;   // a listener of its own; otherwise http.listen serves the callbacks
  Millis poll_interval{std::chrono::hours(1)};   // safety-net polling while a subscription is active
  Millis lease{std::chrono::hours(24 * 7)};      // hub.lease_seconds asked for
  int line = 0;
};

// Cluster mode: daemons sharing feeds, state and deliveries through NATS JetStream. Every node
// reads a byte-identical file (Config::fingerprint tells), so what differs per node, its name,
// comes from the host name or ${ENV}.
struct ClusterConfig {
  std::vector<std::string> nats;   // nats:// or tls:// URLs of the servers; any member will do
  std::string node;                // [A-Za-z0-9_-]{1,64}: part of NATS subjects, KV keys, consumer names
  int replicas = 3;                // of every stream and KV bucket (default 1 with a single URL)
  Millis heartbeat{std::chrono::seconds(2)};        // how often a node announces itself
  Millis member_timeout{std::chrono::seconds(10)};  // a node silent this long has left
  // The shared log is compacted after this many entries: a snapshot of the state holds them.
  std::uint64_t snapshot_every = 10'000;
  // ... and once the log holds this many times the replica file's bytes (0: the entries alone
  // decide): a snapshot, the whole file stored on every server, should not weigh more than the
  // log it lets them drop.
  double snapshot_log_ratio = 1.0;
  // Credentials, at most one kind. password and token are secrets: never logged or shown.
  std::string creds_file;          // a .creds file (user JWT and NKey seed)
  std::string user;                // with password
  std::string password;
  std::string token;
  std::string nkey_seed_file;      // a user NKey seed ("SU...")
  // TLS: ca_file turns it on; cert_file and key_file (both or neither) identify this client.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  int line = 0;
};

// What a host name becomes as a default node name: each character outside [A-Za-z0-9_-] turned
// into '-', cut to 64 characters.
std::string node_name_from_host(std::string_view host);

struct Config {
  std::filesystem::path source;
  std::filesystem::path state_dir;
  std::string user_agent;        // empty: the built-in "newsalertd/<version> (+url)"
  PollConfig poll;
  FullTextConfig full_text;
  std::vector<FeedConfig> feeds;
  std::vector<WatchlistConfig> watchlists;
  std::vector<RegionGroup> region_groups;   // already expanded into the watchlists' region terms
  std::vector<WebhookConfig> webhooks;   // never empty after loading: the stdout notifier is the default
  Millis shutdown_grace{std::chrono::seconds(10)};
  std::optional<HttpListen> http;
  std::vector<ApiToken> api_tokens;   // none: the /v1 API reads without a token and cannot write
  // One YAML file per watchlist, read beside the main file's `watchlists` (default: watchlists.d
  // next to the config file; a missing directory holds none).
  std::filesystem::path watchlists_dir;
  // One YAML file per feed, beside the main file's `feeds`: the directory feeds.d next to
  // watchlists_dir, so the two kinds of file the API writes live side by side.
  std::filesystem::path feeds_dir;
  NetworkConfig network;
  // Problems that do not stop the daemon ("warning: ..."): `check` prints them, `run` logs them.
  std::vector<Diagnostic> warnings;
  int inline_secret_line = 0;    // first line holding a secret written in the file itself (0: none)
  StateConfig state;
  std::optional<WebSubConfig> websub;
  std::optional<ClusterConfig> cluster;
  // Lower-case hex SHA-256 of the file's bytes as read (what sha256sum prints), or, when
  // watchlists_dir holds files, of those bytes followed by each file's name and bytes: the daemons
  // of a cluster compare it to know they run the same watchlists.
  std::string fingerprint;
};


// Thrown when a config cannot be used; carries every problem found, not just the first.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace newsalert::config
