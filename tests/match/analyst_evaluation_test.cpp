// Precision and recall on the analyst evaluation set (tests/data/eval/analyst.yaml), per category
// and overall: every watched actor or region found is checked against what the case is about.
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "match/matcher.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace newsalert;

namespace {

const std::string kDir = std::string(NEWSALERT_TEST_DATA_DIR) + "/eval/";

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
};

std::set<std::string> strings(const YAML::Node& list) {
  std::set<std::string> out;
  if (list)
    for (const auto& s : list) out.insert(s.as<std::string>());
  return out;
}

// Every actor and region term the matcher counted in the article.
std::set<std::string> found_terms(const match::Matcher& matcher, const Article& article) {
  std::set<std::string> out;
  for (const auto& ex : matcher.explain(article))
    for (const auto& o : ex.occurrences)
      if (o.role == "actor" || o.role == "region") out.insert(o.term);
  return out;
}

struct Evaluation {
  std::map<std::string, Counts> by_category;
  Counts overall;
  std::vector<std::string> misses;
  std::set<std::string> languages;
  std::size_t cases = 0;
};

Evaluation evaluate(const config::Config& config, const YAML::Node& cases) {
  const match::Matcher matcher(config.watchlists);
  Evaluation ev;
  for (const auto& c : cases) {
    Article article;
    article.id = c["id"].as<std::string>();
    article.title = c["title"].as<std::string>();
    article.content = c["text"].as<std::string>();
    const std::string category = c["cat"].as<std::string>();
    ev.languages.insert(c["lang"].as<std::string>());
    ++ev.cases;
    const std::set<std::string> about = strings(c["about"]);
    const std::set<std::string> found = found_terms(matcher, article);
    Counts& counts = ev.by_category[category];
    for (const auto& t : about) {
      const bool hit = found.count(t) > 0;
      (hit ? counts.tp : counts.fn)++;
      (hit ? ev.overall.tp : ev.overall.fn)++;
      if (!hit) ev.misses.push_back(article.id + " (" + category + "): missed " + t);
    }
    for (const auto& t : found)
      if (about.count(t) == 0) {
        ++counts.fp;
        ++ev.overall.fp;
        ev.misses.push_back(article.id + " (" + category + "): false hit " + t);
      }
  }
  return ev;
}

void print(const Evaluation& ev) {
  std::printf("\n%-12s %4s %4s %4s %9s %7s\n", "category", "tp", "fp", "fn", "precision", "recall");
  for (const auto& [name, c] : ev.by_category)
    std::printf("%-12s %4d %4d %4d %9.3f %7.3f\n", name.c_str(), c.tp, c.fp, c.fn, c.precision(), c.recall());
  const Counts& o = ev.overall;
  std::printf("%-12s %4d %4d %4d %9.3f %7.3f\n", "overall", o.tp, o.fp, o.fn, o.precision(), o.recall());
  for (const auto& m : ev.misses) std::printf("miss: %s\n", m.c_str());
}

}  // namespace

TEST(AnalystEvaluation, LabelsNameWatchedTermsOnly) {
  const config::Config config = config::load_config(kDir + "analyst-watchlists.yaml", false);
  std::set<std::string> watched;
  for (const auto& w : config.watchlists) {
    for (const auto& t : w.actors) watched.insert(t.name);
    for (const auto& t : w.regions) watched.insert(t.name);
  }
  const YAML::Node cases = YAML::LoadFile(kDir + "analyst.yaml");
  std::set<std::string> ids;
  for (const auto& c : cases) {
    const std::string id = c["id"].as<std::string>();
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
    for (const auto& t : strings(c["about"])) EXPECT_EQ(watched.count(t), 1u) << id << ": " << t << " is not watched";
    for (const auto& t : strings(c["not"])) {
      EXPECT_EQ(watched.count(t), 1u) << id << ": " << t << " is not watched";
      EXPECT_EQ(strings(c["about"]).count(t), 0u) << id << ": " << t << " is both about and not";
    }
  }
}

TEST(AnalystEvaluation, PrecisionAndRecallPerCategory) {
  const config::Config config = config::load_config(kDir + "analyst-watchlists.yaml", false);
  const Evaluation ev = evaluate(config, YAML::LoadFile(kDir + "analyst.yaml"));
  print(ev);
  ASSERT_GE(ev.cases, 150u);
  EXPECT_GE(ev.languages.size(), 5u);
  EXPECT_EQ(ev.by_category.size(), 7u);
  for (const auto& [name, c] : ev.by_category) {
    EXPECT_GE(c.precision(), 0.95) << name;
    EXPECT_GE(c.recall(), 0.95) << name;
  }
  EXPECT_GE(ev.overall.precision(), 0.97);
  EXPECT_GE(ev.overall.recall(), 0.97);
}
