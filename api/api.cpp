// Routing of /v1 paths and methods; every route passes authorize() first.
#include "api/api.hpp"

#include "api/auth.hpp"

#include <string_view>

namespace newsalert::api {

namespace {

constexpr std::string_view kWatchlists = "/v1/watchlists";

Answer method_not_allowed(const std::string& allowed) {
  Answer answer = error_answer(405, "use " + allowed);
  answer.headers.emplace_back("Allow", allowed);
  return answer;
}

bool is_read(const std::string& method) { return method == "GET" || method == "HEAD"; }

}  // namespace

Api::Api(Host host)
    : host_(std::move(host)), watchlists_(WatchlistRoutes::Host{host_.config, host_.reload}) {}

Answer Api::handle(const Request& request) {
  const bool reads = is_read(request.method);
  const bool known = request.path == "/v1/status" || request.path == kWatchlists ||
                     request.path.starts_with(std::string(kWatchlists) + "/");
  if (!known) return error_answer(404, "no such resource; see docs/api.yaml");
  auto who = authorize(request, host_.config().api_tokens, !reads);
  if (auto* refusal = std::get_if<Answer>(&who)) return std::move(*refusal);
  const Caller& caller = std::get<Caller>(who);
  if (request.path == "/v1/status") {
    if (!reads) return method_not_allowed("GET, HEAD");
    return json_answer(200, host_.status() + "\n");
  }
  if (request.path == kWatchlists) {
    if (!reads) return method_not_allowed("GET, HEAD");
    return watchlists_.list();
  }
  const std::string name = request.path.substr(kWatchlists.size() + 1);
  if (name.empty() || name.find('/') != std::string::npos) return error_answer(404, "no such resource");
  if (reads) return watchlists_.get(name);
  if (request.method == "PUT") return watchlists_.put(name, request, caller);
  if (request.method == "DELETE") return watchlists_.remove(name, caller);
  return method_not_allowed("GET, HEAD, PUT, DELETE");
}

}  // namespace newsalert::api
