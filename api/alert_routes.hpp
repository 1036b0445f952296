// /v1/alerts and /v1/deliveries: what was raised and where it stands, and dead letters sent again.
#pragma once

#include "api/api_types.hpp"
#include "api/auth.hpp"

#include <functional>
#include <string>

namespace newsalert::store {
class StateStore;
}

namespace newsalert::api {

class AlertRoutes {
 public:
  struct Host {
    std::function<store::StateStore&()> store;
    std::function<void(const std::string& webhook)> wake;   // a delivery loop has work again
  };
  explicit AlertRoutes(Host host) : host_(std::move(host)) {}

  // GET /v1/alerts?watchlist=NAME&since=7d&limit=50: newest first, with each webhook's state.
  Answer alerts(const std::string& query) const;
  // GET /v1/deliveries: the dead letters and the webhooks switched off by a 410, for the console.
  Answer deliveries() const;
  // POST /v1/deliveries/{id}/retry: a dead letter back into the outbox, due now.
  Answer retry(const std::string& id, const Caller& caller);

 private:
  Host host_;
};

}  // namespace newsalert::api
