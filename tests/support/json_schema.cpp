// The subset of JSON Schema 2020-12 the payload schema needs.
#include "tests/support/json_schema.hpp"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace newsalert::testing {

namespace {

bool has_type(const nlohmann::json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  throw std::invalid_argument("unsupported type " + type);
}

// "type" is one name, or a list of them (OpenAPI 3.1's ["string", "null"]).
bool has_any_type(const nlohmann::json& value, const nlohmann::json& types) {
  if (types.is_string()) return has_type(value, types.get<std::string>());
  for (const auto& type : types)
    if (has_type(value, type.get<std::string>())) return true;
  return false;
}

}  // namespace

JsonSchema JsonSchema::load(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file);
  return JsonSchema(nlohmann::json::parse(in));
}

const nlohmann::json& JsonSchema::resolve(const nlohmann::json& schema) const {
  if (!schema.contains("$ref")) return schema;
  const std::string ref = schema["$ref"];
  if (!ref.starts_with("#/")) throw std::invalid_argument("unsupported $ref " + ref);
  return resolve(root_.at(nlohmann::json::json_pointer(ref.substr(1))));
}

std::vector<std::string> JsonSchema::validate_at(const std::string& pointer, const nlohmann::json& document) const {
  std::vector<std::string> errors;
  check(root_.at(nlohmann::json::json_pointer(pointer)), document, "$", errors);
  return errors;
}

std::vector<std::string> JsonSchema::validate(const nlohmann::json& document) const {
  std::vector<std::string> errors;
  check(root_, document, "$", errors);
  return errors;
}

void JsonSchema::check(const nlohmann::json& raw, const nlohmann::json& value, const std::string& path,
                       std::vector<std::string>& errors) const {
  const nlohmann::json& schema = resolve(raw);
  if (schema.contains("oneOf")) {
    int matching = 0;
    std::vector<std::string> first_errors;
    for (const auto& option : schema["oneOf"]) {
      std::vector<std::string> sub;
      check(option, value, path, sub);
      if (sub.empty()) ++matching;
      else if (first_errors.empty() || sub.size() < first_errors.size()) first_errors = sub;
    }
    if (matching != 1) {
      errors.push_back(path + ": matches " + std::to_string(matching) + " of the oneOf options");
      if (matching == 0) errors.insert(errors.end(), first_errors.begin(), first_errors.end());
    }
  }
  if (schema.contains("const") && value != schema["const"]) errors.push_back(path + ": must be " + schema["const"].dump());
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& option : schema["enum"]) found = found || option == value;
    if (!found) errors.push_back(path + ": not one of " + schema["enum"].dump());
  }
  if (schema.contains("type") && !has_any_type(value, schema["type"])) {
    errors.push_back(path + ": expected " + (schema["type"].is_string() ? schema["type"].get<std::string>()
                                                                        : schema["type"].dump()) +
                     ", got " + value.type_name());
    return;
  }
  // maxLength counts code points, as JSON Schema does.
  if (value.is_string() && schema.contains("maxLength")) {
    std::size_t code_points = 0;
    for (const char c : value.get<std::string>()) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    if (code_points > schema["maxLength"].get<std::size_t>())
      errors.push_back(path + ": longer than " + schema["maxLength"].dump() + " characters");
  }
  if (value.is_string() && schema.contains("pattern") &&
      !std::regex_search(value.get<std::string>(), std::regex(schema["pattern"].get<std::string>())))
    errors.push_back(path + ": " + value.dump() + " does not match " + schema["pattern"].get<std::string>());
  if (value.is_number() && schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
    errors.push_back(path + ": below the minimum");
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>())
      errors.push_back(path + ": fewer than " + schema["minItems"].dump() + " items");
    if (schema.contains("items"))
      for (std::size_t i = 0; i < value.size(); ++i) check(schema["items"], value[i], path + "[" + std::to_string(i) + "]", errors);
  }
  if (value.is_object()) {
    if (schema.contains("required"))
      for (const auto& key : schema["required"])
        if (!value.contains(key.get<std::string>())) errors.push_back(path + ": missing required " + key.dump());
    const auto properties = schema.value("properties", nlohmann::json::object());
    for (const auto& [key, item] : value.items()) {
      if (properties.contains(key)) check(properties[key], item, path + "." + key, errors);
      else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false)
        errors.push_back(path + ": unexpected property \"" + key + "\"");
    }
  }
}

}  // namespace newsalert::testing
