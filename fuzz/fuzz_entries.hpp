// One function per fuzz target: the libFuzzer executables and the regression test call the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace newsalert::fuzz {

// Each takes arbitrary bytes and must neither crash nor trip a sanitizer. Returns 0 (libFuzzer's
// "keep going").
int feed_parser(const std::uint8_t* data, std::size_t size);    // parse_feed, through the charset layer
int html_text(const std::uint8_t* data, std::size_t size);      // html_to_text
int extract_article(const std::uint8_t* data, std::size_t size); // extract_article on the bytes as a page
int date_parser(const std::uint8_t* data, std::size_t size);    // parse_date
int config_loader(const std::uint8_t* data, std::size_t size);  // parse_config on the bytes as YAML
int require_rule(const std::uint8_t* data, std::size_t size);   // a watchlist's `require:` value, then matched
int matcher(const std::uint8_t* data, std::size_t size);        // Matcher over article text and aliases
int network_range(const std::uint8_t* data, std::size_t size);  // allow entries and address checks

// The target named `name` ("feed_parser", ...), or nullptr.
using Entry = int (*)(const std::uint8_t*, std::size_t);
Entry entry(std::string_view name);

}  // namespace newsalert::fuzz
