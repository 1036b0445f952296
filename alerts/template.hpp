// A small, safe template language for user-defined webhook bodies: "{{article.title}}" is replaced
// by that payload field, escaped for the body's content type. No loops, no code: a template can only
// show fields of the payload.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace newsalert::alerts {

enum class TemplateEscape {
  json,   // inside a JSON string: quotes, backslashes and control characters escaped
  html,   // HTML or XML text: & < > " ' escaped
  none,   // plain text
};

// The escaping a content type needs: json for "application/json" and "+json", html for HTML/XML.
TemplateEscape escape_for(std::string_view content_type);

// Replaces every {{path}} (dot-separated keys or array indexes, e.g. {{actors.0.name}}) with the
// field's value: strings as they are, numbers and booleans as JSON, null or missing as "", a list
// as its items joined by ", " (objects in a list by their "name" or "title").
std::string render_template(std::string_view text, const nlohmann::json& payload, TemplateEscape escape);

}  // namespace newsalert::alerts
