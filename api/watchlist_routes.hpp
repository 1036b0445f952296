// /v1/watchlists: the watchlists of the config file (read-only here) and of watchlists_dir (read and
// written here, one NAME.yaml each), changed only to a config that loads, then applied at once.
#pragma once

#include "api/api_types.hpp"
#include "api/config_files.hpp"
#include "api/auth.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
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
    std::function<store::StateStore&()> store;        // where the kept article texts are
  };
  explicit WatchlistRoutes(Host host) : host_(std::move(host)) {}

  // GET /v1/watchlists
  Answer list() const;
  // GET, PUT and DELETE /v1/watchlists/{name}
  // GET: the watchlist as JSON, or as YAML when `accept` asks for it (an API file as written).
  Answer get(const std::string& name, const std::string& accept) const;
  // PUT and DELETE check the change and write the file in their Job; the answer asks for a reload.
  Routed put(const std::string& name, const Request& request, const Caller& caller);
  Routed remove(const std::string& name, const Caller& caller);
  // POST /v1/watchlists/{name}/try: the alerts a draft would have raised on the kept article texts.
  // The texts are read here; checking the draft and the matching are the Job.
  Routed try_draft(const std::string& name, const Request& request) const;

 private:
  // A watchlist of a request's body, checked with the rest of the config as watchlist `as_name`.
  struct Draft {
    std::string yaml_text;
    std::optional<nlohmann::json> body;   // for a JSON body
    config::Config config;                // the config with the draft in place
  };
  static std::variant<Draft, Answer> draft(const ConfigFiles& files, const std::string& name, const Request& request,
                                           const std::string& as_name);
  ConfigFiles files() const;   // watchlists_dir
  const config::WatchlistConfig* find(const std::string& name) const;
  Answer read_only(const config::WatchlistConfig& watchlist) const;

  Host host_;
};

}  // namespace newsalert::api
