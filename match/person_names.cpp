// The word lists behind PersonNames, built once on first use.
#include "match/person_names.hpp"

#include "match/normalizer.hpp"

#include <string>
#include <unordered_set>

namespace newsalert::match {
namespace {

#include "match/person_names.inc"

constexpr std::string_view kTitles =
    "mr|mrs|ms|miss|dr|sir|dame|lady|lord|sen|senator|rep|representative|congressman|congresswoman|sheriff|"
    "singer|actor|actress|rapper|comedian|drummer|guitarist|musician|heiress|model|star|host|presenter|"
    "striker|midfielder|defender|goalkeeper|keeper|forward|winger|coach|captain|champion|boxer|fighter|"
    "player|worship|named|called|nicknamed|dubbed";

constexpr std::string_view kInstitutionWords =
    "defense|defence|forces|force|army|police|military|navy|valley|river|basin|tech|daily|times|today|post|"
    "herald|tribune|journal|airways|airlines|air|railways|radio|television|tv|broadcasting|state|states|"
    "government|ministry|embassy|border|security|national|central|football|cup|open|museum|university|"
    "college|institute|agency|authority|electric|power|bank|stock|exchange|strip|heights|city|province|"
    "region|sea|gulf|bay|peninsula|coast|foreign|prime|president|minister|premier|league|telecom|energy|"
    "oil|gas|petroleum|pipeline|prize|street|square|dream|company|corporation|group|fund|council|court|"
    "parliament|senate|house|assembly|party|front|movement|revolution|international|airport|port|hotel|"
    "tower|bridge|mall|market|summit|conference|forum|talks|accord|agreement|deal|plan|crisis|war|peace|"
    "guard|guards|fc|united|athletic|sporting|olympic|olympics|games|marathon|trophy|derby|grand|prix";

std::unordered_set<std::string> folded_set(std::string_view list) {
  std::unordered_set<std::string> out;
  while (!list.empty()) {
    const auto bar = list.find('|');
    if (const std::string_view item = list.substr(0, bar); !item.empty()) out.insert(Normalizer::fold_word(item));
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace

bool PersonNames::is_given_name(std::string_view folded) {
  static const std::unordered_set<std::string> names = folded_set(kGivenNames);
  return names.count(std::string(folded)) > 0;
}

bool PersonNames::is_title(std::string_view folded) {
  static const std::unordered_set<std::string> titles = folded_set(kTitles);
  return titles.count(std::string(folded)) > 0;
}

bool PersonNames::is_institution_word(std::string_view folded) {
  static const std::unordered_set<std::string> words = folded_set(kInstitutionWords);
  return words.count(std::string(folded)) > 0;
}

}  // namespace newsalert::match
