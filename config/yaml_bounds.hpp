// Bounds on the shape of a YAML config, checked on the parser's events before the document is loaded.
// Private to config/: the config loader's files include it.
#pragma once

#include <cstddef>
#include <string>

namespace newsalert::config {

// The deepest key of a config is six levels down (webhooks[0].retry.schedule[0]); past 64 a file is
// not a config, and yaml-cpp would refuse it only at about 500 levels, as "bad file".
inline constexpr std::size_t kMaxYamlDepth = 64;

// yaml-cpp shares an aliased node, but the loader walks every place an alias stands in, so a few KiB
// of aliases of aliases ("billion laughs") would be walked and copied billions of times. Reusing a
// list of actors or a retry schedule costs hundreds of nodes, so real configs stay far below this.
inline constexpr std::size_t kMaxYamlAliasNodes = 100'000;

// Throws ConfigError at the first collection nested deeper than kMaxYamlDepth, at the alias that
// takes what aliases expand to past kMaxYamlAliasNodes nodes, or at an alias inside the node it
// names. Syntax errors are yaml-cpp's YAML::Exception, as YAML::Load would throw them.
void check_yaml_bounds(const std::string& yaml_text, const std::string& file);

}  // namespace newsalert::config
