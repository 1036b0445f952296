// The feed corpus (tests/data/feeds/expected.json): every file parses to the entries listed for it.
#include "feeds/feed_parser.hpp"

#include "common/time.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace newsalert;
using namespace newsalert::feeds;

namespace {

const std::string kCorpus = std::string(NEWSALERT_TEST_DATA_DIR) + "/feeds/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const nlohmann::json& manifest() {
  static const nlohmann::json m = nlohmann::json::parse(read_file(kCorpus + "expected.json"));
  return m;
}

std::string format_name(FeedFormat f) {
  switch (f) {
    case FeedFormat::rss: return "rss";
    case FeedFormat::rdf: return "rdf";
    case FeedFormat::atom: return "atom";
    case FeedFormat::json: return "json";
    default: return "unknown";
  }
}

nlohmann::json time_json(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, ExtractsTheListedEntries) {
  const auto& m = manifest();
  const auto spec_it = std::find_if(m["files"].begin(), m["files"].end(),
                                    [&](const nlohmann::json& s) { return s["file"] == GetParam(); });
  ASSERT_NE(spec_it, m["files"].end());
  const auto& spec = *spec_it;
  const std::string base = spec.value("base_url", m["base_url"].get<std::string>());
  const auto feed = parse_feed(read_file(kCorpus + GetParam()), base, spec.value("content_type", std::string()));
  ASSERT_TRUE(feed.ok()) << feed.error;
  EXPECT_EQ(format_name(feed.format), spec["format"].get<std::string>());
  EXPECT_EQ(feed.recovered, spec["recovered"].get<bool>()) << feed.warning;
  const auto& entries = spec["entries"];
  ASSERT_EQ(feed.articles.size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Article& a = feed.articles[i];
    const auto& e = entries[i];
    SCOPED_TRACE("entry " + std::to_string(i));
    EXPECT_EQ(a.id, e["id"].get<std::string>());
    EXPECT_EQ(a.title, e["title"].get<std::string>());
    EXPECT_EQ(a.link, e["link"].get<std::string>());
    EXPECT_EQ(time_json(a.published), e["published"]);
    EXPECT_EQ(time_json(a.updated), e["updated"]);
    EXPECT_EQ(a.summary, e["summary"].get<std::string>());
    EXPECT_EQ(a.feed_url, base);
    // Optional fields are listed where the file is about them; absent means empty.
    EXPECT_EQ(a.content, e.value("content", std::string()));
    EXPECT_EQ(a.image, e.value("image", std::string()));
    EXPECT_EQ(nlohmann::json(a.authors), e.value("authors", nlohmann::json::array()));
    EXPECT_EQ(nlohmann::json(a.categories), e.value("categories", nlohmann::json::array()));
    if (e.contains("summary_html")) {
      EXPECT_EQ(a.summary_html, e["summary_html"].get<std::string>());
    }
    if (e.contains("content_html")) {
      EXPECT_EQ(a.content_html, e["content_html"].get<std::string>());
    }
  }
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& spec : manifest()["files"]) files.push_back(spec["file"].get<std::string>());
  return files;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (const char c : info.param) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Feeds, Corpus, ::testing::ValuesIn(corpus_files()), test_name);

TEST(CorpusManifest, CoversEveryFileInTheFolder) {
  // A corpus file nobody asserts anything about would be dead weight; the manifest must list it.
  const auto listed = corpus_files();
  std::size_t on_disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    const auto ext = entry.path().extension().string();
    const auto name = entry.path().filename().string();
    if ((ext == ".xml" || ext == ".rdf" || ext == ".json") && name != "expected.json") {
      ++on_disk;
      EXPECT_NE(std::find(listed.begin(), listed.end(), name), listed.end()) << name << " is not in expected.json";
    }
  }
  EXPECT_EQ(on_disk, listed.size());
}

}  // namespace
