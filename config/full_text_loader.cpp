// The full_text: section: fetching each new entry's page to match on its main text.
#include "config/config_loader.hpp"

namespace newsalert::config {

using namespace std::chrono_literals;

void ConfigLoader::load_full_text(const YAML::Node& node, FullTextConfig& full_text) {
  if (!expect_map(node, "full_text")) return;
  for (const auto& [key, value] :
       entries(node, "full_text", {"enabled", "robots", "timeout", "max_bytes", "cache_bytes", "max_per_poll"})) {
    const std::string& name = key.Scalar();
    const std::string field = "full_text." + name;
    if (name == "enabled") {
      if (const auto b = get_bool(value, field)) full_text.enabled = *b;
    } else if (name == "robots") {
      if (const auto b = get_bool(value, field)) full_text.robots = *b;
    } else if (name == "timeout") {
      if (const auto d = get_duration(value, field, 1ms)) full_text.timeout = *d;
    } else if (name == "max_bytes") {
      if (const auto n = get_byte_size(value, field)) full_text.max_bytes = *n;
    } else if (name == "cache_bytes") {
      if (const auto n = get_byte_size(value, field)) full_text.cache_bytes = *n;
    } else if (name == "max_per_poll") {
      if (const auto n = get_int(value, field, 0, 10'000)) full_text.max_per_poll = static_cast<int>(*n);
    }
  }
}

}  // namespace newsalert::config
