// http.tokens and watchlists_dir: what loads, what is refused and how each refusal reads.
#include "config/config.hpp"
#include "config/load_config.hpp"
#include "config/watchlist_document.hpp"
#include "tests/config/config_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace newsalert::config;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using nlohmann::json;

namespace fs = std::filesystem;

namespace {

class ApiSettings : public newsalert::testing::ConfigDir {
 protected:
  void SetUp() override {
    ConfigDir::SetUp();
    fs::create_directory(dir_ / "watchlists.d");
  }

  fs::path main_file(const std::string& body = "") {
    return write("newsalert.yaml", "state_dir: state\nwatchlists:\n  - {name: main, actors: [Hamas]}\n" + body);
  }

  void watchlist_file(const std::string& name, const std::string& text) {
    write("watchlists.d/" + name, text);
  }

  // Every diagnostic as "file-name:line[:column]: message".
  std::vector<std::string> errors(const fs::path& file, const FileEdit* edit = nullptr) {
    try {
      load_config(file, true, edit);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics())
        out.push_back(fs::path(d.file).filename().string() + ":" + std::to_string(d.line) +
                      (d.column > 0 ? ":" + std::to_string(d.column) : "") + ": " + d.message);
      return out;
    }
    ADD_FAILURE() << "loaded without errors";
    return {};
  }
};

}  // namespace

TEST_F(ApiSettings, WatchlistFilesAreReadBesideTheMainOnesAndNamedByTheirFile) {
  watchlist_file("gulf.yaml", "actors: [IRGC]\nregions: [Israel]\nrequire: IRGC and region\n");
  watchlist_file("sahel.yaml", "name: sahel\nregions: [Mali]\n");
  watchlist_file("notes.txt", "not a watchlist");
  const Config config = load_config(main_file());
  ASSERT_EQ(config.watchlists.size(), 3u);
  EXPECT_EQ(config.watchlists[0].name, "main");
  EXPECT_TRUE(config.watchlists[0].file.empty());
  EXPECT_EQ(config.watchlists[1].name, "gulf");
  EXPECT_EQ(config.watchlists[1].file, dir_ / "watchlists.d" / "gulf.yaml");
  EXPECT_FALSE(config.watchlists[1].require_expression.empty());
  EXPECT_EQ(config.watchlists[2].name, "sahel");
  EXPECT_EQ(config.watchlists_dir, dir_ / "watchlists.d");
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0].str(), HasSubstr("notes.txt: warning: not read: watchlists_dir holds one NAME.yaml"));
}

TEST_F(ApiSettings, AMissingWatchlistsDirHoldsNoneAndAnotherOneCanBeNamed) {
  fs::remove(dir_ / "watchlists.d");
  EXPECT_EQ(load_config(main_file()).watchlists.size(), 1u);
  fs::create_directory(dir_ / "lists");
  write("lists/other.yaml", "actors: [Wagner]\n");
  const Config config = load_config(main_file("watchlists_dir: lists\n"));
  ASSERT_EQ(config.watchlists.size(), 2u);
  EXPECT_EQ(config.watchlists[1].name, "other");
}

TEST_F(ApiSettings, ProblemsInAWatchlistFileAreReportedWithThatFilesLinesAfterTheMainFiles) {
  watchlist_file("gulf.yaml", "actors: [IRGC]\nregions: [Israel]\nrequire: IRGC and (region or\nnotify: [pager]\n");
  watchlist_file("main.yaml", "actors: [Hezbollah]\n");
  watchlist_file("renamed.yaml", "name: other\nactors: [x]\n");
  watchlist_file("list.yaml", "- actors: [x]\n");
  EXPECT_THAT(errors(main_file("poll: {interval: 0s}\n")),
              ElementsAre("newsalert.yaml:4: poll.interval: must be at least 1s, got 0s",
                          "gulf.yaml:3:29: watchlist.require: expected a term after 'or', got the end",
                          "gulf.yaml:4: watchlist 'gulf' notifies unknown webhook 'pager'",
                          "list.yaml:1: expected the map of one watchlist (name, actors, regions, require, ...), got a list",
                          "main.yaml:1: watchlist 'main' is also defined in " + (dir_ / "newsalert.yaml").string() +
                              ":3; define it in one place",
                          "renamed.yaml:1: name: 'other' differs from the file's name; the file of watchlist 'other' "
                          "is other.yaml"));
}

TEST_F(ApiSettings, AnEditIsLoadedInsteadOfItsFileOrLeavesItOut) {
  watchlist_file("gulf.yaml", "actors: [IRGC]\n");
  const fs::path file = main_file();
  const FileEdit replaced{"gulf", "actors: [Hamas, IRGC]\nregions: [Israel]\n"};
  const Config config = load_config(file, true, &replaced);
  ASSERT_EQ(config.watchlists.size(), 2u);
  EXPECT_EQ(config.watchlists[1].regions.size(), 1u);
  const FileEdit added{"new", "regions: [Iran]\n"};
  EXPECT_EQ(load_config(file, true, &added).watchlists.size(), 3u);
  const FileEdit removed{"gulf", std::nullopt};
  EXPECT_EQ(load_config(file, true, &removed).watchlists.size(), 1u);
  const FileEdit broken{"gulf", "actors: [IRGC\n"};
  const auto problems = errors(file, &broken);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("gulf.yaml:"));
}

TEST_F(ApiSettings, TokensHaveANameASecretOfSixteenCharactersAndAScope) {
  const Config config = load_config(main_file("http:\n  listen: 127.0.0.1:9464\n  tokens:\n"
                                              "    - {name: ops, token: 0123456789abcdef, scope: admin}\n"
                                              "    - {name: wall, token: fedcba9876543210}\n"));
  ASSERT_EQ(config.api_tokens.size(), 2u);
  EXPECT_EQ(config.api_tokens[0].name, "ops");
  EXPECT_EQ(config.api_tokens[0].scope, ApiToken::Scope::admin);
  EXPECT_EQ(config.api_tokens[1].scope, ApiToken::Scope::read);
  EXPECT_THAT(errors(main_file("http:\n  listen: 127.0.0.1:9464\n  tokens:\n"
                               "    - {name: ops, token: short}\n"
                               "    - {name: ops, token: 0123456789abcdef, scope: root}\n"
                               "    - {token: fedcba9876543210}\n"
                               "    - {name: b, token: 0123456789abcdef}\n")),
              ElementsAre("newsalert.yaml:7: http.tokens[0].token: a token needs at least 16 characters (e.g. from "
                          "`openssl rand -hex 32`)",
                          "newsalert.yaml:8: duplicate token name 'ops'",
                          "newsalert.yaml:8: http.tokens[1].scope: expected 'read' or 'admin', got 'root'",
                          "newsalert.yaml:9: http.tokens[2]: missing required key 'name'",
                          "newsalert.yaml:10: http.tokens[3]: the same token as another entry; give each its own"));
}

TEST_F(ApiSettings, AWatchlistGoesFromJsonToYamlAndBackWithItsTypes) {
  const json watchlist = json::parse(R"({"name": "gulf", "actors": ["IRGC", {"name": "Hamas", "aliases": ["no"]}],
    "min_score": 1.5, "throttle": {"max": 10, "per": "1h"}, "require": "IRGC and region", "exclude": ["10"]})");
  const std::string yaml = watchlist_yaml(watchlist);
  EXPECT_THAT(yaml, HasSubstr("- \"no\""));
  EXPECT_EQ(json_of_yaml(yaml), watchlist);
  EXPECT_THROW(watchlist_yaml(json::array()), std::invalid_argument);
  EXPECT_EQ(json_of_yaml("max: 10\nyes: true\nnothing: ~\nquoted: '10'\n"),
            json::parse(R"({"max": 10, "yes": true, "nothing": null, "quoted": "10"})"));
}

TEST_F(ApiSettings, TheFingerprintCoversTheWatchlistFilesSoClusterNodesAgreeOnThem) {
  const fs::path file = main_file();
  const std::string alone = load_config(file).fingerprint;
  watchlist_file("gulf.yaml", "actors: [IRGC]\n");
  const std::string with_file = load_config(file).fingerprint;
  EXPECT_NE(with_file, alone);
  watchlist_file("gulf.yaml", "actors: [IRGC, Hamas]\n");
  EXPECT_NE(load_config(file).fingerprint, with_file);
}

TEST_F(ApiSettings, ArticleTextIsKeptAWeekByDefaultAndNeverLongerThanTheRetention) {
  EXPECT_EQ(load_config(main_file()).state.keep_text, std::chrono::hours(24 * 7));
  EXPECT_EQ(load_config(main_file("state: {keep_text: 0s}\n")).state.keep_text.count(), 0);
  EXPECT_EQ(load_config(main_file("state: {retention: 2d, keep_text: 30d}\n")).state.keep_text, std::chrono::hours(48));
}

TEST_F(ApiSettings, FeedFilesBesideTheWatchlistsAreReadAfterTheMainFeedsAndADuplicateIsRefused) {
  const fs::path main = main_file("feeds:\n  - https://wire.example.org/rss\n");
  fs::create_directory(dir_ / "feeds.d");
  write("feeds.d/desk.yaml", "url: https://desk.example.org/atom\ntitle: Desk\ninterval: 2m\n");
  write("feeds.d/README", "notes");
  const Config config = load_config(main);
  EXPECT_EQ(config.feeds_dir, dir_ / "feeds.d");
  ASSERT_EQ(config.feeds.size(), 2u);
  EXPECT_TRUE(config.feeds[0].file.empty());
  EXPECT_EQ(config.feeds[1].url, "https://desk.example.org/atom");
  EXPECT_EQ(config.feeds[1].title, "Desk");
  EXPECT_EQ(config.feeds[1].file, dir_ / "feeds.d" / "desk.yaml");
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0].message, HasSubstr("one NAME.yaml file per feed"));

  write("feeds.d/copy.yaml", "url: https://wire.example.org/rss\n");
  write("feeds.d/broken.yaml", "url: https://x.example.org/\ninterval: soon\n");
  EXPECT_THAT(errors(main), ElementsAre(HasSubstr("broken.yaml:2:"),
                                        "copy.yaml:1: feed 'https://wire.example.org/rss' is also listed in " +
                                            main.string() + ":5; list it in one place"));

  // An edit of feeds.d stands in for its file, as a watchlist's does.
  fs::remove(dir_ / "feeds.d" / "copy.yaml");
  const FileEdit fixed{"broken", "url: https://x.example.org/\ninterval: 5m\n", FileEdit::Dir::feeds};
  EXPECT_EQ(load_config(main, true, &fixed).feeds.size(), 3u);
  const FileEdit removed{"broken", std::nullopt, FileEdit::Dir::feeds};
  EXPECT_EQ(load_config(main, true, &removed).feeds.size(), 2u);
  const FileEdit wrong_dir{"broken", "actors: [x]\n"};   // a watchlist of that name: feeds.d untouched
  EXPECT_THAT(errors(main, &wrong_dir), ElementsAre(HasSubstr("broken.yaml:2:")));
}
