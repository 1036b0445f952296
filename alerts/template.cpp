// Template rendering over the alert payload.
#include "alerts/template.hpp"

#include "alerts/chat_text.hpp"
#include "common/text.hpp"

#include <charconv>

namespace newsalert::alerts {

namespace {

const nlohmann::json* lookup(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* node = &root;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (node->is_object()) {
      const auto it = node->find(std::string(key));
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc{} || ptr != key.data() + key.size() || index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return node;
}

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      std::string part;
      if (item.is_object() && item.contains("name")) part = text_of(item["name"]);
      else if (item.is_object() && item.contains("title")) part = text_of(item["title"]);
      else part = text_of(item);
      if (part.empty()) continue;
      if (!out.empty()) out += ", ";
      out += part;
    }
    return out;
  }
  return value.dump();
}

std::string escaped(const std::string& text, TemplateEscape escape) {
  switch (escape) {
    case TemplateEscape::json: {
      const std::string quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return quoted.substr(1, quoted.size() - 2);
    }
    case TemplateEscape::html:
      return html_escape(text);
    case TemplateEscape::none:
      return text;
  }
  return text;
}

}  // namespace

TemplateEscape escape_for(std::string_view content_type) {
  const std::string type = to_lower_ascii(content_type.substr(0, content_type.find(';')));
  if (type.find("json") != std::string::npos) return TemplateEscape::json;
  if (type.find("html") != std::string::npos || type.find("xml") != std::string::npos) return TemplateEscape::html;
  return TemplateEscape::none;
}

std::string render_template(std::string_view text, const nlohmann::json& payload, TemplateEscape escape) {
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    const auto close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const nlohmann::json* value = lookup(payload, trim(text.substr(open + 2, close - open - 2)));
    if (value != nullptr) out += escaped(text_of(*value), escape);
    pos = close + 2;
  }
  return out;
}

}  // namespace newsalert::alerts
