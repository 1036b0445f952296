// Prints CLDR's country names (ICU locale display names) for scripts/generate_gazetteer, one
// "LANGUAGE<TAB>ALPHA-2<TAB>NAME" line each. Usage: icu_country_names LANG... < ALPHA-2 codes
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  std::string code;
  while (std::cin >> code)
    for (int i = 1; i < argc; ++i) {
      icu::UnicodeString name;
      icu::Locale("", code.c_str()).getDisplayCountry(icu::Locale(argv[i]), name);
      std::string utf8;
      name.toUTF8String(utf8);
      if (!utf8.empty() && utf8 != code) std::cout << argv[i] << '\t' << code << '\t' << utf8 << '\n';
    }
}
