// The /v1 API's router: authorises each request, then hands it to the routes of its resource.
#pragma once

#include "api/alert_routes.hpp"
#include "api/api_types.hpp"
#include "api/feed_routes.hpp"
#include "api/watchlist_routes.hpp"
#include "config/config.hpp"

#include <functional>
#include <string>

namespace newsalert::api {

class Api {
 public:
  struct Host {
    std::function<const config::Config&()> config;   // the running config
    std::function<std::string()> status;             // the /v1/status JSON
    std::function<store::StateStore&()> store;
    std::function<void(const std::string& webhook)> wake;   // a delivery loop has work again
  };
  explicit Api(Host host);

  // Any request whose path starts with /v1/: its answer, or the Job that makes it (a try's
  // matching, a change of the files), which the caller runs off the event loop. An answer with
  // `reload` set goes out once the daemon has loaded the changed files (a 500 if it refused them).
  Routed route(const Request& request);

 private:
  Routed watchlist(const Request& request, const Caller& caller);
  Answer deliveries(const Request& request, const Caller& caller);
  Routed feed(const Request& request, const Caller& caller);

  Host host_;
  WatchlistRoutes watchlists_;
  AlertRoutes alerts_;
  FeedRoutes feeds_;
};

}  // namespace newsalert::api
