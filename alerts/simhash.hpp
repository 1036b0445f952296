// SimHash-64 fingerprints of a story's title and lead: near-identical texts (a syndicated story
// with a changed word or a different byline) land within a few bits of each other.
#pragma once

#include "common/article.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace newsalert::alerts {

// Words are runs of letters and digits (UTF-8 bytes count as letters), lower-cased; fewer than
// kMinSimhashWords words give no fingerprint, since short texts collide too easily.
inline constexpr int kMinSimhashWords = 8;

std::optional<std::uint64_t> simhash64(std::string_view text);

// The text a story is recognized by: the title and the first 60 words of the summary (or of the
// content when there is no summary).
std::string story_text(const Article& article);

int hamming_distance(std::uint64_t a, std::uint64_t b);

}  // namespace newsalert::alerts
