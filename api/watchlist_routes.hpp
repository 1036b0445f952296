// /v1/watchlists: the watchlists of the config file (read-only here) and of watchlists_dir (read and
// written here, one NAME.yaml each), changed only to a config that loads, then applied at once.
#pragma once

#include "api/api_types.hpp"
#include "api/auth.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace newsalert::store {
class StateStore;
}

namespace newsalert::api {

class WatchlistRoutes {
 public:
  struct Host {
    std::function<const config::Config&()> config;   // the running config
    // Loads the files as they now are and runs on them, like SIGHUP; false when that was refused.
    std::function<bool()> reload;
    std::function<store::StateStore&()> store;   // where the kept article texts are
  };
  explicit WatchlistRoutes(Host host) : host_(std::move(host)) {}

  // GET /v1/watchlists
  Answer list() const;
  // GET, PUT and DELETE /v1/watchlists/{name}
  // GET: the watchlist as JSON, or as YAML when `accept` asks for it (an API file as written).
  Answer get(const std::string& name, const std::string& accept) const;
  Answer put(const std::string& name, const Request& request, const Caller& caller);
  Answer remove(const std::string& name, const Caller& caller);
  // POST /v1/watchlists/{name}/try: the alerts a draft would have raised on the kept article texts.
  // The draft is checked and the texts read here; the matching is the Job.
  Routed try_draft(const std::string& name, const Request& request) const;

 private:
  // A watchlist of a request's body, checked with the rest of the config as watchlist `as_name`.
  struct Draft {
    std::string yaml_text;
    std::optional<nlohmann::json> body;   // for a JSON body
    std::string since;                    // the body's "since", which is not a watchlist key
    config::Config config;                // the config with the draft in place
  };
  std::variant<Draft, Answer> draft(const std::string& name, const Request& request, const std::string& as_name) const;
  const config::WatchlistConfig* find(const std::string& name) const;
  Answer read_only(const config::WatchlistConfig& watchlist) const;
  // Writes (or, without text, removes) the file and reloads; the answer for a failure, or nullopt.
  std::optional<Answer> store(const std::string& name, const std::optional<std::string>& yaml_text);

  Host host_;
};

}  // namespace newsalert::api
