// `feeds: - opml: FILE` in the config: the OPML file's feeds join the list; its problems are config errors.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <stdlib.h>

using namespace newsalert;
using namespace newsalert::config;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

namespace {

class OpmlConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "newsalert-opml-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  Config load(const std::string& feeds_yaml) {
    return load_config(write("newsalert.yaml", "state_dir: state\nfeeds:\n" + feeds_yaml), false);
  }
  // Every diagnostic as "file-name:line: message".
  std::vector<std::string> errors(const std::string& feeds_yaml) {
    try {
      load(feeds_yaml);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics())
        out.push_back(fs::path(d.file).filename().string() + ":" + std::to_string(d.line) + ": " + d.message);
      return out;
    }
    ADD_FAILURE() << "config loaded without errors";
    return {};
  }
  fs::path dir_;
};

const std::string kFixture = std::string(NEWSALERT_TEST_DATA_DIR) + "/opml/subscriptions.opml";

std::vector<std::string> urls(const Config& c) {
  std::vector<std::string> out;
  for (const auto& f : c.feeds) out.push_back(f.url);
  return out;
}

}  // namespace

TEST_F(OpmlConfigTest, ExpandsNestedOutlinesInDocumentOrderOnce) {
  const Config c = load("  - https://first.example/rss\n  - opml: " + kFixture + "\n");
  EXPECT_THAT(urls(c), ElementsAre("https://first.example/rss", "https://wire.example/world/rss.xml",
                                   "https://atom.example/feed.atom", "https://regional.example/rss"));
  EXPECT_EQ(c.feeds[1].title, "Wire World (RSS)");  // title attribute first
  EXPECT_EQ(c.feeds[2].title, "Atom Desk");         // else text
  EXPECT_EQ(c.feeds[3].line, 4);                    // the config line of the opml entry
}

TEST_F(OpmlConfigTest, IntervalOfTheEntryAppliesToEveryFeedAndPathsAreRelativeToTheConfig) {
  write("subs.opml", "<opml version=\"2.0\"><body><outline xmlUrl=\"https://a.example/rss\"/>"
                     "<outline xmlUrl=\"https://b.example/rss\"/></body></opml>");
  const Config c = load("  - opml: subs.opml\n    interval: 2m\n");
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].interval, std::optional<Millis>(2min));
  EXPECT_EQ(c.feeds[1].interval, std::optional<Millis>(2min));
}

TEST_F(OpmlConfigTest, AMissingFileIsAConfigErrorAtTheEntry) {
  EXPECT_THAT(errors("  - opml: nowhere.opml\n"),
              ElementsAre(AllOf(HasSubstr("newsalert.yaml:3: feeds[0].opml: "), HasSubstr("nowhere.opml: cannot open"))));
}

TEST_F(OpmlConfigTest, InvalidXmlIsReportedAtTheLineOfTheOpmlFile) {
  write("broken.opml", "<opml>\n<body>\n<outline xmlUrl=\"https://a.example/rss\">\n</body>\n</opml>\n");
  EXPECT_THAT(errors("  - opml: broken.opml\n"), ElementsAre(HasSubstr("broken.opml:4: invalid XML")));
}

TEST_F(OpmlConfigTest, BadFeedUrlsInTheFileAreErrorsWithTheirLine) {
  write("bad.opml", "<opml><body>\n<outline xmlUrl=\"https://ok.example/rss\"/>\n<outline xmlUrl=\"ftp://x/\"/>\n</body></opml>");
  EXPECT_THAT(errors("  - opml: bad.opml\n"), ElementsAre(HasSubstr("bad.opml:3: invalid xmlUrl 'ftp://x/'")));
}

TEST_F(OpmlConfigTest, UrlAndOpmlTogetherAreRefused) {
  EXPECT_THAT(errors("  - opml: x.opml\n    url: https://a.example/\n"),
              ElementsAre(HasSubstr("give either 'url' or 'opml', not both")));
}
