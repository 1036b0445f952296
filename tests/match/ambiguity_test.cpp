// The gazetteer's hierarchy and its ambiguous names, seen through the matcher.
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

// The regions of `watched` that the article counts, by canonical name.
std::vector<std::string> regions_found(std::vector<std::string> watched, const Article& a) {
  WatchlistConfig w;
  w.name = "w";
  for (auto& r : watched) w.regions.push_back(Term{std::move(r), {}});
  w.require = Require::region;
  std::vector<std::string> out;
  for (const auto& m : Matcher({w}).match(a))
    for (const auto& r : m.regions) out.push_back(r.name);
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST(Hierarchy, CapitalCountsForItsCountry) {
  EXPECT_EQ(regions_found({"Iran"}, article("Explosions heard in Tehran")), Names{"Iran"});
}

TEST(Hierarchy, GazaCountsForGazaStripAndPalestine) {
  EXPECT_EQ(regions_found({"Gaza Strip", "Palestine"}, article("Strikes hit Gaza overnight")),
            (Names{"Gaza Strip", "Palestine"}));
  // A governorate of the Strip counts for both through the chain Rafah -> Gaza Strip -> Palestine.
  EXPECT_EQ(regions_found({"Palestine"}, article("Crossing at Rafah closed")), Names{"Palestine"});
  EXPECT_EQ(regions_found({"Gaza Strip"}, article("Raid in Jenin")), Names{});
}

TEST(Hierarchy, SubdivisionCountsForItsCountry) {
  EXPECT_EQ(regions_found({"Iran"}, article("Floods in Khuzestan and Māzandarān")), Names{"Iran"});
  EXPECT_EQ(regions_found({"Ukraine"}, article("Shelling in Kharkivska oblast")), Names{"Ukraine"});
}

TEST(Hierarchy, NamedGroupsCountTheirMembers) {
  EXPECT_EQ(regions_found({"Middle East"}, article("Talks in Doha continue")), Names{"Middle East"});
  EXPECT_EQ(regions_found({"Gulf states"}, article("Oman mediates")), Names{"Gulf states"});
  EXPECT_EQ(regions_found({"Gulf states"}, article("Iran mediates")), Names{});
}

TEST(Hierarchy, UserDefinedGroupCountsItsMembers) {
  WatchlistConfig w;
  w.name = "w";
  w.regions.push_back(Term{"Levant plus", {}, 1.0, {"Lebanon", "Syria", "Atlantis"}});
  w.require = Require::region;
  EXPECT_EQ(Matcher({w}).match(article("Rockets fired from Beirut suburbs")).size(), 1u);
  EXPECT_EQ(Matcher({w}).match(article("Atlantis rises")).size(), 1u);  // unknown members match literally
  EXPECT_TRUE(Matcher({w}).match(article("Rockets fired near Amman")).empty());
}

TEST(Ambiguity, GeorgiaIsTheCountryByDefaultAndTheUsStateInUsContext) {
  EXPECT_EQ(regions_found({"Georgia"}, article("Protests in Georgia over foreign agents law", "Crowds gathered in Tbilisi.")),
            Names{"Georgia"});
  EXPECT_EQ(regions_found({"Georgia"}, article("Georgia votes today")), Names{"Georgia"});
  EXPECT_EQ(regions_found({"Georgia"}, article("Georgia governor signs bill", "Kemp signed the bill in Atlanta.")), Names{});
  EXPECT_EQ(regions_found({"United States"}, article("Georgia governor signs bill", "Kemp signed the bill in Atlanta.")),
            Names{"United States"});
  EXPECT_EQ(regions_found({"US-GA"}, article("Storm hits Georgia", "Savannah and Atlanta lost power.")), Names{"US-GA"});
}

TEST(Ambiguity, JordanThePersonAndTheRiverAreNotTheCountry) {
  EXPECT_EQ(regions_found({"Jordan"}, article("Jordan closes airspace", "Amman said the measure was temporary.")),
            Names{"Jordan"});
  EXPECT_EQ(regions_found({"Jordan"}, article("Michael Jordan's sneakers sell for $2m")), Names{});
  EXPECT_EQ(regions_found({"Jordan"}, article("Pilgrims gather on the banks of the Jordan River")), Names{});
  EXPECT_EQ(regions_found({"Jordan"}, article("Jordan Bardella leads the National Rally list")), Names{});
  EXPECT_EQ(regions_found({"Jordan"}, article("the air jordan line")), Names{});
}

TEST(Ambiguity, TurkeyTheBirdIsNotTheCountry) {
  EXPECT_EQ(regions_found({"Turkey"}, article("Turkey and Syria sign border deal")), Names{"Turkey"});
  EXPECT_EQ(regions_found({"Turkey"}, article("How to roast a turkey")), Names{});
  EXPECT_EQ(regions_found({"Turkey"}, article("Turkey prices soar before Thanksgiving dinner")), Names{});
  EXPECT_EQ(regions_found({"Turkey"}, article("Türkiye hosts talks")), Names{"Turkey"});
}

TEST(Ambiguity, NigerIsNotNigeriaAndNigeriaIsNotNiger) {
  EXPECT_EQ(regions_found({"Niger"}, article("Junta in Niger expels envoy", "Niamey said.")), Names{"Niger"});
  EXPECT_EQ(regions_found({"Niger"}, article("Nigeria and Nigerians vote")), Names{});
  EXPECT_EQ(regions_found({"Nigeria"}, article("Nigerien soldiers patrol")), Names{});
  EXPECT_EQ(regions_found({"Nigeria"}, article("Oil spill in the Niger Delta")), Names{"Nigeria"});
  EXPECT_EQ(regions_found({"Niger"}, article("Oil spill in the Niger Delta")), Names{});
  // Niger State of Nigeria: Nigerian context moves the bare name.
  EXPECT_EQ(regions_found({"Nigeria"}, article("Bandits attack villages in Niger", "The Nigerian state governor in Minna said.")),
            Names{"Nigeria"});
}

TEST(Ambiguity, GuineaLongestNameWins) {
  EXPECT_EQ(regions_found({"Guinea"}, article("Election in Guinea-Bissau")), Names{});
  EXPECT_EQ(regions_found({"Guinea"}, article("Quake in Papua New Guinea")), Names{});
  EXPECT_EQ(regions_found({"Guinea"}, article("Pirates in the Gulf of Guinea")), Names{});
  EXPECT_EQ(regions_found({"Guinea"}, article("Equatorial Guinea oil")), Names{});
  EXPECT_EQ(regions_found({"Guinea"}, article("Protests in Guinea", "Conakry was calm.")), Names{"Guinea"});
  EXPECT_EQ(regions_found({"Guinea-Bissau"}, article("Election in Guinea-Bissau")), Names{"Guinea-Bissau"});
  EXPECT_EQ(regions_found({"Papua New Guinea"}, article("Quake in Papua New Guinea")), Names{"Papua New Guinea"});
  EXPECT_EQ(regions_found({"Guinea"}, article("a guinea pig study")), Names{});
}

TEST(Ambiguity, SudanIsNotSouthSudan) {
  EXPECT_EQ(regions_found({"Sudan"}, article("Fighting in South Sudan", "South Sudanese troops")), Names{});
  EXPECT_EQ(regions_found({"South Sudan"}, article("Fighting in South Sudan")), Names{"South Sudan"});
  EXPECT_EQ(regions_found({"Sudan"}, article("Fighting in Sudan", "Sudanese army")), Names{"Sudan"});
  EXPECT_EQ(regions_found({"Sudan", "South Sudan"}, article("Sudan and South Sudan talk oil")), (Names{"Sudan", "South Sudan"}));
}

TEST(Ambiguity, CongoIsTheDrcByDefaultAndBrazzavilleInItsContext) {
  EXPECT_EQ(regions_found({"DR Congo"}, article("M23 advances in eastern Congo", "Goma is encircled.")), Names{"DR Congo"});
  EXPECT_EQ(regions_found({"DR Congo"}, article("Congo rebels advance")), Names{"DR Congo"});
  EXPECT_EQ(regions_found({"Republic of the Congo"}, article("Congo holds election", "Sassou Nguesso in Brazzaville")),
            Names{"Republic of the Congo"});
  EXPECT_EQ(regions_found({"DR Congo"}, article("Congo holds election", "Sassou Nguesso in Brazzaville")), Names{});
  EXPECT_EQ(regions_found({"Republic of the Congo"}, article("Democratic Republic of the Congo signs deal")), Names{});
  EXPECT_EQ(regions_found({"DR Congo"}, article("Democratic Republic of the Congo signs deal")), Names{"DR Congo"});
  EXPECT_EQ(regions_found({"DR Congo"}, article("Barges on the Congo River")), Names{});
}

TEST(Ambiguity, ExplainSaysWhyAnAmbiguousNameWasNotCounted) {
  WatchlistConfig w;
  w.name = "w";
  w.regions.push_back(Term{"Georgia", {}});
  w.require = Require::region;
  const auto ex = Matcher({w}).explain(article("Georgia governor signs bill", "Kemp signed it in Atlanta."));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_FALSE(ex[0].fired);
  ASSERT_FALSE(ex[0].ignored.empty());
  EXPECT_EQ(ex[0].ignored[0].surface, "Georgia");
  EXPECT_NE(ex[0].ignored[0].reason.find("Georgia"), std::string::npos);
  EXPECT_NE(ex[0].ignored[0].reason.find("atlanta"), std::string::npos);
}
