// The /v1 API's router: authorises each request, then hands it to the routes of its resource.
#pragma once

#include "api/api_types.hpp"
#include "api/watchlist_routes.hpp"
#include "config/config.hpp"

#include <functional>
#include <string>

namespace newsalert::api {

class Api {
 public:
  struct Host {
    std::function<const config::Config&()> config;   // the running config
    std::function<bool()> reload;                    // as SIGHUP; false when refused
    std::function<std::string()> status;             // the /v1/status JSON
  };
  explicit Api(Host host);

  // Any request whose path starts with /v1/.
  Answer handle(const Request& request);

 private:
  Host host_;
  WatchlistRoutes watchlists_;
};

}  // namespace newsalert::api
