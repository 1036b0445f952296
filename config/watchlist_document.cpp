// JSON to YAML and back for one watchlist: yaml-cpp's emitter and nodes, nlohmann's values.
#include "config/watchlist_document.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>
#include <stdexcept>

namespace newsalert::config {

namespace {

void emit(YAML::Emitter& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case nlohmann::json::value_t::string:
      out << YAML::DoubleQuoted << value.get<std::string>();
      break;
    case nlohmann::json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      break;
    default:   // numbers, as JSON writes them
      out << value.dump();
  }
}

// A plain scalar as YAML 1.2's core schema reads it; a quoted one (tag "!") is always a string.
nlohmann::json scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex real("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(text, integer)) {
    long long n = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    if (std::from_chars(begin, text.data() + text.size(), n).ec == std::errc{}) return n;
  }
  if (std::regex_match(text, real)) return std::stod(text);
  return text;
}

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.as<std::string>()] = to_json(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(to_json(item));
      return array;
    }
    case YAML::NodeType::Scalar: return scalar(node);
    default: return nullptr;
  }
}

}  // namespace

std::string watchlist_yaml(const nlohmann::json& watchlist) {
  if (!watchlist.is_object()) throw std::invalid_argument("a watchlist is a JSON object");
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, watchlist);
  return std::string(out.c_str()) + "\n";
}

nlohmann::json json_of_yaml(const std::string& yaml_text) {
  try {
    return to_json(YAML::Load(yaml_text));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(e.what());
  }
}

std::map<std::string, nlohmann::json> watchlists_json_in_config(const std::string& config_yaml) {
  std::map<std::string, nlohmann::json> out;
  const YAML::Node root = YAML::Load(config_yaml);
  const YAML::Node watchlists = root.IsMap() ? root["watchlists"] : YAML::Node();
  if (!watchlists.IsSequence()) return out;
  for (const auto& item : watchlists)
    if (item.IsMap() && item["name"] && item["name"].IsScalar()) out.emplace(item["name"].Scalar(), to_json(item));
  return out;
}

}  // namespace newsalert::config
