// The watchlist routes: validation through the config loader itself, atomic files, audit lines.
#include "api/watchlist_routes.hpp"

#include "api/config_files.hpp"

#include "common/files.hpp"
#include "common/text.hpp"
#include "config/load_config.hpp"
#include "config/watchlist_document.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <regex>
#include <map>

namespace newsalert::api {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kFieldPrefix = "watchlist.";

// The key a loader message of a watchlist file is about: "watchlist.throttle.max: ...", "unknown key
// 'colour' in watchlist.throttle", "... notifies unknown webhook ..."; "" for the whole watchlist.
std::string field_of(const std::string& message) {
  if (message.starts_with(kFieldPrefix)) return message.substr(kFieldPrefix.size(), message.find(": ") - kFieldPrefix.size());
  static const std::regex unknown_key("unknown key '([^']*)' in watchlist(\\.[^;: ]+)?.*");
  std::smatch match;
  if (std::regex_match(message, match, unknown_key))
    return match[2].matched ? match[2].str().substr(1) + "." + match[1].str() : match[1].str();
  if (message.find(" notifies unknown webhook ") != std::string::npos) return "notify";
  return "";
}

// One loader diagnostic as the API reports it. A diagnostic of the watchlist's own file names the
// key it is about in `path`; for a JSON body a rule's syntax error is placed inside that rule's
// text, since the YAML lines the loader saw are not the caller's.
json api_error(const config::Diagnostic& d, const fs::path& file, const json* body) {
  if (d.file != file.string()) {
    json error = positioned("", d.line, d.column, d.message);
    error["file"] = d.file;
    return error;
  }
  std::string path = field_of(d.message), message = d.message;
  if (message.starts_with(kFieldPrefix)) {
    const auto colon = message.find(": ");
    message = colon == std::string::npos ? message : message.substr(colon + 2);
  }
  if (!body) return positioned(path, d.line, d.column, message);
  if (path == "require" && body->contains("require") && (*body)["require"].is_string()) {
    const std::string rule = (*body)["require"].get<std::string>();
    try {
      static_cast<void>(config::RequireExpression::parse(rule));
    } catch (const config::RequireSyntaxError& e) {
      const auto [line, column] = position_in(rule, e.offset());
      return positioned(path, line, column, message);
    }
  }
  return positioned(path, 0, 0, message);
}

// The keys whose values differ, for the audit line.
std::string changed_keys(const json& before, const json& after) {
  std::string keys;
  const auto note = [&keys](const std::string& key) { keys += (keys.empty() ? "" : ", ") + key; };
  for (const auto& [key, value] : after.items())
    if (!before.contains(key) || before[key] != value) note(key);
  for (const auto& [key, value] : before.items())
    if (!after.contains(key)) note(key);
  return keys.empty() ? "nothing" : keys;
}

// The watchlists of the main config file as that file has them, by name.
std::map<std::string, json> main_file_watchlists(const config::Config& config) {
  return config::watchlists_json_in_config(read_file(config.source).value_or(""));
}

// A watchlist as its file has it; `main` is main_file_watchlists().
json watchlist_document(const config::WatchlistConfig& watchlist, const std::map<std::string, json>& main) {
  if (!watchlist.file.empty()) return config::json_of_yaml(read_file(watchlist.file).value_or(""));
  const auto found = main.find(watchlist.name);
  return found == main.end() ? json::object() : found->second;
}

json watchlist_document(const config::Config& config, const config::WatchlistConfig& watchlist) {
  return watchlist_document(watchlist, watchlist.file.empty() ? main_file_watchlists(config) : std::map<std::string, json>{});
}

}  // namespace

const config::WatchlistConfig* WatchlistRoutes::find(const std::string& name) const {
  for (const auto& watchlist : host_.config().watchlists)
    if (watchlist.name == name) return &watchlist;
  return nullptr;
}

Answer WatchlistRoutes::list() const {
  const auto& config = host_.config();
  const auto main = main_file_watchlists(config);   // one read of the file for all its watchlists
  json out = json::array();
  for (const auto& watchlist : config.watchlists) {
    const bool in_file = watchlist.file.empty();
    out.push_back({{"name", watchlist.name},
                   {"source", in_file ? "config" : "api"},
                   {"defined_in", in_file ? config.source.string() + ":" + std::to_string(watchlist.line)
                                          : watchlist.file.string()},
                   {"read_only", in_file},
                   {"watchlist", watchlist_document(watchlist, main)}});
  }
  return json_answer(200, json{{"watchlists", std::move(out)}}.dump() + "\n");
}

Answer WatchlistRoutes::get(const std::string& name, const std::string& accept) const {
  const auto* watchlist = find(name);
  if (!watchlist) return error_answer(404, "no watchlist '" + name + "'");
  if (!accepts_yaml(accept)) return json_answer(200, watchlist_document(host_.config(), *watchlist).dump() + "\n");
  // The file's own text, comments and all, for an editor.
  // The name stays out of the main file's entry, as in a file of its own, so the text can be tried.
  if (!watchlist->file.empty())
    return Answer{200, read_file(watchlist->file).value_or(""), "application/yaml; charset=utf-8", {}};
  json document = watchlist_document(host_.config(), *watchlist);
  document.erase("name");
  return Answer{200, config::watchlist_yaml(document), "application/yaml; charset=utf-8", {}};
}

Answer WatchlistRoutes::read_only(const config::WatchlistConfig& watchlist) const {
  return error_answer(409, "watchlist '" + watchlist.name + "' is defined in " + host_.config().source.string() +
                               ":" + std::to_string(watchlist.line) + "; change it there, or move it to " +
                               (host_.config().watchlists_dir / (watchlist.name + ".yaml")).string());
}

ConfigFiles WatchlistRoutes::files() const {
  return ConfigFiles{host_.config().source, host_.config().watchlists_dir};
}

std::variant<WatchlistRoutes::Draft, Answer> WatchlistRoutes::draft(const ConfigFiles& files, const std::string& name,
                                                                  const Request& request, const std::string& as_name) {
  Draft draft;
  draft.yaml_text = request.body;
  if (!is_yaml(request.content_type)) {
    try {
      draft.body = json::parse(request.body);
    } catch (const json::parse_error& e) {
      const auto [line, column] = position_in(request.body, e.byte > 0 ? e.byte - 1 : 0);
      return invalid(json::array({positioned("", line, column, "the body is not JSON: " + std::string(e.what()))}));
    }
    if (!draft.body->is_object()) return invalid(json::array({positioned("", 0, 0, "expected a watchlist as a JSON object")}));
    if (draft.body->contains("name") && (*draft.body)["name"] != name)
      return invalid(json::array({positioned("name", 0, 0, "differs from the name in the URL ('" + name + "')")}));
    draft.body->erase("since");   // the window of a try, not a watchlist key
    (*draft.body)["name"] = as_name;
    draft.yaml_text = config::watchlist_yaml(*draft.body);
  }
  const fs::path file = files.file(as_name);
  const config::FileEdit edit{as_name, draft.yaml_text};
  try {
    draft.config = config::load_config(files.source, /*check_state_dir=*/false, &edit);
  } catch (const config::ConfigError& e) {
    json errors = json::array();
    for (const auto& d : e.diagnostics()) errors.push_back(api_error(d, file, draft.body ? &*draft.body : nullptr));
    return invalid(std::move(errors));
  }
  return draft;
}

Routed WatchlistRoutes::put(const std::string& name, const Request& request, const Caller& caller) {
  if (!caller.may_write) return error_answer(403, "token '" + caller.name + "' may only read");
  const auto* existing = find(name);
  if (existing && existing->file.empty()) return read_only(*existing);
  return Job([files = files(), name, request, who = caller.name] {
    const auto lock = lock_file_changes();
    auto checked = draft(files, name, request, name);
    if (auto* refusal = std::get_if<Answer>(&checked)) return std::move(*refusal);
    const std::string& yaml_text = std::get<Draft>(checked).yaml_text;
    // The file, not the running config, says whether it exists: a change written just before may
    // not have been loaded yet.
    const auto previous = read_file(files.file(name));
    const json before = previous ? config::json_of_yaml(*previous) : json::object();
    if (auto failure = store_file(files, name, yaml_text, "watchlist")) return *failure;
    const json after = config::json_of_yaml(yaml_text);
    spdlog::info("api: token '{}' {} watchlist '{}' (changed: {})", who, previous ? "replaced" : "created", name,
                 changed_keys(before, after));
    Answer answer = json_answer(previous ? 200 : 201, after.dump() + "\n");
    if (!previous) answer.headers.emplace_back("Location", "/v1/watchlists/" + name);
    answer.reload = true;
    return answer;
  });
}

Routed WatchlistRoutes::remove(const std::string& name, const Caller& caller) {
  if (!caller.may_write) return error_answer(403, "token '" + caller.name + "' may only read");
  const auto* existing = find(name);
  if (existing && existing->file.empty()) return read_only(*existing);
  return Job([files = files(), name, who = caller.name] {
    const auto lock = lock_file_changes();
    std::error_code ec;
    if (!fs::exists(files.file(name), ec)) return error_answer(404, "no watchlist '" + name + "'");
    const config::FileEdit edit{name, std::nullopt};
    try {
      static_cast<void>(config::load_config(files.source, /*check_state_dir=*/false, &edit));
    } catch (const config::ConfigError& e) {
      json errors = json::array();
      for (const auto& d : e.diagnostics()) errors.push_back(api_error(d, fs::path(), nullptr));
      return invalid(std::move(errors));
    }
    if (auto failure = store_file(files, name, std::nullopt, "watchlist")) return *failure;
    spdlog::info("api: token '{}' deleted watchlist '{}'", who, name);
    Answer answer = json_answer(204, "");
    answer.reload = true;
    return answer;
  });
}

}  // namespace newsalert::api
