// Other grammatical forms of a watched name, compiled beside it so that matching needs no
// morphology: Russian case endings (checked by the Snowball stemmer), and the one-letter
// prefixes Arabic and Hebrew join to the next word ("وإيران", "بغزة", "לישראל").
#pragma once

#include "match/stemmer.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::match {

class Inflections {
 public:
  Inflections();

  // The other forms of `phrase` as written (its base form), without the phrase itself; empty for
  // names in other scripts. Only the first word of a Russian, Arabic or Hebrew phrase changes
  // ("Сектор Газа" -> "Секторе Газа"); words shorter than three letters never do.
  std::vector<std::string> forms(std::string_view phrase);

 private:
  std::vector<std::string> russian_forms(const std::string& word);
  Stemmer russian_;
};

}  // namespace newsalert::match
