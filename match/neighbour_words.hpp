// The words around a hit as written in the article (for any word, known to the matcher or not),
// and how a text is cased: what the person, dateline and acronym rules of the matcher read.
#pragma once

#include <cstddef>
#include <string_view>

namespace newsalert::match {

class NeighbourWords {
 public:
  // The word that ends right before byte `begin` of `text`, when only one space separates them
  // ("Jim Jordan" -> "Jim"); empty otherwise (a comma, a line break, a hyphen, the start).
  static std::string_view before(std::string_view text, std::size_t begin);
  // The word that starts after byte `end`, when only one space separates them; empty otherwise.
  static std::string_view after(std::string_view text, std::size_t end);

  // The first letter is upper or title case ("Hilton", "Émile"); false for uncased scripts.
  static bool capitalized(std::string_view word);
  // Every cased letter is upper case and there is at least one ("US", "PARIS").
  static bool all_upper(std::string_view word);
  // A text written in capitals: letters, none of them lower case ("TRUMP SAYS HE IS READY").
  static bool shouting(std::string_view text);
  // Every word of four letters or more capitalised, as in "Israel Strikes Hezbollah Targets": capitals there say
  // nothing about names.
  static bool title_case(std::string_view text);

  // What lies between two hits: the bytes from `end` to `begin` without spaces (",", "(", "and").
  static std::string_view gap(std::string_view text, std::size_t end, std::size_t begin);
};

}  // namespace newsalert::match
