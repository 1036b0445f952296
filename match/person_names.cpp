// The word lists behind PersonNames, built once on first use.
#include "match/person_names.hpp"

#include "match/normalizer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace newsalert::match {
namespace {

#include "match/person_names.inc"

constexpr std::string_view kTitles =
    "mr|mrs|ms|miss|dr|sir|dame|lady|lord|sen|senator|rep|representative|congressman|congresswoman|sheriff|"
    "singer|actor|actress|rapper|comedian|drummer|guitarist|musician|heiress|model|star|host|presenter|"
    "striker|midfielder|defender|goalkeeper|keeper|forward|winger|coach|captain|champion|boxer|fighter|"
    "player|worship|named|called|nicknamed|dubbed|"
    // naming words of other languages written in ASCII: "un perro llamado Turquía", "ein Hund namens Israel"
    "llamado|llamada|apodado|apodada|chiamato|chiamata|soprannominato|soprannominata|chamado|chamada|"
    "namens|genannt|isimli";

// Naming words of other languages with other letters, as written in lower case: "un chat nommé
// Turquie", "бегемот по кличке Иран", "Ankara adlı kedi".
constexpr std::string_view kNamingWords =
    "nommé|nommée|appelé|appelée|surnommé|surnommée|baptisé|baptisée|prénommé|prénommée|adlı|"
    "кличке|прозвищу|прозвище|имени|зовут|кличка";

constexpr std::string_view kInstitutionWords =
    "defense|defence|forces|force|army|police|military|navy|valley|river|basin|tech|daily|times|today|post|"
    "herald|tribune|journal|airways|airlines|air|railways|radio|television|tv|broadcasting|state|states|"
    "government|ministry|embassy|border|security|national|central|football|cup|open|museum|university|"
    "college|institute|agency|authority|electric|power|bank|stock|exchange|strip|heights|city|province|"
    "region|sea|gulf|bay|peninsula|coast|foreign|prime|president|minister|premier|league|telecom|energy|"
    "oil|gas|petroleum|pipeline|prize|street|square|dream|company|corporation|group|fund|council|court|"
    "parliament|senate|house|assembly|party|front|movement|revolution|international|airport|port|hotel|"
    "tower|bridge|mall|market|summit|conference|forum|talks|accord|agreement|deal|plan|crisis|war|peace|"
    "guard|guards|fc|united|athletic|sporting|olympic|olympics|games|marathon|trophy|derby|grand|prix|"
    "governor|gov|mayor|senator|senators|lawmakers|legislature|officials|authorities|prosecutors|attorney|"
    "general|secretary|chief|supreme|high|federal|republican|republicans|democrat|democrats|county|capital|"
    "election|elections|primary|vote|voters|team|squad|fans|health|interior|justice|education|finance|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    "august|september|october|november|december|news|press|media|office|department|service|services";

// Looked up by string_view, so that a lookup makes no string.
struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using WordSet = std::unordered_set<std::string, Hash, std::equal_to<>>;

WordSet folded_set(std::string_view list) {
  WordSet out;
  while (!list.empty()) {
    const auto bar = list.find('|');
    if (const std::string_view item = list.substr(0, bar); !item.empty()) out.insert(Normalizer::fold_word(item));
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return out;
}

// A generated list, written in several literals.
WordSet folded_sets(std::span<const std::string_view> parts) {
  WordSet all;
  for (const std::string_view part : parts) all.merge(folded_set(part));
  return all;
}

}  // namespace

namespace {

// Both lists are built together, on the first question (which compiling a Matcher asks), so that
// no article pays for building them.
struct Names {
  WordSet given = folded_sets(kGivenNames);
  WordSet surnames = folded_sets(kSurnames);
};
const Names& names() {
  static const Names all;
  return all;
}

}  // namespace

bool PersonNames::is_given_name(std::string_view folded) { return names().given.find(folded) != names().given.end(); }

bool PersonNames::is_surname(std::string_view folded) { return names().surnames.find(folded) != names().surnames.end(); }

namespace {

// Most words asked about are in none of the short lists: a bit per (first letter, last letter,
// length) turns almost all of them away before the set is hashed.
std::size_t filter_bit(std::string_view w) {
  return (static_cast<unsigned char>(w.front()) * 31u + static_cast<unsigned char>(w.back()) * 7u + w.size()) % 1024u;
}

struct FilteredSet {
  WordSet words;
  std::array<std::uint64_t, 16> filter{};
  explicit FilteredSet(WordSet set) : words(std::move(set)) {
    for (const std::string& w : words) filter[filter_bit(w) / 64] |= std::uint64_t{1} << (filter_bit(w) % 64);
  }
  bool contains(std::string_view w) const {
    if (w.empty()) return false;
    const std::size_t bit = filter_bit(w);
    return (filter[bit / 64] & (std::uint64_t{1} << (bit % 64))) != 0 && words.find(w) != words.end();
  }
};

// A list as written, not folded.
WordSet written_set(std::string_view list) {
  WordSet out;
  while (!list.empty()) {
    const auto bar = list.find('|');
    out.emplace(list.substr(0, bar));
    list.remove_prefix(bar == std::string_view::npos ? list.size() : bar + 1);
  }
  return out;
}

}  // namespace

bool PersonNames::is_title(std::string_view folded) {
  static const FilteredSet titles(folded_set(kTitles));
  return titles.contains(folded);
}

bool PersonNames::is_naming_word(std::string_view written) {
  static const FilteredSet naming(written_set(kNamingWords));
  return naming.contains(written);
}

bool PersonNames::is_institution_word(std::string_view folded) {
  static const FilteredSet words(folded_set(kInstitutionWords));
  return words.contains(folded);
}

std::string_view PersonNames::fold(std::string_view word, std::string& buffer) {
  const bool ascii = std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    buffer = Normalizer::fold_word(word);
    return buffer;
  }
  buffer.assign(word);
  for (char& c : buffer)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  buffer.erase(std::remove(buffer.begin(), buffer.end(), '\''), buffer.end());
  return buffer;
}

}  // namespace newsalert::match
