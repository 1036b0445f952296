// Transliteration variants of an actor's Latin-script aliases, for `variants: auto`: "Hezbollah"
// also as "Hizbollah", "Hizbullah", "Hizballah"; "Zelensky" as "Zelenskiy", "Zelenskyy".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::match {

class SpellingVariants {
 public:
  // Variants of `alias` as folded phrases (words joined by single spaces), without the alias
  // itself; at most kMax. Words shorter than five letters and non-Latin aliases have none.
  static std::vector<std::string> of(std::string_view alias);
  static constexpr std::size_t kMax = 64;
};

}  // namespace newsalert::match
