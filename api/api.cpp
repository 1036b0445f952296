// Routing of /v1 paths and methods; every route passes authorize() first.
#include "api/api.hpp"

#include "api/auth.hpp"

#include <string_view>

namespace newsalert::api {

namespace {

constexpr std::string_view kWatchlists = "/v1/watchlists";
constexpr std::string_view kFeeds = "/v1/feeds";
constexpr std::string_view kDeliveryList = "/v1/deliveries";
constexpr std::string_view kDeliveries = "/v1/deliveries/";

Answer method_not_allowed(const std::string& allowed) {
  Answer answer = error_answer(405, "use " + allowed);
  answer.headers.emplace_back("Allow", allowed);
  return answer;
}

bool is_read(const std::string& method) { return method == "GET" || method == "HEAD"; }

// /v1/watchlists/NAME/try (a watchlist may itself be named "try").
bool is_try(const std::string& path) {
  if (!path.starts_with(std::string(kWatchlists) + "/")) return false;
  const std::string_view rest = std::string_view(path).substr(kWatchlists.size() + 1);
  const auto slash = rest.find('/');
  return slash != std::string_view::npos && slash > 0 && rest.substr(slash) == "/try";
}

}  // namespace

Api::Api(Host host)
    : host_(std::move(host)),
      watchlists_(WatchlistRoutes::Host{host_.config, host_.store}),
      alerts_(AlertRoutes::Host{host_.store, host_.wake}),
      feeds_(FeedRoutes::Host{host_.config, host_.status}) {}

Routed Api::route(const Request& request) {
  const bool reads = is_read(request.method);
  const std::string& path = request.path;
  const bool known = path == "/v1/status" || path == kFeeds || path == "/v1/alerts" || path == kWatchlists ||
                     path == kDeliveryList || path.starts_with(std::string(kFeeds) + "/") ||
                     path.starts_with(std::string(kWatchlists) + "/") || path.starts_with(std::string(kDeliveries));
  if (!known) return error_answer(404, "no such resource; see docs/api.yaml");
  // Trying a draft saves nothing, so a read token may.
  const bool writes = !reads && !is_try(path);
  auto who = authorize(request, host_.config().api_tokens, writes);
  if (auto* refusal = std::get_if<Answer>(&who)) return std::move(*refusal);
  const Caller& caller = std::get<Caller>(who);
  if (path.starts_with(kDeliveries)) return deliveries(request, caller);
  if (path.starts_with(std::string(kWatchlists) + "/")) return watchlist(request, caller);
  if (path.starts_with(std::string(kFeeds) + "/")) return feed(request, caller);
  if (!reads) return method_not_allowed("GET, HEAD");
  if (path == "/v1/status") return json_answer(200, host_.status() + "\n");
  if (path == kFeeds) return feeds_.list();
  if (path == "/v1/alerts") return alerts_.alerts(request.query);
  if (path == kDeliveryList) return alerts_.deliveries();
  return watchlists_.list();
}

Routed Api::watchlist(const Request& request, const Caller& caller) {
  const std::string rest = request.path.substr(kWatchlists.size() + 1);   // NAME or NAME/try
  const auto slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  if (name.empty() || (slash != std::string::npos && !is_try(request.path))) return error_answer(404, "no such resource");
  if (slash != std::string::npos) {
    if (request.method != "POST") return method_not_allowed("POST");
    return watchlists_.try_draft(name, request);
  }
  if (is_read(request.method)) return watchlists_.get(name, request.accept);
  if (request.method == "PUT") return watchlists_.put(name, request, caller);
  if (request.method == "DELETE") return watchlists_.remove(name, caller);
  return method_not_allowed("GET, HEAD, PUT, DELETE");
}

// GET, PUT and DELETE /v1/feeds/{name}
Routed Api::feed(const Request& request, const Caller& caller) {
  const std::string name = request.path.substr(kFeeds.size() + 1);
  if (name.empty() || name.find('/') != std::string::npos) return error_answer(404, "no such resource");
  if (is_read(request.method)) return feeds_.get(name, request.accept);
  if (request.method == "PUT") return feeds_.put(name, request, caller);
  if (request.method == "DELETE") return feeds_.remove(name, caller);
  return method_not_allowed("GET, HEAD, PUT, DELETE");
}

// POST /v1/deliveries/{id}/retry
Answer Api::deliveries(const Request& request, const Caller& caller) {
  constexpr std::string_view kRetry = "/retry";
  const std::string_view rest = std::string_view(request.path).substr(kDeliveries.size());
  if (!rest.ends_with(kRetry)) return error_answer(404, "no such resource; see docs/api.yaml");
  if (request.method != "POST") return method_not_allowed("POST");
  return alerts_.retry(std::string(rest.substr(0, rest.size() - kRetry.size())), caller);
}

}  // namespace newsalert::api
