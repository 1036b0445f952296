#include "alerts/simhash.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::alerts;

namespace {
Article article(std::string title, std::string summary) {
  Article a;
  a.title = std::move(title);
  a.summary = std::move(summary);
  return a;
}

const char* const kLead =
    "Iran's supreme leader ordered a direct strike on Israel after the Hamas political leader was killed in "
    "Tehran, three Iranian officials said on Wednesday, in a sharp escalation of the regional conflict.";
}  // namespace

TEST(Simhash, IdenticalTextsHaveIdenticalFingerprints) {
  EXPECT_EQ(simhash64(story_text(article("Iran orders strike on Israel", kLead))),
            simhash64(story_text(article("Iran orders strike on Israel", kLead))));
}

TEST(Simhash, CaseAndPunctuationDoNotMatter) {
  const auto a = simhash64(story_text(article("Iran orders strike on Israel", kLead)));
  const auto b = simhash64(story_text(article("IRAN ORDERS STRIKE ON ISRAEL!", std::string("  ") + kLead + " ...")));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(hamming_distance(*a, *b), 0);
}

TEST(Simhash, ACopyWithOneWordChangedInAFullLeadIsWithinThreeBits) {
  const std::string lead = std::string(kLead) +
                           " Officials in Jerusalem said the army was on high alert and that air defences had been "
                           "reinforced along the northern border overnight.";
  std::string edited = lead;
  edited.replace(edited.find("Wednesday"), 9, "Thursday");
  const auto a = simhash64(story_text(article("Iran orders strike on Israel", lead)));
  const auto b = simhash64(story_text(article("Iran orders strike on Israel", edited)));
  ASSERT_TRUE(a && b);
  EXPECT_LE(hamming_distance(*a, *b), 3);
}

TEST(Simhash, DifferentStoriesAreFarApart) {
  const auto a = simhash64(story_text(article("Iran orders strike on Israel", kLead)));
  const auto b = simhash64(story_text(article(
      "Hezbollah fires rockets from southern Lebanon",
      "Hezbollah said it targeted military positions across the border from Lebanon on Thursday, the group said "
      "in a statement, after overnight shelling of several villages.")));
  ASSERT_TRUE(a && b);
  EXPECT_GT(hamming_distance(*a, *b), 3);
}

TEST(Simhash, ShortTextsHaveNoFingerprint) {
  EXPECT_FALSE(simhash64("Breaking news"));
  EXPECT_FALSE(simhash64(""));
}

TEST(Simhash, TheLeadIsTheFirstSixtyWordsOfTheSummary) {
  std::string body;
  for (int i = 0; i < 200; ++i) body += "word" + std::to_string(i) + " ";
  const std::string text = story_text(article("Title here", body));
  EXPECT_NE(text.find("word59"), std::string::npos);
  EXPECT_EQ(text.find("word60"), std::string::npos);
  Article no_summary;
  no_summary.title = "T";
  no_summary.content = "from the content";
  EXPECT_EQ(story_text(no_summary), "T from the content");
}

TEST(Simhash, HammingDistanceCountsDifferingBits) {
  EXPECT_EQ(hamming_distance(0, 0), 0);
  EXPECT_EQ(hamming_distance(0b1011, 0b0001), 2);
  EXPECT_EQ(hamming_distance(~0ull, 0), 64);
}
