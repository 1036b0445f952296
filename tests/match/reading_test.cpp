// How names are read as an analyst reads them: people named like places, "City, Region" datelines,
// names inside longer names, acronyms, other languages' grammar, the deeper gazetteer, spelling
// variants, and what `explain` says of each name it passed over.
#include "match/matcher.hpp"
#include "tests/match/test_article.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using newsalert::config::Require;
using newsalert::config::Term;
using newsalert::config::WatchlistConfig;
using newsalert::match::Matcher;
using newsalert::match::testing::article;

namespace {

using Names = std::vector<std::string>;

// The watched regions and actors the article counts, by canonical name, regions first.
Names found(const WatchlistConfig& w, const Article& a) {
  Names out;
  for (const auto& m : Matcher({w}).match(a)) {
    for (const auto& r : m.regions) out.push_back(r.name);
    for (const auto& r : m.actors) out.push_back(r.name);
  }
  return out;
}

WatchlistConfig regions(std::vector<std::string> names) {
  WatchlistConfig w;
  w.name = "w";
  for (auto& n : names) w.regions.push_back(Term{std::move(n), {}});
  w.require = Require::any;
  return w;
}

WatchlistConfig actors(std::vector<Term> terms) {
  WatchlistConfig w;
  w.name = "w";
  w.actors = std::move(terms);
  w.require = Require::any;
  return w;
}

// What `explain` reports as passed over, as "surface: reason" lines.
Names ignored(const WatchlistConfig& w, const Article& a) {
  Names out;
  for (const auto& ex : Matcher({w}).explain(a))
    for (const auto& i : ex.ignored) out.push_back(i.surface + ": " + i.reason);
  return out;
}

}  // namespace

TEST(People, AGivenNameBeforeASurnameIsAPersonNotAPlace) {
  const auto w = regions({"France", "Kenya", "India", "United States", "Israel", "Jordan"});
  EXPECT_EQ(found(w, article("Paris Hilton launches new fragrance")), Names{});
  EXPECT_EQ(found(w, article("Kenya Moore returns to the show")), Names{});
  EXPECT_EQ(found(w, article("Indiana Jones returns to cinemas")), Names{});
  EXPECT_EQ(found(w, article("Jim Jordan subpoenas officials")), Names{});  // a given name before it
  // Institutions, lists and capitals headlines are not people.
  EXPECT_EQ(found(w, article("Israel Defense Forces strike targets")), Names{"Israel"});
  EXPECT_EQ(found(w, article("Talks between Israel Lebanon and Syria")), Names{"Israel"});
  EXPECT_EQ(found(w, article("Jordan Monday closed its airspace")), Names{"Jordan"});
  auto with_actor = w;
  with_actor.actors = {Term{"Hezbollah", {}}};
  EXPECT_EQ(found(with_actor, article("Israel Hezbollah talks resume")), (Names{"Israel", "Hezbollah"}));
  EXPECT_EQ(found(w, article("PARIS HOSTS SUMMIT")), Names{"France"});
  EXPECT_EQ(found(w, article("Paris Hosts Summit On Climate Finance")), Names{"France"});
}

TEST(People, TitlesAndNamingWordsMakeANameAPersonsOrAnAnimals) {
  const auto w = regions({"India", "Turkey", "Israel", "Jordan"});
  EXPECT_EQ(found(w, article("Singer India Arie cancels tour")), Names{});
  EXPECT_EQ(found(w, article("Firefighters rescue a cat called Turkey")), Names{});
  EXPECT_EQ(found(w, article("Mr Israel Houghton to headline festival")), Names{});
  EXPECT_EQ(found(w, article("Zoo celebrates birthday of Jordan the giraffe", "Keepers gave Jordan, a giraffe, a cake.")), Names{});
}

TEST(People, APlaceBeforeAKnownSurnameIsAPerson) {
  const auto w = regions({"Lebanon", "Palestine", "Russia", "United States"});
  EXPECT_EQ(found(w, article("Lawyers for Hebron McGuire appeal the ruling")), Names{});
  EXPECT_EQ(found(w, article("Family of Tyre Hendricks sues the city")), Names{});
  EXPECT_EQ(ignored(w, article("Family of Tyre Hendricks sues the city")), Names{"Tyre: read as a person's name (Tyre Hendricks)"});
  // Not a surname, or one that is also an English word ("Marsh", "Power"), or part of an institution.
  EXPECT_EQ(found(w, article("Tyre Fishermen return to sea")), Names{"Lebanon"});
  EXPECT_EQ(found(w, article("Tyre Marsh drained for farmland")), Names{"Lebanon"});
  EXPECT_EQ(found(w, article("Hebron Mayor meets envoys")), Names{"Palestine"});
  // A place still, not a person (which Georgia, nothing in so short a text says).
  EXPECT_FALSE(found(regions({"Georgia", "United States"}), article("Georgia Power raises rates")).empty());
  EXPECT_EQ(ignored(regions({"Georgia", "United States"}), article("Georgia Power raises rates")), Names{});
  EXPECT_EQ(found(w, article("Kursk Hendricks Talks Open In Geneva")), Names{"Russia"});  // Title Case: capitals say nothing
}

TEST(People, NamingWordsOfOtherLanguages) {
  const auto w = regions({"Iran", "Turkey", "Israel"});
  EXPECT_EQ(found(w, article("Бегемот по кличке Иран вернулся в зоопарк")), Names{});
  EXPECT_EQ(found(w, article("Un chat nommé Turquie sauvé par les pompiers")), Names{});
  EXPECT_EQ(found(w, article("Ein Hund namens Israel gewinnt den Preis")), Names{});
  EXPECT_EQ(found(w, article("Un perro llamado Turquía rescatado")), Names{});
  EXPECT_EQ(found(w, article("Переговоры по Ирану возобновятся")), Names{"Iran"});  // "по" alone names nothing
}

TEST(People, APlaceFacingATeamAcrossAMatchWordIsAClub) {
  const auto w = regions({"France", "Germany", "Israel", "Iran"});
  EXPECT_EQ(found(w, article("Paris Saint-Germain beat Bayern in the final")), Names{});
  EXPECT_EQ(ignored(w, article("Paris Saint-Germain beat Bayern in the final")),
            (Names{"Paris: read as a person's name (Paris Saint)", "Bayern: read as a team, facing a name that is not a place"}));
  EXPECT_EQ(found(w, article("Bayern vs Paris Saint-Germain: the line-ups")), Names{});
  EXPECT_EQ(found(w, article("Israel beat Iran in the qualifier")), (Names{"Israel", "Iran"}));  // two places
  EXPECT_EQ(found(w, article("Bayern beat the odds to stay in the league")), Names{"Germany"});
}

TEST(People, TheSameNameElsewhereInTheArticleIsTheSamePerson) {
  const auto w = regions({"Egypt"});
  EXPECT_EQ(found(w, article("Egypt Sherrod renovates a farmhouse", "The host Egypt Sherrod shows the kitchen.")), Names{});
  EXPECT_EQ(found(w, article("Egypt Sherrod renovates a farmhouse", "Egypt says the dam talks failed.")), Names{"Egypt"});
}

TEST(Datelines, TheQualifierDecidesWhichPlaceIsMeant) {
  const auto w = regions({"Lebanon", "Libya", "Russia", "United States", "Greece", "Georgia", "DR Congo",
                          "Republic of the Congo"});
  EXPECT_EQ(found(w, article("Clashes", "TRIPOLI, Lebanon (Reuters) — Clashes broke out.")), Names{"Lebanon"});
  EXPECT_EQ(found(w, article("Envoy meets leaders", "TRIPOLI, Libya (AP) — The envoy met them.")), Names{"Libya"});
  EXPECT_EQ(found(w, article("Police release details", "MOSCOW, Idaho (AP) — Police said.")), Names{"United States"});
  EXPECT_EQ(found(w, article("Student killed", "ATHENS, Georgia — A student was killed.")), Names{"United States"});
  EXPECT_EQ(found(w, article("Lebanon, Pennsylvania: fair draws crowds")), Names{"United States"});
  EXPECT_EQ(found(w, article("Rebels seize airport", "GOMA, Congo (AP) — M23 took it.")), Names{"DR Congo"});
  EXPECT_EQ(found(w, article("Voters queue", "BRAZZAVILLE, Congo (AFP) — Voters queued.")), Names{"Republic of the Congo"});
  EXPECT_EQ(found(w, article("Rally", "TBILISI, Georgia (AP) — Thousands rallied.")), Names{"Georgia"});
  EXPECT_EQ(found(w, article("Heurts", "TRIPOLI (Liban), 3 mars (AFP) — Des heurts.")), Names{"Lebanon"});
}

TEST(Datelines, AQualifierCountsEvenWhenNotWatched) {
  EXPECT_EQ(found(regions({"Russia"}), article("Police release details", "MOSCOW, Idaho (AP) — Police said.")), Names{});
  EXPECT_EQ(found(regions({"Lebanon"}), article("Fair draws crowds", "Lebanon, Pennsylvania, held its fair.")), Names{});
}

TEST(Datelines, ListsOfPlacesAreNotCityAndRegion) {
  const auto w = regions({"Russia", "Iran", "Lebanon", "Israel"});
  EXPECT_EQ(found(w, article("Flights between Moscow, Tehran and Beirut cancelled")), (Names{"Russia", "Iran", "Lebanon"}));
  EXPECT_EQ(found(w, article("Israel, Lebanon agree on talks")), (Names{"Lebanon", "Israel"}));  // config order
}

TEST(Containment, AHitCountsForItsOwnEntryAndItsParentsOnly) {
  const auto w = regions({"East Jerusalem", "Palestine", "Israel"});
  EXPECT_EQ(found(w, article("Police in Jerusalem detain protesters")), Names{"Israel"});
  EXPECT_EQ(found(w, article("Evictions in East Jerusalem")), (Names{"East Jerusalem", "Palestine"}));
}

TEST(Acronyms, ACapitalsHeadlineNeedsSupportFromTheArticle) {
  const auto w = regions({"United States"});
  EXPECT_EQ(found(w, article("LET US PRAY: CHURCHES REOPEN", "Congregations returned.")), Names{});
  EXPECT_EQ(found(w, article("TOP US GENERAL VISITS ISRAEL", "The American officer met officials.")),
            Names{"United States"});
  const auto is = actors({Term{"Islamic State", {"IS"}}});
  EXPECT_EQ(found(is, article("TRUMP SAYS HE IS READY TO MEET")), Names{});
  EXPECT_EQ(found(is, article("IS CLAIMS ATTACK", "The Islamic State group said so.")), Names{"Islamic State"});
  EXPECT_EQ(found(is, article("IS claims attack on mosque")), Names{"Islamic State"});
}

TEST(Acronyms, ContextAndNotNearWordsDecideAnActorsSense) {
  Term mbs{"Mohammed bin Salman", {"MBS"}};
  mbs.context = {"Saudi", "crown prince"};
  Term rsf{"Rapid Support Forces", {"RSF"}};
  rsf.not_near = {"journalists", "Reporters Without Borders"};
  const auto w = actors({mbs, rsf});
  EXPECT_EQ(found(w, article("Applications open for the MBS course")), Names{});
  EXPECT_EQ(found(w, article("MBS meets envoy", "The Saudi crown prince spoke.")), Names{"Mohammed bin Salman"});
  EXPECT_EQ(found(w, article("Mohammed bin Salman meets envoy")), Names{"Mohammed bin Salman"});  // the name itself
  EXPECT_EQ(found(w, article("RSF condemns arrest of journalists")), Names{});
  EXPECT_EQ(found(w, article("RSF fighters seize El Fasher", "Reporters Without Borders said later that journalists fled.")),
            Names{"Rapid Support Forces"});
}

TEST(Acronyms, RelativesSharingASurnameAreNotTheActor) {
  const auto w = actors({Term{"Recep Tayyip Erdoğan", {"Erdoğan"}}, Term{"Hassan Nasrallah", {"Nasrallah"}}});
  EXPECT_EQ(found(w, article("Emine Erdoğan visits refugee camp")), Names{});
  EXPECT_EQ(found(w, article("President Erdoğan visits refugee camp")), Names{"Recep Tayyip Erdoğan"});
  EXPECT_EQ(found(w, article("Tayyip Erdoğan visits refugee camp")), Names{"Recep Tayyip Erdoğan"});
  EXPECT_EQ(found(w, article("Hasan Nasrallah's last speech")), Names{"Hassan Nasrallah"});  // his name, spelt otherwise
}

TEST(Grammar, ElisionAndApostropheSuffixes) {
  const auto w = regions({"Iran", "Israel", "Turkey", "Syria"});
  EXPECT_EQ(found(w, article("Les sanctions contre l'Iran prolongées")), Names{"Iran"});
  EXPECT_EQ(found(w, article("Le ministre d’Israël à Paris")), Names{"Israel"});
  EXPECT_EQ(found(w, article("Ankara'da zirve hazırlıkları")), Names{"Turkey"});
  EXPECT_EQ(found(w, article("Suriye'deki çatışmalar")), Names{"Syria"});
  EXPECT_EQ(found(w, article("Don't panic, he said")), Names{});
}

TEST(Grammar, RussianCaseEndingsOfPlacesAndActors) {
  auto w = regions({"Russia", "Israel", "Lebanon"});
  w.actors = {Term{"Vladimir Putin", {"Путин"}}, Term{"Volodymyr Zelensky", {"Зеленский"}}};
  EXPECT_EQ(found(w, article("Санкции против России продлены")), Names{"Russia"});
  EXPECT_EQ(found(w, article("Армия Израиля нанесла удар по Ливану")), (Names{"Israel", "Lebanon"}));
  EXPECT_EQ(found(w, article("Путину доложили о ситуации")), Names{"Vladimir Putin"});
  EXPECT_EQ(found(w, article("Зеленского пригласили на саммит")), Names{"Volodymyr Zelensky"});
  EXPECT_EQ(found(w, article("Актер Василий Ливанов отметил юбилей")), Names{});  // a surname, not a case form
}

TEST(Grammar, ArabicAndHebrewJoinedPrefixes) {
  const auto w = regions({"Iran", "Gaza Strip", "Israel", "Saudi Arabia"});
  EXPECT_EQ(found(w, article("السعودية وإيران تستأنفان العلاقات")), (Names{"Iran", "Saudi Arabia"}));
  EXPECT_EQ(found(w, article("استشهاد عشرة فلسطينيين بغزة")), Names{"Gaza Strip"});
  EXPECT_EQ(found(w, article("שר החוץ הגיע לישראל")), Names{"Israel"});
}

TEST(Gazetteer, RegionsDemonymsAndNamesInOtherLanguages) {
  const auto w = regions({"Iraqi Kurdistan", "United Kingdom", "China", "United States", "Chad", "Turkey", "Israel", "Russia"});
  EXPECT_EQ(found(w, article("Erbil airport hit by drones")), Names{"Iraqi Kurdistan"});
  EXPECT_EQ(found(w, article("Britons told to leave")), Names{"United Kingdom"});
  EXPECT_EQ(found(w, article("Sino-Indian border talks")), Names{"China"});
  EXPECT_EQ(found(w, article("America to impose tariffs")), Names{"United States"});
  EXPECT_EQ(found(w, article("Drought grips South America")), Names{});
  EXPECT_EQ(found(w, article("Le Tchad ferme sa frontière")), Names{"Chad"});
  EXPECT_EQ(found(w, article("Die Türkei schließt Grenze")), Names{"Turkey"});
  EXPECT_EQ(found(w, article("Rockets hit the Galilee")), Names{"Israel"});
  EXPECT_EQ(found(w, article("Ukrainian troops push into Kursk")), Names{"Russia"});
}

TEST(Variants, AutoVariantsAreOptInPerActor) {
  Term hezbollah{"Hezbollah", {}};
  Term houthis{"Houthis", {"Houthi", "Ansar Allah"}};
  EXPECT_EQ(found(actors({hezbollah}), article("Hizbullah says commander killed")), Names{});
  hezbollah.variants = houthis.variants = true;
  const auto w = actors({hezbollah, houthis, Term{"Hamas", {}, 1.0, {}, {}, {}, true}});
  EXPECT_EQ(found(w, article("Hizbullah says commander killed")), Names{"Hezbollah"});
  EXPECT_EQ(found(w, article("Hizballah denies involvement")), Names{"Hezbollah"});
  EXPECT_EQ(found(w, article("Ansarullah claims attack")), Names{"Houthis"});
  EXPECT_EQ(found(w, article("Huthi rebels attack ship")), Names{"Houthis"});
  EXPECT_EQ(found(w, article("Hammas statement")), Names{});  // no doubled letters are added
}

TEST(Explain, SaysWhyEachCandidateWasPassedOver) {
  const auto w = regions({"France", "Russia", "United States", "Libya"});
  EXPECT_EQ(ignored(w, article("Paris Hilton visits Moscow, Idaho", "LET US PRAY, said Ms Libya Smith.")),
            (Names{"Paris: read as a person's name (Paris Hilton)",
                   "Libya: read as a name after 'Ms', not a place",
                   "Moscow: read as another place of that name, in Idaho (US-ID)"}));
  EXPECT_EQ(ignored(w, article("HELP US NOW", "Give us a break.")),
            (Names{"us: an acronym written in lower case, read as an ordinary word",
                   "US: an acronym in a text written in capitals, not named elsewhere in the article"}));
  Term erdogan{"Recep Tayyip Erdoğan", {"Erdoğan"}};
  Term isis{"Islamic State", {"Isis"}};
  isis.not_near = {"goddess"};
  Term mbs{"Mohammed bin Salman", {"MBS"}};
  mbs.context = {"Saudi"};
  EXPECT_EQ(ignored(actors({erdogan, isis, mbs}), article("Emine Erdoğan at the temple of the goddess Isis", "The MBS course.")),
            (Names{"Erdoğan: read as another person of that name (Emine Erdoğan)",
                   "Isis: near 'goddess', one of the actor's not_near words",
                   "MBS: none of the actor's context words is in the article"}));
}
