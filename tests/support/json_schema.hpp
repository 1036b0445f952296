// A small JSON Schema validator for tests: the keywords docs/webhook-payload.schema.json uses
// (type, required, properties, additionalProperties, items, minItems, minimum, const, enum,
// pattern, maxLength, oneOf, $ref to a JSON pointer in the same document like "#/$defs/..."); OpenAPI's
// schemas are checked at their place in the API's description.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace newsalert::testing {

class JsonSchema {
 public:
  explicit JsonSchema(nlohmann::json schema) : root_(std::move(schema)) {}
  static JsonSchema load(const std::string& file);

  // Every violation as "path: problem"; empty when the document is valid.
  std::vector<std::string> validate(const nlohmann::json& document) const;
  // Against the schema at `pointer` ("/components/schemas/Error") instead of the root.
  std::vector<std::string> validate_at(const std::string& pointer, const nlohmann::json& document) const;

 private:
  void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             std::vector<std::string>& errors) const;
  const nlohmann::json& resolve(const nlohmann::json& schema) const;

  nlohmann::json root_;
};

}  // namespace newsalert::testing
