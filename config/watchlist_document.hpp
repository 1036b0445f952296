// A watchlist as the /v1 API exchanges it: JSON with exactly the keys a watchlist has in YAML.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <string_view>

namespace newsalert::config {

// The YAML text of a watchlist file for a JSON object. Strings stay strings ("no", "10" quoted),
// numbers and booleans stay what they are. Throws std::invalid_argument when it is not an object.
std::string watchlist_yaml(const nlohmann::json& watchlist);

// YAML text (a watchlist's, or any document) as JSON. Plain scalars that read as numbers, booleans
// or null become those; quoted ones stay strings. Throws std::runtime_error on text that is not YAML.
nlohmann::json json_of_yaml(const std::string& yaml_text);

// The watchlists of a main config file's text as JSON, by name.
std::map<std::string, nlohmann::json> watchlists_json_in_config(const std::string& config_yaml);

}  // namespace newsalert::config
