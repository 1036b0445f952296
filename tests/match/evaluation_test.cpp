// Precision and recall of the watchlists in tests/data/articles/watchlists.yaml on the labelled
// articles next to it; every miss is explained in docs/matching.md ("Evaluation").
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "match/matcher.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace newsalert;

namespace {

const std::string kDir = std::string(NEWSALERT_TEST_DATA_DIR) + "/articles/";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The file's first line is the title, the rest the body.
Article load_article(const std::string& name) {
  const std::string text = read(kDir + name);
  Article a;
  a.id = name;
  const auto eol = text.find('\n');
  a.title = text.substr(0, eol);
  a.content = eol == std::string::npos ? "" : text.substr(eol + 1);
  return a;
}

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
  void add(bool expected, bool got) {
    if (expected && got) ++tp;
    else if (got) ++fp;
    else if (expected) ++fn;
  }
};

std::set<std::string> strings(const nlohmann::json& list) {
  std::set<std::string> out;
  for (const auto& s : list) out.insert(s.get<std::string>());
  return out;
}

}  // namespace

TEST(Evaluation, PrecisionAndRecallPerWatchlistOnTheLabelledArticles) {
  const nlohmann::json labels = nlohmann::json::parse(read(kDir + "labels.json"));
  const config::Config config = config::load_config(kDir + labels["watchlists"].get<std::string>(), false);
  const match::Matcher matcher(config.watchlists);

  std::map<std::string, Counts> alerts;
  Counts actors;
  Counts regions;
  std::vector<std::string> misses;
  ASSERT_GE(labels["articles"].size(), 60u);
  for (const auto& item : labels["articles"].items()) {
    // Named copies, not a structured binding: the lambda below captures them (clang 14 refuses bindings).
    const std::string name = item.key();
    const auto& label = item.value();
    const Article article = load_article(name);
    std::set<std::string> fired;
    for (const auto& m : matcher.match(article)) fired.insert(m.watchlist);
    std::set<std::string> found_actors;
    std::set<std::string> found_regions;
    for (const auto& ex : matcher.explain(article))
      for (const auto& o : ex.occurrences) {
        if (o.role == "actor") found_actors.insert(o.term);
        if (o.role == "region") found_regions.insert(o.term);
      }
    const auto want = strings(label["alerts"]);
    for (const auto& w : config.watchlists) {
      const bool expected = want.count(w.name) > 0;
      const bool got = fired.count(w.name) > 0;
      alerts[w.name].add(expected, got);
      if (expected != got) misses.push_back(name + ": " + w.name + (got ? " fired, not labelled" : " labelled, did not fire"));
    }
    auto compare = [&](const std::set<std::string>& want_terms, const std::set<std::string>& got_terms, Counts& c,
                       const char* kind) {
      std::set<std::string> all = want_terms;
      all.insert(got_terms.begin(), got_terms.end());
      for (const auto& t : all) {
        const bool e = want_terms.count(t) > 0;
        const bool g = got_terms.count(t) > 0;
        c.add(e, g);
        if (e != g) misses.push_back(name + ": " + kind + " " + t + (g ? " found, not labelled" : " labelled, not found"));
      }
    };
    compare(strings(label["actors"]), found_actors, actors, "actor");
    compare(strings(label["regions"]), found_regions, regions, "region");
  }

  std::printf("\n%-18s %4s %4s %4s %9s %7s\n", "watchlist", "tp", "fp", "fn", "precision", "recall");
  for (const auto& w : config.watchlists) {
    const Counts& c = alerts[w.name];
    std::printf("%-18s %4d %4d %4d %9.3f %7.3f\n", w.name.c_str(), c.tp, c.fp, c.fn, c.precision(), c.recall());
  }
  std::printf("%-18s %4d %4d %4d %9.3f %7.3f\n", "(actor terms)", actors.tp, actors.fp, actors.fn, actors.precision(),
              actors.recall());
  std::printf("%-18s %4d %4d %4d %9.3f %7.3f\n", "(region terms)", regions.tp, regions.fp, regions.fn,
              regions.precision(), regions.recall());
  for (const auto& m : misses) std::printf("miss: %s\n", m.c_str());

  for (const auto& w : config.watchlists) {
    EXPECT_GE(alerts[w.name].precision(), 0.95) << w.name;
    EXPECT_GE(alerts[w.name].recall(), 0.95) << w.name;
    EXPECT_GT(alerts[w.name].tp, 0) << w.name << " has no labelled positive, so the figure says nothing";
  }
}
