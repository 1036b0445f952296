// What marks a capitalised word as part of a person's name: given names and surnames (from Faker's
// lists, see scripts/generate_gazetteer), titles and roles written before a name, and the words that
// follow a place's name in the names of institutions rather than of people.
#pragma once

#include <string>
#include <string_view>

namespace newsalert::match {

class PersonNames {
 public:
  // Each takes a word folded by Normalizer::fold_word ("emine", "mr", "defense").
  static bool is_given_name(std::string_view folded);
  // A surname that is not an ordinary English word ("nichols", not "smith", "power" or "brown").
  static bool is_surname(std::string_view folded);
  // Words written right before a name that make it a person's, or an animal's or a thing's:
  // "Mr", "singer", "striker", "named", "called", and naming words of other languages written in
  // ASCII ("llamado", "genannt").
  static bool is_title(std::string_view folded);
  // A naming word of another language with letters beyond ASCII, as written in lower case, not
  // folded: "nommé", "кличке" (as in "по кличке").
  static bool is_naming_word(std::string_view written);
  // Capitalised words that follow a place's name in an institution's or a thing's name ("Israel
  // Defense Forces", "Georgia Tech", "Kenya Airways"): they do not make the place a person.
  static bool is_institution_word(std::string_view folded);

  // A word folded for these lookups, into `buffer`: ASCII words without calling ICU.
  static std::string_view fold(std::string_view word, std::string& buffer);
};

}  // namespace newsalert::match
