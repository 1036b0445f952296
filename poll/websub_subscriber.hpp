// WebSub subscriber: subscribes feeds that name a hub, answers the hub's verification of intent,
// checks pushed content against the subscription's secret, renews leases, unsubscribes feeds
// that leave the config. Runs on the daemon's event loop; subscriptions live in the state store,
// which a cluster shares: any node answers the hub, the feed's poller keeps the subscription.
#pragma once

#include "common/supervisor.hpp"
#include "config/config.hpp"
#include "poll/websub_callback.hpp"
#include "net/http_client.hpp"
#include "store/websub_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsalert::poll {

// True when an X-Hub-Signature value ("sha256=<hex>", also sha1/sha384/sha512) is the HMAC of
// `body` under `secret`.
bool websub_signature_valid(std::string_view header, std::string_view secret, std::string_view body);

// When to renew a lease: a quarter of it before it ends, at most an hour before.
Millis websub_renew_margin(Millis lease);

class WebSubSubscriber {
 public:
  struct Callbacks {
    // Verified content for a feed, to go through the same path as a polled document.
    std::function<void(const std::string& feed_url, std::string body, std::string content_type)> content;
    // The feed's push became active (poll slowly) or stopped (poll at the normal interval again).
    std::function<void(const std::string& feed_url, bool active)> state_changed;
    // A content request was accepted, refused for its signature, or named no subscription.
    std::function<void(std::string_view result)> pushed;
    // Whether this node looks after the feed's subscription (subscribes, renews, unsubscribes it):
    // in a cluster, the node that polls the feed. Empty: every feed (a single node).
    std::function<bool(const std::string& feed_url)> owns;
    // In a cluster: calls refresh() when what this node applied of other nodes' writes changed
    // the subscriptions, so that it decides on the newest state it has; with `apply_arrived`,
    // applies what has arrived first (for rare decisions that must not undo another node's).
    // Empty: one node.
    std::function<void(bool apply_arrived)> catch_up;
  };

  WebSubSubscriber(boost::asio::io_context& io, net::HttpClient& http, store::WebSubStore& subscriptions,
                   config::WebSubConfig config, Callbacks callbacks);
  ~WebSubSubscriber();
  WebSubSubscriber(const WebSubSubscriber&) = delete;
  WebSubSubscriber& operator=(const WebSubSubscriber&) = delete;

  // Loads the stored subscriptions (feeds no longer configured are unsubscribed) and starts the
  // loop that renews leases and notices ends.
  void start(const std::vector<std::string>& feed_urls, Supervisor& supervisor);
  void stop();

  // After a successful poll: the hubs the feed names now and its topic (rel="self", else the URL
  // polled). Subscribes when the feed has a hub and no live subscription.
  void discovered(const std::string& feed_url, const std::vector<std::string>& hubs, const std::string& topic);
  // The configured feeds, at start and after a reload: the subscriptions of the others end.
  void set_feeds(const std::vector<std::string>& feed_urls);

  bool active(const std::string& feed_url) const;
  std::size_t active_count() const;
  // Whether the feed's subscription is active and its lease ends within `within`.
  bool lease_ends_within(const std::string& feed_url, Millis within) const;

  // Reads the subscriptions again from the state store, after other nodes of a cluster changed
  // them (a hub's verification may reach any node); a feed whose push started or stopped there is
  // reported through state_changed here too.
  void refresh();
  // Whether `request` names a subscription in a state that takes it. In a cluster, false may
  // only mean that this node has not yet applied what the node that asked the hub wrote.
  bool expects(const CallbackRequest& request) const;
  // Whether `request` names a callback token of the form this daemon makes: others name no
  // subscription, now or later.
  bool well_formed(const CallbackRequest& request) const;

  // The listener's path prefix for callbacks ("/websub/" for callback_base http://host/websub).
  const std::string& path_prefix() const { return prefix_; }
  // A request to <prefix><token>: verification of intent (GET) or content distribution (POST).
  CallbackAnswer handle(const CallbackRequest& request);

 private:
  struct Entry {
    store::WebSubSubscription sub;
    bool renewing = false;     // a renewal is out; the current lease still counts
    bool requesting = false;   // a subscribe or unsubscribe POST is in flight
    TimePoint next_try{};      // after a failed renewal: not before this
  };

  // What maintain() finds due: subscriptions to fail (and why), renew, forget, end.
  struct Maintenance {
    std::vector<std::pair<std::string, std::string>> fail;
    std::vector<std::string> renew, forget, end;
    bool empty() const { return fail.empty() && renew.empty() && forget.empty() && end.empty(); }
  };
  Maintenance plan(TimePoint now) const;
  void carry_out(const Maintenance& due);
  void catch_up(bool apply_arrived);
  bool pushing(const Entry& entry) const;
  bool manages(const std::string& feed_url) const { return !callbacks_.owns || callbacks_.owns(feed_url); }
  void subscribe(Entry& entry, bool renewal);
  void unsubscribe(Entry& entry);
  boost::asio::awaitable<void> send(std::string feed_url, std::string mode, bool renewal);
  boost::asio::awaitable<void> maintain();
  void fail(Entry& entry, const std::string& why);
  void save(Entry& entry);
  void forget(const std::string& feed_url);
  std::string callback_url(const Entry& entry) const;
  std::string_view token_of(std::string_view target) const;
  const Entry* by_token(std::string_view token) const;
  Entry* by_token(std::string_view token);
  CallbackAnswer verify(Entry* entry, const std::map<std::string, std::string>& query);

  boost::asio::io_context& io_;
  net::HttpClient& http_;
  store::WebSubStore& subscriptions_;
  config::WebSubConfig config_;
  Callbacks callbacks_;
  std::string prefix_;
  std::map<std::string, Entry> entries_;   // by feed URL
  std::set<std::string> feeds_;            // the configured feeds: the others' subscriptions end
  boost::asio::steady_timer tick_;
  bool stopped_ = false;
};

}  // namespace newsalert::poll
