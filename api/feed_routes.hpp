// /v1/feeds: every feed's health, and the feeds of feeds.d (one NAME.yaml each, beside
// watchlists_dir) read and written by the same rules as watchlists.
#pragma once

#include "api/api_types.hpp"
#include "api/config_files.hpp"
#include "api/auth.hpp"
#include "config/config.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace newsalert::api {

class FeedRoutes {
 public:
  struct Host {
    std::function<const config::Config&()> config;   // the running config
    std::function<std::string()> status;             // the /v1/status JSON
  };
  explicit FeedRoutes(Host host) : host_(std::move(host)) {}

  // GET /v1/feeds: health, last success, last error and next poll, with where each is defined.
  Answer list() const;
  // GET, PUT and DELETE /v1/feeds/{name}: a feed of feeds.d, as JSON or (by Accept) as its YAML.
  Answer get(const std::string& name, const std::string& accept) const;
  // PUT and DELETE check the change and write the file in their Job; the answer asks for a reload.
  Routed put(const std::string& name, const Request& request, const Caller& caller);
  Routed remove(const std::string& name, const Caller& caller);

 private:
  ConfigFiles files() const;   // feeds_dir
  const config::FeedConfig* find(const std::string& name) const;
  // The 400 for a change the loader refuses, or nullopt when the config loads with it.
  static std::optional<Answer> check(const ConfigFiles& files, const std::string& name,
                                     const std::optional<std::string>& yaml_text, bool positions_are_callers);

  Host host_;
};

}  // namespace newsalert::api
