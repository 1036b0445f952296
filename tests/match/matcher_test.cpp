#include "match/matcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace newsalert;
using newsalert::config::Require;
using newsalert::config::Term;
using newsalert::config::WatchlistConfig;
using newsalert::match::Explanation;
using newsalert::match::Match;
using newsalert::match::Matcher;
using newsalert::match::TermHit;

namespace {

using Strings = std::vector<std::string>;

WatchlistConfig watchlist(std::string name, std::vector<Term> actors, std::vector<Term> regions,
                          Require require = Require::actor_and_region, Strings exclude = {}) {
  WatchlistConfig w;
  w.name = std::move(name);
  w.actors = std::move(actors);
  w.regions = std::move(regions);
  w.require = require;
  w.exclude = std::move(exclude);
  return w;
}

Article article(std::string title, std::string summary = {}, std::string content = {}) {
  Article a;
  a.id = "test";
  a.title = std::move(title);
  a.summary = std::move(summary);
  a.content = std::move(content);
  return a;
}

std::vector<Match> run(const WatchlistConfig& w, const Article& a) { return Matcher({w}).match(a); }

const TermHit* find(const std::vector<TermHit>& hits, std::string_view name) {
  auto it = std::find_if(hits.begin(), hits.end(), [&](const TermHit& h) { return h.name == name; });
  return it == hits.end() ? nullptr : &*it;
}

Strings names(const std::vector<TermHit>& hits) {
  Strings out;
  for (const TermHit& h : hits) out.push_back(h.name);
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// A region-only watchlist: fires whenever one of the regions is found.
WatchlistConfig regions_only(std::vector<Term> regions) {
  return watchlist("regions", {}, std::move(regions), Require::region);
}

WatchlistConfig actors_only(std::vector<Term> actors) {
  return watchlist("actors", std::move(actors), {}, Require::actor);
}

const Term kKhamenei{"Ali Khamenei", {"Khamenei", "Ayatollah Khamenei", "Iran's supreme leader"}};
const Term kIrgc{"IRGC", {"Islamic Revolutionary Guard Corps", "Revolutionary Guards", "IRG"}};
const Term kHamas{"Hamas", {}};

WatchlistConfig iran_israel() {
  return watchlist("iran-israel", {kKhamenei, kIrgc, kHamas}, {{"Iran", {}}, {"Israel", {}}},
                   Require::actor_and_region, {"football"});
}

const char* const kWireTitle = "Khamenei orders direct strike on Israel after Haniyeh killing in Tehran";
const char* const kWireSummary =
    "Iran's supreme leader Ayatollah Ali Khamenei ordered a direct strike on Israel after Hamas leader "
    "Ismail Haniyeh was killed in Tehran, according to officials briefed on the meeting.";
const char* const kWireContent =
    "Iran’s supreme leader Ayatollah Ali Khamenei ordered Iran to strike Israel directly in retaliation "
    "for the killing in Tehran of Hamas leader Ismail Haniyeh, three Iranian officials said on Wednesday.\n\n"
    "Khamenei gave the order at an emergency meeting of Iran's Supreme National Security Council, the "
    "officials said. Commanders of the Revolutionary\nGuards (IRG, also known as the IRGC) and the Quds "
    "Force’s Ismail Qaani attended.\n\n"
    "Iran's allies in Lebanon, Yemen and Iraq, including Hezbollah, the Houthis and Iraqi militias, are "
    "expected to join. Hezbollah leader Hassan Nasrallah said the war in Gaza had entered a new phase. "
    "The Hamas-run health ministry in Gaza said dozens were killed overnight.";

}  // namespace

TEST(Matcher, DoesNotMatchIraqForIran) {
  const auto w = regions_only({{"Iran", {}}});
  EXPECT_TRUE(run(w, article("Militias in Iraq attack base near Baghdad", "Iraqi officials said.")).empty());
  const auto m = run(w, article("Iran says", "Iraq and Iran"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Iran"});
}

TEST(Matcher, MatchesPossessiveWithStraightApostrophe) {
  const auto m = run(actors_only({{"Khamenei", {}}}), article("Khamenei's order stands"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"Khamenei"});
}

TEST(Matcher, MatchesPossessiveWithCurlyApostrophe) {
  const auto m = run(actors_only({{"Khamenei", {}}}), article("Khamenei’s order stands"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"Khamenei"});
}

TEST(Matcher, MatchesFirstPartOfHyphenatedCompound) {
  const auto m = run(actors_only({kHamas}), article("Hamas-run ministry reports"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"Hamas"});
}

TEST(Matcher, ResolvesDemonymInCompoundThroughGazetteer) {
  const auto m = run(regions_only({{"Iran", {}}}), article("pro-Iranian militias fire rockets"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].name, "Iran");
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Iranian"});
}

TEST(Matcher, ResolvesDemonymThroughGazetteer) {
  const auto m = run(regions_only({{"Iran", {}}}), article("Iranian officials said"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Iranian"});
}

TEST(Matcher, ResolvesCapitalThroughGazetteer) {
  const auto m = run(regions_only({{"Iran", {}}}), article("Explosions heard in Tehran"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Tehran"});
}

TEST(Matcher, ResolvesRegionNamedByGazetteerAlias) {
  // "Gaza" is an alias of the Gaza Strip entry, whose other names then count too.
  const auto m = run(regions_only({{"Gaza", {}}}), article("Strikes on Rafah"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].name, "Gaza");
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Rafah"});
}

TEST(Matcher, TreatsUnknownRegionAsLiteralTerm) {
  const auto w = regions_only({{"Nagorno-Karabakh", {"Artsakh"}}});
  EXPECT_EQ(run(w, article("Fighting in Nagorno Karabakh")).size(), 1u);
  EXPECT_EQ(run(w, article("Artsakh officials")).size(), 1u);
  EXPECT_TRUE(run(w, article("Fighting in Karabakh")).empty());
}

TEST(Matcher, ShortAcronymDoesNotMatchInsideLongerWord) {
  const auto w = actors_only({{"Guards", {"IRG"}}});
  EXPECT_TRUE(run(w, article("The IRGC said")).empty());
  const auto m = run(w, article("The IRG said"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"IRG"});
}

TEST(Matcher, AllCapsShortAliasIsCaseSensitive) {
  const auto w = actors_only({{"Guards", {"IRG"}}});
  EXPECT_TRUE(run(w, article("the irg said")).empty());
  EXPECT_TRUE(run(w, article("the Irg said")).empty());
}

TEST(Matcher, PronounUsIsNotTheUnitedStates) {
  const auto w = regions_only({{"United States", {}}});
  EXPECT_TRUE(run(w, article("Tell us what you think", "Let us know. Us too.")).empty());
  auto m = run(w, article("US strikes targets"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"US"});
  m = run(w, article("U.S. officials said"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"U.S."});
}

TEST(Matcher, LongerNamesStayCaseInsensitive) {
  const auto w = actors_only({kIrgc});
  EXPECT_EQ(run(w, article("the irgc said")).size(), 1u);
  EXPECT_EQ(run(w, article("the Irgc said")).size(), 1u);
}

TEST(Matcher, IgnoresDiacriticsAndCase) {
  const auto m = run(actors_only({{"Khamenei", {}}}), article("Khāmeneī speaks", "KHAMENEI SPEAKS"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, (Strings{"Khāmeneī", "KHAMENEI"}));
}

TEST(Matcher, MatchesPhraseAcrossLineBreaksAndExtraSpaces) {
  const auto m = run(actors_only({kIrgc}), article("", "", "Commanders of the Revolutionary\n   Guards  met."));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"Revolutionary Guards"});
}

TEST(Matcher, DoesNotMatchPartialPhrase) {
  EXPECT_TRUE(run(actors_only({kIrgc}), article("Revolutionary songs", "the Guards parade")).empty());
}

TEST(Matcher, MatchesAliasWithPossessiveAsPhrase) {
  const auto m = run(actors_only({kKhamenei}), article("Iran’s supreme leader spoke"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, Strings{"Iran’s supreme leader"});
}

TEST(Matcher, ExcludeTermVetoesWatchlist) {
  const auto w = iran_israel();
  EXPECT_EQ(run(w, article("Khamenei warns Israel")).size(), 1u);
  EXPECT_TRUE(run(w, article("Khamenei warns Israel", "", "Iran's football team ...")).empty());
  EXPECT_TRUE(run(w, article("Khamenei warns Israel", "", "FOOTBALL")).empty());
}

TEST(Matcher, ExcludeMatchesWholeWordsOnly) {
  EXPECT_EQ(run(iran_israel(), article("Khamenei warns Israel", "footballer")).size(), 1u);
}

TEST(Matcher, RequireActorAndRegionNeedsBoth) {
  const auto w = iran_israel();
  EXPECT_TRUE(run(w, article("Khamenei speaks")).empty());
  EXPECT_TRUE(run(w, article("Tehran traffic")).empty());
  EXPECT_EQ(run(w, article("Khamenei speaks in Tehran")).size(), 1u);
}

TEST(Matcher, RequireActorIgnoresRegions) {
  auto w = iran_israel();
  w.require = Require::actor;
  EXPECT_EQ(run(w, article("Khamenei speaks")).size(), 1u);
  EXPECT_TRUE(run(w, article("Tehran traffic")).empty());
}

TEST(Matcher, RequireRegionIgnoresActors) {
  auto w = iran_israel();
  w.require = Require::region;
  EXPECT_TRUE(run(w, article("Khamenei speaks")).empty());
  const auto m = run(w, article("Tehran traffic"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].actors.empty());
}

TEST(Matcher, RequireAnyTakesEither) {
  auto w = iran_israel();
  w.require = Require::any;
  EXPECT_EQ(run(w, article("Khamenei speaks")).size(), 1u);
  EXPECT_EQ(run(w, article("Tehran traffic")).size(), 1u);
  EXPECT_TRUE(run(w, article("Weather in Oslo")).empty());
}

TEST(Matcher, FullWireStoryProducesOneMatch) {
  const auto matches = run(iran_israel(), article(kWireTitle, kWireSummary, kWireContent));
  ASSERT_EQ(matches.size(), 1u);
  const Match& m = matches[0];
  EXPECT_EQ(m.watchlist, "iran-israel");
  EXPECT_EQ(names(m.actors), (Strings{"Ali Khamenei", "IRGC", "Hamas"}));
  EXPECT_EQ(names(m.regions), (Strings{"Iran", "Israel"}));

  const TermHit* khamenei = find(m.actors, "Ali Khamenei");
  ASSERT_NE(khamenei, nullptr);
  EXPECT_EQ(khamenei->surface_forms,
            (Strings{"Khamenei", "Iran's supreme leader", "Ali Khamenei", "Iran’s supreme leader"}));
  const TermHit* irgc = find(m.actors, "IRGC");
  ASSERT_NE(irgc, nullptr);
  EXPECT_EQ(irgc->surface_forms, (Strings{"Revolutionary Guards", "IRG", "IRGC"}));
  const TermHit* iran = find(m.regions, "Iran");
  ASSERT_NE(iran, nullptr);
  EXPECT_EQ(iran->surface_forms, (Strings{"Tehran", "Iran", "Iranian"}));
  for (const std::string& s : iran->surface_forms) EXPECT_EQ(s.find("Iraq"), std::string::npos) << s;

  EXPECT_GT(m.score, 10.0);
  EXPECT_FALSE(m.snippets.empty());
  EXPECT_LE(m.snippets.size(), 3u);
}

TEST(Matcher, FootballStoryProducesNoMatch) {
  const auto w = iran_israel();
  const Article a = article("Manchester United beat Liverpool 2-1 at Old Trafford",
                            "A late goal from the captain settled the derby.",
                            "The home side dominated possession; the visitors' keeper made nine saves.");
  EXPECT_TRUE(run(w, a).empty());
}

TEST(Matcher, ArabicAliasMatchesTatweelAndHarakatVariants) {
  const auto w = actors_only({{"Ali Khamenei", {"خامنئي"}}});
  const auto m = run(w, article("قال خامنـــئي", "أعلن خَامِنَئِي اليوم"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actors[0].surface_forms, (Strings{"خامنـــئي", "خَامِنَئِي"}));
}

TEST(Matcher, PersianSpellingMatchesArabicLetters) {
  const auto w = actors_only({{"Ali Khamenei", {"خامنه‌ای"}}});  // Persian yeh and ZWNJ
  EXPECT_EQ(run(w, article("آیت‌الله خامنه اي")).size(), 0u);   // two words are not one
  EXPECT_EQ(run(w, article("آیت‌الله خامنهاي")).size(), 1u);
}

TEST(Matcher, SnippetsContainHitTextAndAreCutCleanly) {
  std::string content;
  for (int i = 0; i < 12; ++i) content += "Über die Lage berichten Beobachter ausführlich. ";
  content += "Then Khamenei spoke. ";
  for (int i = 0; i < 12; ++i) content += "Später äußerten sich weitere Stimmen dazu. ";
  const auto m = run(actors_only({{"Khamenei", {}}}), article("", "", content));
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].snippets.size(), 1u);
  const std::string& s = m[0].snippets[0];
  EXPECT_NE(s.find("Khamenei"), std::string::npos);
  EXPECT_EQ(s.rfind("…", 0), 0u);                       // cut at the start
  EXPECT_EQ(s.substr(s.size() - 3), "…");               // and at the end
  EXPECT_NE(content.find(s.substr(3, s.size() - 6)), std::string::npos);
  EXPECT_LE(s.size(), 160u + 6u);
  EXPECT_TRUE(valid_utf8(s));
  EXPECT_NE(s[3], ' ');
  EXPECT_NE(s[s.size() - 4], ' ');
}

TEST(Matcher, SnippetsAreAtMostThreeAndDistinct) {
  std::string content;
  for (int i = 0; i < 10; ++i) content += "Paragraph " + std::to_string(i) + " mentions Hamas once more, among many other words here. ";
  const auto m = run(actors_only({kHamas}), article("Hamas", content, content + " extra"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].snippets.size(), 3u);
  for (const std::string& s : m[0].snippets) EXPECT_NE(s.find("Hamas"), std::string::npos) << s;
  EXPECT_NE(m[0].snippets[0], m[0].snippets[1]);
}

TEST(Matcher, ShortTextSnippetIsWholeText) {
  const auto m = run(actors_only({kHamas}), article("Hamas\nleader   killed"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].snippets, Strings{"Hamas leader killed"});
}

TEST(Matcher, ScoresTitleHitsDouble) {
  const auto w = actors_only({kHamas});
  EXPECT_DOUBLE_EQ(run(w, article("Hamas says", "", "no"))[0].score, 2.0);
  EXPECT_DOUBLE_EQ(run(w, article("Statement", "Hamas said", "Hamas and Hamas"))[0].score, 3.0);
  EXPECT_DOUBLE_EQ(run(w, article("Hamas says", "Hamas said"))[0].score, 3.0);
}

TEST(Matcher, SearchesCategories) {
  Article a = article("Daily briefing");
  a.categories = {"World", "Middle East", "Iran"};
  const auto m = run(regions_only({{"Iran", {}}}), a);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].regions[0].surface_forms, Strings{"Iran"});
}

TEST(Matcher, PrefersLongestMatchWithinWatchlist) {
  const auto w = regions_only({{"Sudan", {}}, {"South Sudan", {}}});
  const auto m = run(w, article("Refugees cross into South Sudan"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(names(m[0].regions), Strings{"South Sudan"});
}

TEST(Matcher, OneWatchlistsLongPhraseDoesNotHideAnothersShortOne) {
  const std::vector<WatchlistConfig> ws{actors_only({{"Hamas leader", {}}}), watchlist("b", {kHamas}, {}, Require::actor)};
  const auto m = Matcher(ws).match(article("Hamas leader killed"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].watchlist, "actors");
  EXPECT_EQ(m[1].watchlist, "b");
  EXPECT_EQ(m[1].actors[0].surface_forms, Strings{"Hamas"});
}

TEST(Matcher, SameWordsCountForEveryRegionNamingThem) {
  const auto w = regions_only({{"Gaza Strip", {}}, {"Palestine", {}}});
  const auto m = run(w, article("Aid reaches Gaza"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(names(m[0].regions), (Strings{"Gaza Strip", "Palestine"}));
}

TEST(Matcher, ReturnsMatchesInConfigOrder) {
  const std::vector<WatchlistConfig> ws{watchlist("first", {kHamas}, {}, Require::actor),
                                        watchlist("second", {}, {{"Israel", {}}}, Require::region),
                                        watchlist("third", {{"Hezbollah", {}}}, {}, Require::actor)};
  const auto m = Matcher(ws).match(article("Hamas and Israel"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].watchlist, "first");
  EXPECT_EQ(m[1].watchlist, "second");
}

TEST(Matcher, EmptyArticleAndEmptyWatchlistsMatchNothing) {
  EXPECT_TRUE(Matcher({}).match(article(kWireTitle, kWireSummary)).empty());
  EXPECT_TRUE(Matcher({iran_israel()}).match(Article{}).empty());
}

TEST(Matcher, IsMovable) {
  Matcher a({iran_israel()});
  Matcher b(std::move(a));
  EXPECT_EQ(b.match(article("Khamenei warns Israel")).size(), 1u);
}

namespace {

std::string describe(const Match& m) {
  std::string out = m.watchlist + " score=" + std::to_string(m.score) + " |";
  for (const auto* list : {&m.actors, &m.regions}) {
    for (const TermHit& t : *list) {
      out += " " + t.name + ":";
      for (const std::string& s : t.surface_forms) out += "[" + s + "]";
    }
    out += " |";
  }
  for (const std::string& s : m.snippets) out += " <" + s + ">";
  return out;
}

std::string describe(const Explanation& e) {
  std::string out = e.watchlist + (e.fired ? " fired" : " not") + " score=" + std::to_string(e.score) + " " + e.verdict + " |";
  for (const auto& o : e.occurrences) out += " " + o.role + ":" + o.term + "[" + o.surface + "]" + o.field + "(" + o.via + ")";
  out += " |";
  for (const auto& i : e.ignored) out += " " + i.surface + ":" + i.reason;
  return out;
}

// Watchlists of actors and regions, many listening to the same places.
std::vector<WatchlistConfig> place_sharing_watchlists() {
  std::vector<WatchlistConfig> all;
  const std::vector<std::vector<std::string>> region_sets = {
      {"Iran", "Israel"}, {"Israel", "Palestine", "Gaza Strip"}, {"Lebanon", "Syria", "Iran"}, {"Yemen", "Iran", "Iraq"},
      {"Palestine", "Iran", "Israel", "Lebanon"}, {"Syria"}, {"Iran"}, {"Gaza Strip", "Palestine"}};
  for (std::size_t i = 0; i < region_sets.size(); ++i) {
    std::vector<Term> regions;
    for (const std::string& r : region_sets[i]) regions.push_back(Term{r, {}});
    all.push_back(watchlist("w" + std::to_string(i), i % 2 == 0 ? std::vector<Term>{kKhamenei, kHamas} : std::vector<Term>{kIrgc},
                            std::move(regions), i % 3 == 0 ? Require::any : Require::actor_and_region));
  }
  return all;
}

// What `all` compiled together, and each of them compiled alone, make of `a`: matches or explanations.
template <typename Run>
std::pair<Strings, Strings> together_and_alone(const std::vector<WatchlistConfig>& all, const Article& a, Run run) {
  Strings together;
  for (const auto& r : run(Matcher(all), a)) together.push_back(describe(r));
  Strings alone;
  for (const WatchlistConfig& w : all)
    for (const auto& r : run(Matcher({w}), a)) alone.push_back(describe(r));
  return {together, alone};
}

std::vector<Match> matches(const Matcher& m, const Article& a) { return m.match(a); }
std::vector<Explanation> explanations(const Matcher& m, const Article& a) { return m.explain(a); }

}  // namespace

// Many watchlists listening to the same places in a text full of place names: each place is read
// once and becomes each watchlist's hits as its rule is evaluated; every watchlist must come out
// exactly as it does when compiled alone (a handful of hits, ordered in one go).
TEST(Matcher, ManyWatchlistsOnPlaceDenseTextMatchAsEachAlone) {
  const std::vector<WatchlistConfig> all = place_sharing_watchlists();
  // Alone, each watchlist has fewer than 32 hits here (ordered by the plain comparison); together
  // they have hundreds.
  const Article a = article(kWireTitle, kWireSummary, std::string(kWireContent) + " Tehran and Gaza, Iranian officials said.");
  const auto [together, alone] = together_and_alone(all, a, matches);
  EXPECT_EQ(together, alone);
  EXPECT_EQ(together.size(), all.size() - 1);  // all but w5: no Syria in the text
}

// An article naming places but none of the actors: watchlists requiring an actor cannot fire and
// skip their places, those of `require: any` still fire on them, and explaining still shows every
// watchlist's places and why it did not fire, as each alone.
TEST(Matcher, PlacesWithoutActorsCountOnlyWhereTheRuleCanUseThem) {
  const std::vector<WatchlistConfig> all = place_sharing_watchlists();
  const Article a = article("Strikes reported near Tehran", "Officials in Gaza and Beirut said Iranian envoys met in Damascus.");
  const auto [together, alone] = together_and_alone(all, a, matches);
  EXPECT_EQ(together, alone);
  EXPECT_EQ(together.size(), 3u);  // w0, w3 and w6, of `require: any`
  // Explained, a place read as two entries that reach the same term names the first, however many
  // watchlists share it ("Tehran" stands for Iran and names the province of Tehrān, in Iran).
  const auto [explained_together, explained_alone] = together_and_alone(all, a, explanations);
  EXPECT_EQ(explained_together, explained_alone);
  EXPECT_EQ(explained_together.size(), all.size());  // each hears a place of the text
}

namespace {

Article in_language(Article a, std::string lang) {
  a.lang = std::move(lang);
  return a;
}

}  // namespace

TEST(Matcher, WatchlistLanguagesKeepArticlesOfOtherKnownLanguagesOut) {
  WatchlistConfig w = watchlist("w", {{"Khamenei", {}}}, {}, Require::actor);
  w.languages = {"en", "fr"};
  const Article a = article("Khamenei speaks", "Khamenei spoke in Tehran.");
  EXPECT_EQ(run(w, in_language(a, "en")).size(), 1u);
  EXPECT_EQ(run(w, in_language(a, "fr")).size(), 1u);
  EXPECT_TRUE(run(w, in_language(a, "de")).empty());
  // Too short to tell: the article still matches.
  EXPECT_EQ(run(w, in_language(a, "")).size(), 1u);
  w.languages = {"zh"};
  EXPECT_EQ(run(w, in_language(a, "zh-Hant")).size(), 1u);
}

TEST(Matcher, ExplainSaysAnArticleIsInAnotherLanguageThanTheWatchlists) {
  WatchlistConfig w = watchlist("w", {{"Khamenei", {}}}, {}, Require::actor);
  w.languages = {"en"};
  const auto ex = Matcher({w}).explain(in_language(article("Khamenei spricht"), "de"));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_FALSE(ex[0].fired);
  EXPECT_EQ(ex[0].verdict, "not sent: the article is in de; the watchlist is for [en]");
}

TEST(Matcher, AliasTaggedWithLanguagesFiresOnlyInThoseOrUnknown) {
  Term mars{"Mars Incorporated", {"Mars"}};
  mars.alias_languages = {{"en"}};
  const WatchlistConfig w = watchlist("w", {mars}, {}, Require::actor);
  const Article en = in_language(article("Mars recalls chocolate bars", "Mars said the bars were recalled."), "en");
  const Article fr = in_language(article("Grève le 3 mars", "La grève commence le 3 mars à Paris."), "fr");
  ASSERT_EQ(run(w, en).size(), 1u);
  EXPECT_EQ(names(run(w, en)[0].actors), Strings{"Mars Incorporated"});
  EXPECT_TRUE(run(w, fr).empty());
  EXPECT_EQ(run(w, in_language(fr, "")).size(), 1u);
  // The actor's own name is not tagged: it counts in every language.
  EXPECT_EQ(run(w, in_language(article("Mars Incorporated rachète une marque"), "fr")).size(), 1u);
}

TEST(Matcher, UntaggedAliasOfTheSameSpellingCountsInEveryLanguage) {
  Term mars{"Mars Incorporated", {"Mars", "mars"}};
  mars.alias_languages = {{"en"}, {}};
  const WatchlistConfig w = watchlist("w", {mars}, {}, Require::actor);
  EXPECT_EQ(run(w, in_language(article("Grève le 3 mars"), "fr")).size(), 1u);
}

TEST(Matcher, ExplainSaysWhenAnAliasIsForOtherLanguages) {
  Term mars{"Mars Incorporated", {"Mars"}};
  mars.alias_languages = {{"en", "de"}};
  const auto ex = Matcher({watchlist("w", {mars}, {}, Require::actor)})
                      .explain(in_language(article("Grève le 3 mars", "La grève commence en mars."), "fr"));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_FALSE(ex[0].fired);
  ASSERT_FALSE(ex[0].ignored.empty());
  EXPECT_EQ(ex[0].ignored[0].surface, "mars");
  EXPECT_EQ(ex[0].ignored[0].reason, "alias 'Mars' is for [en, de]; article is fr");
}
