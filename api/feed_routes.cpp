// The feed routes: health from the status report; feeds.d files checked by the config loader,
// written atomically and reloaded, each change logged.
#include "api/feed_routes.hpp"

#include "api/config_files.hpp"
#include "common/files.hpp"
#include "common/url_redaction.hpp"
#include "config/load_config.hpp"
#include "config/watchlist_document.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace newsalert::api {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// A feed's file is NAME.yaml; a hidden name would be a file the loader never reads.
constexpr std::string_view kNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
}  // namespace

Answer FeedRoutes::list() const {
  const auto& config = host_.config();
  json feeds = json::parse(host_.status()).value("feeds", json::array());
  for (auto& feed : feeds) {
    const std::string url = feed.value("url", "");
    const auto found = std::find_if(config.feeds.begin(), config.feeds.end(),
                                    [&](const config::FeedConfig& f) { return f.url == url; });
    if (found == config.feeds.end()) continue;
    const bool in_file = found->file.empty();
    feed["source"] = in_file ? "config" : "api";
    feed["defined_in"] = in_file ? config.source.string() + ":" + std::to_string(found->line) : found->file.string();
    if (!in_file) feed["name"] = found->file.stem().string();
  }
  return json_answer(200, json{{"feeds", std::move(feeds)}}.dump() + "\n");
}

const config::FeedConfig* FeedRoutes::find(const std::string& name) const {
  for (const auto& feed : host_.config().feeds)
    if (!feed.file.empty() && feed.file.stem() == name) return &feed;
  return nullptr;
}

Answer FeedRoutes::get(const std::string& name, const std::string& accept) const {
  const auto* feed = find(name);
  if (!feed) return error_answer(404, "no feed '" + name + "' in " + host_.config().feeds_dir.string());
  const std::string text = read_file(feed->file).value_or("");
  if (accepts_yaml(accept)) return Answer{200, text, "application/yaml; charset=utf-8", {}};
  return json_answer(200, config::json_of_yaml(text).dump() + "\n");
}

ConfigFiles FeedRoutes::files() const { return ConfigFiles{host_.config().source, host_.config().feeds_dir}; }

std::optional<Answer> FeedRoutes::check(const ConfigFiles& files, const std::string& name,
                                        const std::optional<std::string>& yaml_text, bool positions_are_callers) {
  const config::FileEdit edit{name, yaml_text, config::FileEdit::Dir::feeds};
  const fs::path file = files.file(name);
  try {
    static_cast<void>(config::load_config(files.source, /*check_state_dir=*/false, &edit));
    return std::nullopt;
  } catch (const config::ConfigError& e) {
    json errors = json::array();
    for (const auto& d : e.diagnostics()) {
      const bool own = d.file == file.string();
      json error = positioned("", own && !positions_are_callers ? 0 : d.line,
                              own && !positions_are_callers ? 0 : d.column, d.message);
      if (!own) error["file"] = d.file;
      errors.push_back(std::move(error));
    }
    return invalid(std::move(errors));
  }
}

Routed FeedRoutes::put(const std::string& name, const Request& request, const Caller& caller) {
  if (!caller.may_write) return error_answer(403, "token '" + caller.name + "' may only read");
  if (name.front() == '.' || name.find_first_not_of(kNameCharacters) != std::string::npos)
    return invalid(json::array({positioned("", 0, 0, "the name may only contain letters, digits, '_', '.' and '-', "
                                                     "and may not start with '.'")}));
  std::string yaml_text = request.body;
  const bool yaml_body = is_yaml(request.content_type);
  if (!yaml_body) {
    json body;
    try {
      body = json::parse(request.body);
    } catch (const json::parse_error& e) {
      const auto [line, column] = position_in(request.body, e.byte > 0 ? e.byte - 1 : 0);
      return invalid(json::array({positioned("", line, column, "the body is not JSON: " + std::string(e.what()))}));
    }
    if (!body.is_object()) return invalid(json::array({positioned("", 0, 0, "expected a feed as a JSON object")}));
    yaml_text = config::watchlist_yaml(body);
  }
  return Job([files = files(), name, yaml_text = std::move(yaml_text), yaml_body, who = caller.name] {
    const auto lock = lock_file_changes();
    if (auto refusal = check(files, name, yaml_text, yaml_body)) return *refusal;
    // The file, not the running config, says whether it exists: a change written just before may
    // not have been loaded yet.
    std::error_code ec;
    const bool created = !fs::exists(files.file(name), ec);
    if (auto failure = store_file(files, name, yaml_text, "feed")) return *failure;
    const json after = config::json_of_yaml(yaml_text);
    spdlog::info("api: token '{}' {} feed '{}' ({})", who, created ? "created" : "replaced", name,
                 redact_url_secrets(after.value("url", "")));
    Answer answer = json_answer(created ? 201 : 200, after.dump() + "\n");
    if (created) answer.headers.emplace_back("Location", "/v1/feeds/" + name);
    answer.reload = true;
    return answer;
  });
}

Routed FeedRoutes::remove(const std::string& name, const Caller& caller) {
  if (!caller.may_write) return error_answer(403, "token '" + caller.name + "' may only read");
  return Job([files = files(), name, who = caller.name] {
    const auto lock = lock_file_changes();
    std::error_code ec;
    if (!fs::exists(files.file(name), ec))
      return error_answer(404, "no feed '" + name + "' in " + files.dir.string());
    if (auto refusal = check(files, name, std::nullopt, false)) return *refusal;
    if (auto failure = store_file(files, name, std::nullopt, "feed")) return *failure;
    spdlog::info("api: token '{}' deleted feed '{}'", who, name);
    Answer answer = json_answer(204, "");
    answer.reload = true;
    return answer;
  });
}

}  // namespace newsalert::api
