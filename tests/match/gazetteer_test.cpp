#include "match/gazetteer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using newsalert::match::Gazetteer;
using newsalert::match::GazetteerEntry;

namespace {

bool has_alias(const GazetteerEntry& e, std::string_view alias) {
  return std::find(e.aliases.begin(), e.aliases.end(), alias) != e.aliases.end();
}

}  // namespace

TEST(Gazetteer, FindsEntryByCanonicalNameIgnoringCase) {
  const GazetteerEntry* e = Gazetteer::builtin().find("iran");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Iran");
  EXPECT_TRUE(has_alias(*e, "Tehran"));
  EXPECT_TRUE(has_alias(*e, "Iranian"));
}

TEST(Gazetteer, FindsEntryByAlias) {
  const GazetteerEntry* e = Gazetteer::builtin().find("Gaza");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Gaza Strip");
  e = Gazetteer::builtin().find("Persia");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Iran");
}

TEST(Gazetteer, CanonicalNameWinsOverAnotherEntrysAlias) {
  // "Gaza Strip" is also listed under Palestine.
  const GazetteerEntry* e = Gazetteer::builtin().find("GAZA STRIP");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Gaza Strip");
}

TEST(Gazetteer, IgnoresDiacriticsInLookup) {
  const GazetteerEntry* e = Gazetteer::builtin().find("Turkiye");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Turkey");
}

TEST(Gazetteer, CoversRegionAndMajorPowers) {
  for (std::string_view name : {"Israel", "Palestine", "Lebanon", "Yemen", "Iraq", "Syria", "Saudi Arabia", "Egypt",
                                "Jordan", "Qatar", "United Arab Emirates", "Turkey", "Russia", "Ukraine",
                                "United States", "United Kingdom", "China", "Libya", "Morocco", "Algeria",
                                "Tunisia", "Sudan", "Germany", "France", "India", "Japan"}) {
    const GazetteerEntry* e = Gazetteer::builtin().find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->name, name);
    EXPECT_FALSE(e->aliases.empty()) << name;
  }
  EXPECT_GE(Gazetteer::builtin().entries().size(), 50u);
}

TEST(Gazetteer, ReturnsNullForUnknownNames) {
  EXPECT_EQ(Gazetteer::builtin().find("Atlantis"), nullptr);
  EXPECT_EQ(Gazetteer::builtin().find(""), nullptr);
  EXPECT_EQ(Gazetteer::builtin().find("  --  "), nullptr);
}

TEST(Gazetteer, DoesNotConfuseIraqWithIran) {
  const Gazetteer& g = Gazetteer::builtin();
  const GazetteerEntry* e = g.find("Baghdad");  // the governorate of that name, part of Iraq
  ASSERT_NE(e, nullptr);
  const auto& up = g.ancestors(g.index_of(*e));
  ASSERT_GE(up.size(), 2u);
  EXPECT_EQ(g.entries()[up[1]].name, "Iraq");
  EXPECT_FALSE(has_alias(*Gazetteer::builtin().find("Iran"), "Baghdad"));
}
