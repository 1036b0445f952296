// The require language at work: each operator, field scopes, scores and explanations.
#include "match/matcher.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdlib>
#include <fstream>

using namespace newsalert;
using newsalert::config::RequireExpression;
using newsalert::config::Term;
using newsalert::config::WatchlistConfig;
using newsalert::match::Matcher;

namespace {

WatchlistConfig watchlist(const std::string& rule, double min_score = 0) {
  WatchlistConfig w;
  w.name = "w";
  w.actors = {Term{"Ali Khamenei", {"Khamenei"}}, Term{"IRGC", {"Revolutionary Guards"}}, Term{"Hamas", {}}};
  w.regions = {Term{"Iran", {}}, Term{"Israel", {}}};
  w.require_expression = RequireExpression::parse(rule);
  w.min_score = min_score;
  return w;
}

Article article(std::string title, std::string summary = {}, std::string content = {}) {
  Article a;
  a.id = "t";
  a.title = std::move(title);
  a.summary = std::move(summary);
  a.content = std::move(content);
  return a;
}

bool fires(const std::string& rule, const Article& a, double min_score = 0) {
  return !Matcher({watchlist(rule, min_score)}).match(a).empty();
}

// The address space this process has mapped now, in bytes (first field of /proc/self/statm, in pages).
rlim_t mapped_bytes() {
  std::ifstream statm("/proc/self/statm");
  rlim_t pages = 0;
  statm >> pages;
  return pages * static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
}

// Matches with at most 256 MiB more address space than is mapped now, and exits 0 when the one
// watchlist fired (a death test's child, so the cap ends with it).
[[noreturn]] void match_in_256_mib_more(const Matcher& matcher, const Article& a) {
  const rlim_t cap = mapped_bytes() + (rlim_t{256} << 20);
  const rlimit limit{cap, cap};
  ::setrlimit(RLIMIT_AS, &limit);
  std::_Exit(matcher.match(a).size() == 1 ? 0 : 3);
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

}  // namespace

TEST(Rules, KeywordsStillWork) {
  EXPECT_TRUE(fires("actor and region", article("Khamenei speaks in Tehran")));
  EXPECT_FALSE(fires("actor and region", article("Khamenei speaks")));
  EXPECT_TRUE(fires("actor", article("Khamenei speaks")));
  EXPECT_TRUE(fires("region", article("Tehran quiet")));
  EXPECT_TRUE(fires("any", article("Tehran quiet")));
  EXPECT_FALSE(fires("any", article("Nothing here")));
}

TEST(Rules, AndOrNot) {
  EXPECT_TRUE(fires("Khamenei and Israel", article("Khamenei warns Israel")));
  EXPECT_FALSE(fires("Khamenei and Israel", article("Khamenei warns the West")));
  EXPECT_TRUE(fires("Hamas or IRGC", article("Revolutionary Guards parade")));
  EXPECT_TRUE(fires("Iran and not Hamas", article("Iran holds drills")));
  EXPECT_FALSE(fires("Iran and not Hamas", article("Iran hosts Hamas delegation")));
}

TEST(Rules, ParenthesesGroup) {
  EXPECT_TRUE(fires("(Hamas or IRGC) and Israel", article("IRGC threatens Israel")));
  EXPECT_FALSE(fires("Hamas or (IRGC and Israel)", article("IRGC parade")));
  EXPECT_TRUE(fires("Hamas or IRGC and Israel", article("Hamas statement")));  // and binds tighter
}

TEST(Rules, TermsResolveToActorsRegionsPlacesOrWords) {
  EXPECT_TRUE(fires("Khamenei", article("Ali Khamenei speaks")));           // an alias names the actor
  EXPECT_TRUE(fires("Iran", article("Iranian drones")));                     // the region, with its gazetteer
  EXPECT_TRUE(fires("Lebanon", article("Strikes near Beirut")));             // a place not watched
  EXPECT_TRUE(fires("\"supreme leader\"", article("The Supreme Leader spoke")));  // plain words
  EXPECT_FALSE(fires("\"supreme leader\"", article("The leader, supreme in power")));
}

TEST(Rules, FieldScopes) {
  EXPECT_TRUE(fires("title:Khamenei", article("Khamenei speaks", "About Iran")));
  EXPECT_FALSE(fires("title:Khamenei", article("Iran speaks", "Khamenei said")));
  EXPECT_TRUE(fires("summary:Khamenei", article("Iran speaks", "Khamenei said")));
  EXPECT_TRUE(fires("body:(Hamas or IRGC)", article("Iran", "", "The IRGC said")));
  EXPECT_FALSE(fires("content:Hamas", article("Hamas", "Hamas")));
  Article a = article("Story");
  a.categories = {"Iran"};
  EXPECT_TRUE(fires("categories:Iran", a));
  EXPECT_FALSE(fires("title:Iran", a));
}

TEST(Rules, Counts) {
  EXPECT_TRUE(fires("2 of (Khamenei, IRGC, Hamas)", article("Khamenei meets Hamas")));
  EXPECT_FALSE(fires("2 of (Khamenei, IRGC, Hamas)", article("Khamenei meets Khamenei")));
  EXPECT_TRUE(fires("3 of (Khamenei, IRGC, Hamas)", article("Khamenei, IRGC and Hamas")));
}

TEST(Rules, Proximity) {
  const std::string rule = "Khamenei near/5 (strike or attack)";
  EXPECT_TRUE(fires(rule, article("Khamenei orders strike")));
  EXPECT_TRUE(fires(rule, article("An attack, Khamenei said")));  // either order
  EXPECT_FALSE(fires(rule, article("Khamenei spoke at length about many things before the strike")));
  EXPECT_FALSE(fires(rule, article("Khamenei spoke", "strike")));  // different fields are never near
  EXPECT_TRUE(fires("Khamenei near/1 strike", article("Khamenei strike")));
  EXPECT_FALSE(fires("Khamenei near/1 strike", article("Khamenei orders strike")));
}

TEST(Rules, MinScoreAndTitleWeight) {
  // A title hit weighs 2, a body hit 1.
  EXPECT_TRUE(fires("actor", article("Khamenei speaks"), 2));
  EXPECT_FALSE(fires("actor", article("Speech", "Khamenei spoke"), 2));
  EXPECT_TRUE(fires("actor", article("Speech", "Khamenei spoke", "Khamenei again"), 2));
}

TEST(Rules, TermWeightsScale) {
  WatchlistConfig w = watchlist("actor", 3);
  w.actors[2].weight = 3;  // Hamas
  EXPECT_TRUE(Matcher({w}).match(article("Speech", "Khamenei spoke")).empty());
  const auto m = Matcher({w}).match(article("Speech", "Hamas spoke"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].score, 3);
}

TEST(Rules, ExplainShowsClausesHitsAndWhyNot) {
  const Matcher matcher({watchlist("Khamenei near/3 (strike or attack) and not Hamas")});
  auto ex = matcher.explain(article("Khamenei speaks", "A strike was ordered later."));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_FALSE(ex[0].fired);
  EXPECT_NE(ex[0].verdict.find("did not hold"), std::string::npos);
  ASSERT_FALSE(ex[0].clauses.empty());
  EXPECT_EQ(ex[0].clauses[0].text, "Khamenei near/3 (strike or attack) and not Hamas");
  EXPECT_FALSE(ex[0].clauses[0].held);
  bool saw_near = false;
  for (const auto& c : ex[0].clauses)
    if (c.text == "Khamenei near/3 (strike or attack)") {
      saw_near = true;
      EXPECT_FALSE(c.held);
    }
  EXPECT_TRUE(saw_near);
  ASSERT_GE(ex[0].occurrences.size(), 2u);
  EXPECT_EQ(ex[0].occurrences[0].field, "title");

  ex = matcher.explain(article("Khamenei orders strike"));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_TRUE(ex[0].fired);

  const Matcher scored({watchlist("actor", 5)});
  ex = scored.explain(article("Khamenei orders strike"));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].verdict, "not sent: score 2 is below min_score 5");
}

TEST(Rules, ExplainReportsGazetteerPath) {
  const Matcher matcher({watchlist("region")});
  const auto ex = matcher.explain(article("Raid near Rafah"));
  ASSERT_TRUE(ex.empty());  // Rafah is Palestine, not watched
  const auto ex2 = matcher.explain(article("Blast in Tehran"));
  ASSERT_EQ(ex2.size(), 1u);
  ASSERT_EQ(ex2[0].occurrences.size(), 1u);
  EXPECT_EQ(ex2[0].occurrences[0].term, "Iran");
  EXPECT_NE(ex2[0].occurrences[0].via.find("Iran"), std::string::npos);
}

// A clause's spans are places its terms were found, so a rule at the nesting limit costs no more
// memory than the article's hits: each link of a near/N chain used to repeat the spans of the link
// before for every span of its operand (8^n spans after n links over four "Hamas").
TEST(Rules, DeepestNearChainStaysWithinTheArticlesHits) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer maps more address space than the limit allows";
  std::string chain = "Hamas";
  for (int i = 0; i < config::kMaxRequireDepth; ++i) chain += " near/1000 Hamas";
  const Matcher matcher({watchlist(chain)});
  const Article four = article("Hamas Hamas Hamas Hamas");
  EXPECT_EXIT(match_in_256_mib_more(matcher, four), ::testing::ExitedWithCode(0), "");
}
