// The WebSub subscriber side (W3C WebSub, section 5-7): subscription requests, verification of
// intent, authenticated content distribution, lease renewal.
#include "poll/websub_subscriber.hpp"

#include "common/crypto.hpp"
#include "common/log_exception.hpp"
#include "common/text.hpp"
#include "store/replication.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace asio = boost::asio;

// GCC 12 reports a false -Wmismatched-new-delete for large coroutine frames: Asio's frame
// operator new/delete pair (aligned_new / aligned_delete) is seen through only on one side.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace newsalert::poll {

namespace {

// How long a hub has to verify a request before the subscription counts as failed.
constexpr Millis kVerifyTimeout{std::chrono::minutes(2)};
// How soon a failed subscription is tried again when a poll finds the hub still named.
constexpr Millis kRetryFailed{std::chrono::minutes(30)};
constexpr Millis kTick{250};
// Random bytes in a callback token: 32 hex digits.
constexpr std::size_t kTokenBytes = 16;

// The query of a request target as a map ("" when it has none).
std::map<std::string, std::string> parse_query(std::string_view target) {
  const auto question = target.find('?');
  return question == std::string_view::npos ? std::map<std::string, std::string>{} : parse_form(target.substr(question + 1));
}

// The path part of an absolute http(s) URL, without a trailing slash ("" for none).
std::string url_path(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (slash == std::string::npos) return {};
  std::string path = url.substr(slash);
  while (path.ends_with('/')) path.pop_back();
  return path;
}

std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace

bool websub_signature_valid(std::string_view header, std::string_view secret, std::string_view body) {
  const auto eq = header.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string digest = to_lower_ascii(trim(header.substr(0, eq)));
  const std::string given = to_lower_ascii(trim(header.substr(eq + 1)));
  const std::string expected = hmac_hex(digest, secret, body);
  return !expected.empty() && constant_time_equal(expected, given);
}

Millis websub_renew_margin(Millis lease) { return std::min(lease / 4, Millis(std::chrono::hours(1))); }

WebSubSubscriber::WebSubSubscriber(asio::io_context& io, net::HttpClient& http, store::WebSubStore& subscriptions,
                                   config::WebSubConfig config, Callbacks callbacks)
    : io_(io), http_(http), subscriptions_(subscriptions), config_(std::move(config)),
      callbacks_(std::move(callbacks)), tick_(io) {
  // A base without a path still gets one, so callbacks never shadow the admin endpoints.
  const std::string path = url_path(config_.callback_base);
  prefix_ = (path.empty() ? std::string("/websub") : path) + "/";
}

WebSubSubscriber::~WebSubSubscriber() = default;

std::string WebSubSubscriber::callback_url(const Entry& entry) const {
  return origin_of(config_.callback_base) + prefix_ + entry.sub.token;
}

void WebSubSubscriber::start(const std::vector<std::string>& feed_urls, Supervisor& supervisor) {
  for (auto& sub : subscriptions_.all()) {
    const std::string url = sub.feed_url;
    entries_[url].sub = std::move(sub);
  }
  set_feeds(feed_urls);
  for (const auto& [url, entry] : entries_)
    if (pushing(entry)) callbacks_.state_changed(url, true);
  supervisor.spawn("websub", "", [this] { return maintain(); });
}

void WebSubSubscriber::set_feeds(const std::vector<std::string>& feed_urls) {
  feeds_ = {feed_urls.begin(), feed_urls.end()};
  std::vector<std::string> gone;
  for (const auto& [url, entry] : entries_)
    if (!feeds_.contains(url) && manages(url)) gone.push_back(url);
  for (const auto& url : gone)
    if (auto it = entries_.find(url); it != entries_.end()) unsubscribe(it->second);
}

void WebSubSubscriber::refresh() {
  std::map<std::string, Entry> next;
  std::vector<std::pair<std::string, bool>> changed;   // feed URL, pushed now
  for (auto& sub : subscriptions_.all()) {
    const std::string url = sub.feed_url;
    Entry entry;
    bool was_pushing = false;
    if (auto it = entries_.find(url); it != entries_.end()) {
      was_pushing = pushing(it->second);
      entry = std::move(it->second);
      entries_.erase(it);
    }
    // Another subscription (a new token): what this node had in flight was for the old one.
    if (entry.sub.token != sub.token) entry = Entry{};
    // A new lease: the renewal this node sent was verified, on whichever node the hub reached.
    if (entry.sub.expires != sub.expires) entry.renewing = false;
    entry.sub = std::move(sub);
    if (pushing(entry) != was_pushing) changed.emplace_back(url, !was_pushing);
    next.emplace(url, std::move(entry));
  }
  for (const auto& [url, entry] : entries_)
    if (pushing(entry)) changed.emplace_back(url, false);
  entries_ = std::move(next);
  for (const auto& [url, now_pushing] : changed) callbacks_.state_changed(url, now_pushing);
}

void WebSubSubscriber::stop() {
  stopped_ = true;
  tick_.cancel();
}

void WebSubSubscriber::catch_up(bool apply_arrived) {
  if (callbacks_.catch_up) callbacks_.catch_up(apply_arrived);
}

bool WebSubSubscriber::pushing(const Entry& entry) const {
  return entry.sub.state == store::WebSubState::active && (!entry.sub.expires || *entry.sub.expires > Clock::now());
}

bool WebSubSubscriber::active(const std::string& feed_url) const {
  const auto it = entries_.find(feed_url);
  return it != entries_.end() && pushing(it->second);
}

bool WebSubSubscriber::lease_ends_within(const std::string& feed_url, Millis within) const {
  const auto it = entries_.find(feed_url);
  return it != entries_.end() && pushing(it->second) && it->second.sub.expires &&
         *it->second.sub.expires - Clock::now() < within;
}

std::size_t WebSubSubscriber::active_count() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [this](const auto& e) { return pushing(e.second); }));
}

// In a cluster another node may write at the same moment (a hub's answer reaching it): the write
// is made again after the other node's, and says what this node decided. Decisions are made right
// after catch_up(), so the window for deciding on an old state is a few milliseconds.
void WebSubSubscriber::save(Entry& entry) {
  entry.sub.updated = Clock::now();
  store::retry_on_conflict([&] { subscriptions_.save(entry.sub); });
}

void WebSubSubscriber::forget(const std::string& feed_url) {
  store::retry_on_conflict([&] { subscriptions_.remove(feed_url); });
  entries_.erase(feed_url);
}

void WebSubSubscriber::discovered(const std::string& feed_url, const std::vector<std::string>& hubs,
                                  const std::string& topic) {
  if (stopped_ || hubs.empty() || topic.empty()) return;
  auto it = entries_.find(feed_url);
  if (it != entries_.end()) {
    const auto& sub = it->second.sub;
    const bool same = std::find(hubs.begin(), hubs.end(), sub.hub) != hubs.end() && sub.topic == topic;
    if (sub.state == store::WebSubState::unsubscribing) return;
    if (same && sub.state != store::WebSubState::failed) return;
    if (same && Clock::now() - sub.updated < kRetryFailed) return;
  }
  Entry& entry = entries_[feed_url];
  const bool same_hub = entry.sub.hub == hubs.front() && entry.sub.topic == topic && !entry.sub.token.empty();
  entry.sub.feed_url = feed_url;
  if (!same_hub) {
    // A new hub or topic: a new callback and secret, so the old hub's pushes are not accepted.
    entry.sub.token = random_hex(kTokenBytes);
    entry.sub.secret = random_hex(32);
  }
  entry.sub.hub = hubs.front();
  entry.sub.topic = topic;
  entry.sub.lease.reset();
  entry.sub.expires.reset();
  subscribe(entry, false);
}

void WebSubSubscriber::subscribe(Entry& entry, bool renewal) {
  if (renewal) entry.renewing = true;
  else {
    entry.sub.state = store::WebSubState::requested;
    entry.sub.last_error.clear();
  }
  save(entry);
  spdlog::info("websub: feed {}: {} at hub {} (topic {})", entry.sub.feed_url,
               renewal ? "renewing the subscription" : "subscribing", entry.sub.hub, entry.sub.topic);
  asio::co_spawn(io_, send(entry.sub.feed_url, "subscribe", renewal),
                 [](std::exception_ptr e) { log_exception("websub subscribe", e); });
}

void WebSubSubscriber::unsubscribe(Entry& entry) {
  if (entry.sub.state == store::WebSubState::failed || entry.sub.state == store::WebSubState::unsubscribing) {
    if (entry.sub.state == store::WebSubState::failed) forget(std::string(entry.sub.feed_url));
    return;
  }
  entry.sub.state = store::WebSubState::unsubscribing;
  save(entry);
  spdlog::info("websub: feed {} left the config; unsubscribing at hub {}", entry.sub.feed_url, entry.sub.hub);
  asio::co_spawn(io_, send(entry.sub.feed_url, "unsubscribe", false),
                 [](std::exception_ptr e) { log_exception("websub unsubscribe", e); });
}

asio::awaitable<void> WebSubSubscriber::send(std::string feed_url, std::string mode, bool renewal) {
  auto it = entries_.find(feed_url);
  if (it == entries_.end()) co_return;
  const store::WebSubSubscription sub = it->second.sub;
  it->second.requesting = true;
  net::HttpRequest request;
  request.url = sub.hub;
  request.method = "POST";
  request.timeout = std::chrono::seconds(10);
  request.max_bytes = 64 * 1024;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = "hub.mode=" + mode + "&hub.topic=" + form_encode(sub.topic) +
                 "&hub.callback=" + form_encode(callback_url(it->second));
  if (mode == "subscribe") {
    request.body += "&hub.secret=" + sub.secret;
    request.body += "&hub.lease_seconds=" +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(config_.lease).count());
  }
  const net::HttpResponse response = co_await http_.async_fetch(std::move(request), asio::use_awaitable);
  if (stopped_) co_return;
  // The subscription this request was for may have been replaced meanwhile (a new hub, a new token).
  const auto same = [&] {
    it = entries_.find(feed_url);
    return it != entries_.end() && it->second.sub.token == sub.token;
  };
  if (!same()) co_return;
  it->second.requesting = false;
  catch_up(false);
  if (!same()) co_return;
  Entry& entry = it->second;
  if (!manages(feed_url)) {   // the feed moved to another node, which decides from here on
    entry.renewing = false;
    co_return;
  }
  if (response.is_success()) {
    spdlog::debug("websub: feed {}: hub {} accepted the {} request (HTTP {}); waiting for its verification", feed_url,
                  sub.hub, mode, response.status);
    co_return;
  }
  std::string error = response.describe();
  if (const auto body = trim(response.body); !response.error && !body.empty())
    error += ": " + std::string(body.substr(0, 200));
  if (mode == "unsubscribe") {
    spdlog::warn("websub: feed {}: hub {} did not take the unsubscribe request ({}); forgetting the subscription",
                 feed_url, sub.hub, error);
    forget(feed_url);
    co_return;
  }
  if (renewal) {
    entry.renewing = false;
    entry.sub.last_error = error;
    // Try again a few times before the lease ends; when it ends, polling takes over.
    const Millis margin = websub_renew_margin(entry.sub.lease.value_or(config_.lease));
    entry.next_try = Clock::now() + std::max(Millis(1000), margin / 4);
    save(entry);
    spdlog::warn("websub: feed {}: renewal at hub {} failed: {}; the lease ends {}", feed_url, sub.hub, error,
                 entry.sub.expires ? format_rfc3339(*entry.sub.expires) : std::string("now"));
    co_return;
  }
  fail(entry, "subscription request failed: " + error);
}

void WebSubSubscriber::fail(Entry& entry, const std::string& why) {
  // Active by state, even when its lease just ran out: polling has to come back either way.
  const bool was_active = entry.sub.state == store::WebSubState::active;
  entry.sub.state = store::WebSubState::failed;
  entry.sub.last_error = why;
  entry.renewing = false;
  save(entry);
  spdlog::warn("websub: feed {}: {} (hub {}); polling at the normal interval", entry.sub.feed_url, why, entry.sub.hub);
  if (was_active) callbacks_.state_changed(entry.sub.feed_url, false);
}

WebSubSubscriber::Maintenance WebSubSubscriber::plan(TimePoint now) const {
  Maintenance due;
  for (const auto& [url, entry] : entries_) {
    const auto& sub = entry.sub;
    if (!manages(url)) continue;   // another node of the cluster looks after it
    if (!feeds_.contains(url) && !entry.requesting && sub.state != store::WebSubState::unsubscribing) {
      due.end.push_back(url);   // left the config while no node looked after it
    } else if (sub.state == store::WebSubState::active && sub.expires) {
      if (now >= *sub.expires) {
        due.fail.emplace_back(url, "the lease ended without a renewal");
      } else if (!entry.renewing && !entry.requesting && now >= entry.next_try &&
                 now >= *sub.expires - websub_renew_margin(sub.lease.value_or(config_.lease))) {
        due.renew.push_back(url);
      }
    } else if (sub.state == store::WebSubState::requested && !entry.requesting && now - sub.updated > kVerifyTimeout) {
      due.fail.emplace_back(url, "the hub did not verify the subscription within " + format_duration(kVerifyTimeout));
    } else if (sub.state == store::WebSubState::unsubscribing && !entry.requesting &&
               now - sub.updated > kVerifyTimeout) {
      due.forget.push_back(url);
    }
  }
  return due;
}

// Each step finds its entry again: an earlier one may have changed the map.
void WebSubSubscriber::carry_out(const Maintenance& due) {
  for (const auto& [url, why] : due.fail)
    if (auto it = entries_.find(url); it != entries_.end()) fail(it->second, why);
  for (const auto& url : due.renew)
    if (auto it = entries_.find(url); it != entries_.end()) subscribe(it->second, true);
  for (const auto& url : due.forget) forget(url);
  for (const auto& url : due.end)
    if (auto it = entries_.find(url); it != entries_.end()) unsubscribe(it->second);
}

asio::awaitable<void> WebSubSubscriber::maintain() {
  boost::system::error_code ec;
  while (!stopped_) {
    catch_up(false);
    Maintenance due = plan(Clock::now());
    // Deciding on what this node has applied so far could undo a verification another node
    // answered a moment ago, or repeat what the feed's previous owner just did: in a cluster each
    // step is decided again on all that has arrived. Steps are rare (one per lease and feed).
    if (!due.empty() && callbacks_.catch_up) {
      catch_up(true);
      due = plan(Clock::now());
    }
    carry_out(due);
    tick_.expires_after(kTick);
    co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

const WebSubSubscriber::Entry* WebSubSubscriber::by_token(std::string_view token) const {
  for (const auto& [url, entry] : entries_)
    if (!token.empty() && entry.sub.token == token) return &entry;
  return nullptr;
}

WebSubSubscriber::Entry* WebSubSubscriber::by_token(std::string_view token) {
  return const_cast<Entry*>(std::as_const(*this).by_token(token));
}

std::string_view WebSubSubscriber::token_of(std::string_view target) const {
  std::string_view token = target.substr(0, target.find('?'));
  token.remove_prefix(std::min(prefix_.size(), token.size()));
  return token;
}

bool WebSubSubscriber::well_formed(const CallbackRequest& request) const {
  const std::string_view token = token_of(request.target);
  return token.size() == kTokenBytes * 2 &&
         std::all_of(token.begin(), token.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool WebSubSubscriber::expects(const CallbackRequest& request) const {
  const Entry* entry = by_token(token_of(request.target));
  if (entry == nullptr) return false;
  const auto state = entry->sub.state;
  if (request.method != "GET") return state != store::WebSubState::unsubscribing;
  const auto query = parse_query(request.target);
  const auto mode = query.find("hub.mode");
  const auto topic = query.find("hub.topic");
  if (topic == query.end() || topic->second != entry->sub.topic) return false;
  if (mode == query.end() || mode->second == "denied") return true;
  if (mode->second == "unsubscribe") return state == store::WebSubState::unsubscribing;
  return state == store::WebSubState::requested || state == store::WebSubState::active;
}

CallbackAnswer WebSubSubscriber::verify(Entry* entry, const std::map<std::string, std::string>& query) {
  const auto get = [&](const char* key) {
    const auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  };
  const std::string mode = get("hub.mode");
  const std::string topic = get("hub.topic");
  if (entry == nullptr) return {404, "no such subscription\n"};
  if (topic != entry->sub.topic) {
    spdlog::warn("websub: feed {}: verification for topic {} refused: subscribed to {}", entry->sub.feed_url, topic,
                 entry->sub.topic);
    return {404, "topic does not match\n"};
  }
  const std::string challenge = get("hub.challenge");
  if (mode == "denied") {
    fail(*entry, "the hub denied the subscription" + (get("hub.reason").empty() ? "" : ": " + get("hub.reason")));
    return {200, ""};
  }
  if (challenge.empty()) return {400, "missing hub.challenge\n"};
  if (mode == "subscribe") {
    if (entry->sub.state != store::WebSubState::requested && entry->sub.state != store::WebSubState::active)
      return {404, "no subscription was requested\n"};
    const bool was_active = active(entry->sub.feed_url);
    Millis lease = config_.lease;
    if (const std::string seconds = get("hub.lease_seconds"); !seconds.empty()) {
      try {
        lease = std::chrono::seconds(std::max(1L, std::stol(seconds)));
      } catch (const std::exception&) {
      }
    }
    entry->sub.state = store::WebSubState::active;
    entry->sub.lease = lease;
    entry->sub.expires = Clock::now() + lease;
    entry->sub.last_error.clear();
    entry->renewing = false;
    save(*entry);
    spdlog::info("websub: feed {}: subscription at hub {} verified; lease {}, until {}", entry->sub.feed_url,
                 entry->sub.hub, format_duration(lease), format_rfc3339(*entry->sub.expires));
    if (!was_active) callbacks_.state_changed(entry->sub.feed_url, true);
    return {200, challenge};
  }
  if (mode == "unsubscribe") {
    if (entry->sub.state != store::WebSubState::unsubscribing) return {404, "no unsubscription was requested\n"};
    spdlog::info("websub: feed {}: unsubscribed at hub {}", entry->sub.feed_url, entry->sub.hub);
    forget(std::string(entry->sub.feed_url));
    return {200, challenge};
  }
  return {400, "unknown hub.mode\n"};
}

CallbackAnswer WebSubSubscriber::handle(const CallbackRequest& request) {
  const std::string_view target = request.target;
  Entry* entry = by_token(token_of(target));
  if (request.method == "GET") return verify(entry, parse_query(target));
  if (request.method != "POST") return {405, "use GET or POST\n"};
  if (entry == nullptr || entry->sub.state == store::WebSubState::unsubscribing) {
    callbacks_.pushed("unknown");
    spdlog::warn("websub: content for an unknown subscription ({}) ignored", target);
    return {410, "no such subscription\n"};
  }
  const auto signature = request.headers.find("x-hub-signature");
  if (signature == request.headers.end() ||
      !websub_signature_valid(signature->second, entry->sub.secret, request.body)) {
    callbacks_.pushed("bad_signature");
    spdlog::warn("websub: feed {}: content from hub {} rejected: {} X-Hub-Signature", entry->sub.feed_url,
                 entry->sub.hub, signature == request.headers.end() ? "no" : "a wrong");
    // 2xx all the same (WebSub 8): a sender probing for the secret learns nothing.
    return {202, "ignored\n"};
  }
  callbacks_.pushed("accepted");
  const auto type = request.headers.find("content-type");
  callbacks_.content(entry->sub.feed_url, request.body, type == request.headers.end() ? "" : type->second);
  return {202, "accepted\n"};
}

}  // namespace newsalert::poll
