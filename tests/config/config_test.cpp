#include "config/config.hpp"
#include "config/load_config.hpp"

#include "common/crypto.hpp"
#include "tests/config/config_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace newsalert;
using namespace newsalert::config;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

namespace {

// The temp dir holds the config file and its state_dir.
class ConfigTest : public newsalert::testing::ConfigDir {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_ / "ro", fs::perms::owner_all, ec);
    ConfigDir::TearDown();
  }

  // Loads `body` after a state_dir line pointing into the temp dir (so line 2 is the first line of body).
  Config load(const std::string& body, bool check_state_dir = true) {
    return load_config(write("newsalert.yaml", "state_dir: state\n" + body), check_state_dir);
  }

  // The diagnostics of a config that must fail, as "file:line[:column]: message" without the directory.
  std::vector<std::string> errors(const std::string& text, bool check_state_dir = true) {
    const fs::path path = write("bad.yaml", text);
    try {
      load_config(path, check_state_dir);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics()) {
        EXPECT_EQ(d.file, path.string());
        out.push_back("bad.yaml:" + std::to_string(d.line) + (d.column > 0 ? ":" + std::to_string(d.column) : "") +
                      ": " + d.message);
      }
      return out;
    }
    ADD_FAILURE() << "config loaded without errors:\n" << text;
    return {};
  }

  // Diagnostics of a config whose feeds section is `feeds_yaml`, as "file-name:line: message": an OPML
  // file's own problems carry its name.
  std::vector<std::string> opml_errors(const std::string& feeds_yaml) {
    try {
      load_config(write("newsalert.yaml", "state_dir: state\nfeeds:\n" + feeds_yaml), false);
    } catch (const ConfigError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics())
        out.push_back(fs::path(d.file).filename().string() + ":" + std::to_string(d.line) + ": " + d.message);
      return out;
    }
    ADD_FAILURE() << "config loaded without errors";
    return {};
  }

};

using newsalert::testing::ScopedEnv;

const char* const kFullConfig = R"yaml(state_dir: /tmp/placeholder
user_agent: "newsalert-test/1.0 (+https://example.org)"
shutdown_grace: 3s
poll:
  interval: 2m
  concurrency: 8
  per_host: 2
  timeout: 10s
  max_bytes: 512KiB
  max_age: 1d
feeds:
  - https://example.org/a.xml
  - url: http://example.net:8080/b.rss
    title: Example B
    interval: 30s
watchlists:
  - name: iran-israel
    actors:
      - name: Ali Khamenei
        aliases: [Khamenei, Ayatollah Khamenei]
      - Hamas
    regions: [Iran, {name: Gaza Strip, aliases: [Gaza]}]
    require: actor_and_region
    exclude: [football, cricket]
    notify: [ops]
  - name: quake.watch
    regions: [Japan]
    require: any
webhooks:
  - name: ops
    url: https://hooks.example.org/news
    format: json
    secret: plain-secret
    headers:
      X-Team: news
    timeout: 5s
    retry:
      schedule: [0s, 1s, 1m]
  - name: console
    format: stdout
)yaml";

}  // namespace

TEST_F(ConfigTest, LoadsEveryKeyOfAFullConfig) {
  const Config c = load_config(write("full.yaml", kFullConfig), false);
  EXPECT_EQ(c.source, dir_ / "full.yaml");
  EXPECT_EQ(c.state_dir, fs::path("/tmp/placeholder"));
  EXPECT_EQ(c.user_agent, "newsalert-test/1.0 (+https://example.org)");
  EXPECT_EQ(c.shutdown_grace, 3s);

  EXPECT_EQ(c.poll.interval, 2min);
  EXPECT_EQ(c.poll.concurrency, 8);
  EXPECT_EQ(c.poll.per_host, 2);
  EXPECT_EQ(c.poll.timeout, 10s);
  EXPECT_EQ(c.poll.max_bytes, 512u * 1024);
  EXPECT_EQ(c.poll.max_age, 24h);

  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].url, "https://example.org/a.xml");
  EXPECT_EQ(c.feeds[0].title, "");
  EXPECT_FALSE(c.feeds[0].interval);
  EXPECT_EQ(c.feeds[0].line, 12);
  EXPECT_EQ(c.feeds[1].url, "http://example.net:8080/b.rss");
  EXPECT_EQ(c.feeds[1].title, "Example B");
  EXPECT_EQ(c.feeds[1].interval, 30s);
  EXPECT_EQ(c.feeds[1].line, 13);

  ASSERT_EQ(c.watchlists.size(), 2u);
  const WatchlistConfig& w = c.watchlists[0];
  EXPECT_EQ(w.name, "iran-israel");
  EXPECT_EQ(w.line, 17);
  ASSERT_EQ(w.actors.size(), 2u);
  EXPECT_EQ(w.actors[0].name, "Ali Khamenei");
  EXPECT_THAT(w.actors[0].aliases, ElementsAre("Khamenei", "Ayatollah Khamenei"));
  EXPECT_EQ(w.actors[1].name, "Hamas");
  EXPECT_TRUE(w.actors[1].aliases.empty());
  ASSERT_EQ(w.regions.size(), 2u);
  EXPECT_EQ(w.regions[0].name, "Iran");
  EXPECT_EQ(w.regions[1].name, "Gaza Strip");
  EXPECT_THAT(w.regions[1].aliases, ElementsAre("Gaza"));
  EXPECT_EQ(w.require, Require::actor_and_region);
  EXPECT_THAT(w.exclude, ElementsAre("football", "cricket"));
  EXPECT_THAT(w.notify, ElementsAre("ops"));
  EXPECT_EQ(c.watchlists[1].name, "quake.watch");
  EXPECT_EQ(c.watchlists[1].require, Require::any);
  EXPECT_TRUE(c.watchlists[1].notify.empty());

  ASSERT_EQ(c.webhooks.size(), 2u);
  const WebhookConfig& h = c.webhooks[0];
  EXPECT_EQ(h.name, "ops");
  EXPECT_EQ(h.url, "https://hooks.example.org/news");
  EXPECT_EQ(h.format, WebhookFormat::json);
  EXPECT_EQ(h.secret, "plain-secret");
  EXPECT_EQ(h.headers, (std::map<std::string, std::string>{{"X-Team", "news"}}));
  EXPECT_EQ(h.timeout, 5s);
  EXPECT_THAT(h.retry.schedule, ElementsAre(0s, 1s, 1min));
  EXPECT_EQ(h.line, 30);
  EXPECT_EQ(c.webhooks[1].name, "console");
  EXPECT_EQ(c.webhooks[1].format, WebhookFormat::stdout_lines);
  EXPECT_EQ(c.webhooks[1].url, "");
}

TEST_F(ConfigTest, AppliesDefaultsToAMinimalConfig) {
  const Config c = load("");
  EXPECT_EQ(c.user_agent, "");
  EXPECT_EQ(c.shutdown_grace, 10s);
  EXPECT_EQ(c.poll.interval, 5min);
  EXPECT_EQ(c.poll.concurrency, 64);
  EXPECT_EQ(c.poll.per_host, 4);
  EXPECT_EQ(c.poll.timeout, 30s);
  EXPECT_EQ(c.poll.max_bytes, 16u << 20);
  EXPECT_EQ(c.poll.max_age, 0ms);
  EXPECT_EQ(c.poll.max_interval, 1h);
  EXPECT_TRUE(c.poll.adaptive);
  EXPECT_TRUE(c.feeds.empty());
  EXPECT_TRUE(c.watchlists.empty());
}

TEST_F(ConfigTest, AddsTheStdoutNotifierWhenNoWebhookIsConfigured) {
  const Config c = load("webhooks: []\n");
  ASSERT_EQ(c.webhooks.size(), 1u);
  EXPECT_EQ(c.webhooks[0].name, "stdout");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::stdout_lines);
  EXPECT_EQ(c.webhooks[0].url, "");
  EXPECT_FALSE(c.webhooks[0].secret);
}

TEST_F(ConfigTest, WatchlistsMayNotifyTheDefaultStdoutNotifier) {
  const Config c = load("watchlists:\n  - name: w\n    actors: [Hamas]\n    notify: [stdout]\n");
  EXPECT_THAT(c.watchlists[0].notify, ElementsAre("stdout"));
}

TEST_F(ConfigTest, ResolvesRelativeStateDirAgainstTheConfigFileDirectory) {
  fs::create_directories(dir_ / "etc");
  const Config c = load_config(write("etc/newsalert.yaml", "state_dir: ../var/state\n"));
  EXPECT_EQ(c.state_dir, dir_ / "var" / "state");
  EXPECT_TRUE(fs::is_directory(dir_ / "var" / "state"));
}

TEST_F(ConfigTest, KeepsAbsoluteStateDirAsWritten) {
  const fs::path state = dir_ / "abs-state";
  const Config c = load_config(write("c.yaml", "state_dir: " + state.string() + "\n"));
  EXPECT_EQ(c.state_dir, state);
}

TEST_F(ConfigTest, CreatesAMissingStateDirAndLeavesNoProbeFileBehind) {
  const Config c = load_config(write("c.yaml", "state_dir: a/b/c\n"));
  ASSERT_TRUE(fs::is_directory(dir_ / "a/b/c"));
  EXPECT_TRUE(fs::is_empty(dir_ / "a/b/c"));
}

TEST_F(ConfigTest, DoesNotTouchTheStateDirWhenNotAskedTo) {
  load_config(write("c.yaml", "state_dir: never-created\n"), false);
  EXPECT_FALSE(fs::exists(dir_ / "never-created"));
}

TEST_F(ConfigTest, SuggestsTheClosestKeyForAnUnknownKey) {
  EXPECT_THAT(errors("state_dir: s\npoll:\n  intervall: 5m\n"),
              ElementsAre("bad.yaml:3: unknown key 'intervall' in poll; did you mean 'interval'?"));
  EXPECT_THAT(errors("state_dir: s\nfeed:\n  - https://example.org/\n"),
              ElementsAre("bad.yaml:2: unknown key 'feed' in the top level; did you mean 'feeds'?"));
}

TEST_F(ConfigTest, ReportsAnUnknownKeyWithoutSuggestionWhenNothingIsClose) {
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: a\n    format: stdout\n    colour: red\n"),
              ElementsAre("bad.yaml:5: unknown key 'colour' in webhooks[0]"));
}

TEST_F(ConfigTest, ReportsADuplicateKey) {
  EXPECT_THAT(errors("state_dir: s\npoll:\n  interval: 5m\n  interval: 6m\n"),
              ElementsAre("bad.yaml:4: duplicate key 'interval' in poll (first on line 3)"));
}

TEST_F(ConfigTest, ReportsAWrongTypeWithWhatItGot) {
  EXPECT_THAT(errors("state_dir: s\npoll:\n  concurrency: [1, 2]\n"),
              ElementsAre("bad.yaml:3: poll.concurrency: expected an integer, got a list"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  per_host: four\n"),
              ElementsAre("bad.yaml:3: poll.per_host: expected an integer, got 'four'"));
  EXPECT_THAT(errors("state_dir: s\npoll: 5m\n"), ElementsAre("bad.yaml:2: poll: expected a map, got '5m'"));
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  url: https://example.org/\n"),
              ElementsAre("bad.yaml:3: feeds: expected a list, got a map"));
  EXPECT_THAT(errors("state_dir: [a]\n", false), ElementsAre("bad.yaml:1: state_dir: expected a string, got a list"));
}

TEST_F(ConfigTest, ReportsAnEmptyValueAtItsLine) {
  EXPECT_THAT(errors("state_dir:\npoll:\n  timeout:\nwebhooks:\n  - name: ops\n    url:\n"),
              ElementsAre("bad.yaml:1: state_dir: expected a string, got nothing",
                          "bad.yaml:3: poll.timeout: expected a duration like 30s, 5m or 2h, got nothing",
                          "bad.yaml:6: webhooks[0].url: expected a string, got nothing"));
}

TEST_F(ConfigTest, RejectsAMalformedDuration) {
  EXPECT_THAT(errors("state_dir: s\npoll:\n  interval: abc\n"),
              ElementsAre("bad.yaml:3: poll.interval: expected a duration like 30s, 5m or 2h, got 'abc'"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  timeout: 30\n"),
              ElementsAre("bad.yaml:3: poll.timeout: expected a duration like 30s, 5m or 2h, got '30'"));
}

TEST_F(ConfigTest, AcceptsZeroToTurnMaxAgeOff) {
  EXPECT_EQ(load("poll:\n  max_age: 0\n").poll.max_age, 0ms);
  EXPECT_EQ(load("poll:\n  max_age: 36h\n").poll.max_age, 36h);
}

TEST_F(ConfigTest, RejectsValuesOutOfRange) {
  EXPECT_THAT(errors("state_dir: s\npoll:\n  interval: 500ms\n"),
              ElementsAre("bad.yaml:3: poll.interval: must be at least 1s, got 500ms"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  concurrency: 0\n"),
              ElementsAre("bad.yaml:3: poll.concurrency: must be between 1 and 10000, got 0"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  per_host: 1001\n"),
              ElementsAre("bad.yaml:3: poll.per_host: must be between 1 and 1000, got 1001"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  max_bytes: 16 parsecs\n"),
              ElementsAre("bad.yaml:3: poll.max_bytes: expected a size like 16MiB or 512KiB, got '16 parsecs'"));
}

TEST_F(ConfigTest, RejectsAFeedUrlThatIsNotHttp) {
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - ftp://example.org/rss\n  - url: example.org/rss\n"),
              ElementsAre("bad.yaml:3: feeds[0]: invalid URL 'ftp://example.org/rss': expected http:// or https://",
                          "bad.yaml:4: feeds[1].url: invalid URL 'example.org/rss': expected http:// or https://"));
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - https:///rss\n"),
              ElementsAre("bad.yaml:3: feeds[0]: invalid URL 'https:///rss': missing host"));
}

TEST_F(ConfigTest, ReportsADuplicateFeedWithTheEarlierLine) {
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - https://example.org/rss\n  - https://example.org/other\n"
                     "  - url: https://example.org/rss\n"),
              ElementsAre("bad.yaml:5: feeds[2]: duplicate feed URL 'https://example.org/rss' "
                          "(already listed on line 3)"));
}

TEST_F(ConfigTest, ReportsANotifiedWebhookThatDoesNotExistAtTheLineOfItsName) {
  EXPECT_THAT(errors("state_dir: s\n"
                     "watchlists:\n"
                     "  - name: w\n"
                     "    actors: [Hamas]\n"
                     "    notify:\n"
                     "      - ops\n"
                     "      - opz\n"
                     "webhooks:\n"
                     "  - name: ops\n"
                     "    url: https://hooks.example.org/\n"),
              ElementsAre("bad.yaml:7: watchlist 'w' notifies unknown webhook 'opz'"));
}

TEST_F(ConfigTest, ReportsMissingRequiredKeys) {
  EXPECT_THAT(errors("poll:\n  interval: 5m\n"), ElementsAre("bad.yaml:1: missing required key 'state_dir'"));
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - title: no url\n"),
              ElementsAre("bad.yaml:3: feeds[0]: missing required key 'url'"));
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - actors: [Hamas]\n"),
              ElementsAre("bad.yaml:3: watchlists[0]: missing required key 'name'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: ops\n"),
              ElementsAre("bad.yaml:3: webhook 'ops': missing required key 'url' (or set format: stdout)"));
  EXPECT_THAT(errors(""), ElementsAre("bad.yaml:0: the config is empty; at least 'state_dir' is required"));
}

TEST_F(ConfigTest, RejectsAWatchlistWithoutActorsOrRegions) {
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: empty\n    exclude: [football]\n"),
              ElementsAre("bad.yaml:3: watchlist 'empty' has no actors and no regions, so it can never match"));
}

TEST_F(ConfigTest, RejectsARequirementTheWatchlistCannotMeet) {
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: w\n    regions: [Iran]\n    require: actor\n"),
              ElementsAre("bad.yaml:5: watchlist 'w': require: actor but the watchlist has no actors"));
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: w\n    actors: [IRGC]\n    require: actor and region\n"),
              ElementsAre("bad.yaml:5: watchlist 'w': require: actor and region but the watchlist has no regions"));
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: w\n    actors: [IRGC]\n    require: region or IRGC\n"),
              ElementsAre("bad.yaml:5: watchlist 'w': require: 'region' but the watchlist has no regions"));
}

TEST_F(ConfigTest, ReportsRequireSyntaxErrorsWithLineAndColumn) {
  const std::string head = "state_dir: s\nwatchlists:\n  - name: w\n    actors: [IRGC]\n";
  EXPECT_THAT(errors(head + "    require: actor and\n"),
              ElementsAre("bad.yaml:5:23: watchlists[0].require: expected a term after 'and', got the end"));
  EXPECT_THAT(errors(head + "    require: \"IRGC near/x attack\"\n"),
              ElementsAre("bad.yaml:5:20: watchlists[0].require: 'near/x': the distance must be a whole number of "
                          "words from 1 to 1000"));
  EXPECT_THAT(errors(head + "    require: |\n      IRGC and\n      (attack or\n"),
              ElementsAre("bad.yaml:7:17: watchlists[0].require: expected a term after 'or', got the end"));
  EXPECT_THAT(errors(head + "    require: |\n      IRGC and\n      (attack or strike\n"),
              ElementsAre("bad.yaml:7:7: watchlists[0].require: '(' is never closed"));
  EXPECT_THAT(errors(head + "    require: >\n      IRGC and\n      headline:attack\n"),
              ElementsAre("bad.yaml:7:7: watchlists[0].require: unknown field 'headline' (fields: title, summary, "
                          "content, body, categories)"));
}

TEST_F(ConfigTest, ReportsEveryRequireErrorInOneRun) {
  const auto e = errors("state_dir: s\nwatchlists:\n  - name: a\n    actors: [IRGC]\n    require: IRGC strike\n"
                        "  - name: b\n    actors: [IRGC]\n    require: 3 of (IRGC, Hamas)\n");
  EXPECT_THAT(e, ElementsAre("bad.yaml:5:19: watchlists[0].require: expected 'and', 'or' or 'near/N' before 'strike'",
                             "bad.yaml:8:14: watchlists[1].require: 3 of (...): the count must be between 1 and 2, "
                             "the number of clauses listed"));
}

TEST_F(ConfigTest, LoadsRuleScoreWeightsAndRegionGroups) {
  const Config c = load(
      "watchlists:\n"
      "  - name: w\n"
      "    actors:\n"
      "      - name: Ali Khamenei\n"
      "        aliases: [Khamenei]\n"
      "        weight: 3\n"
      "    regions: [Levant, {name: Horn, members: [Ethiopia, Somalia]}]\n"
      "    require: title:Khamenei near/20 (strike or attack)\n"
      "    min_score: 4.5\n"
      "region_groups:\n"
      "  Levant: [Lebanon, Syria, Israel]\n");
  ASSERT_EQ(c.watchlists.size(), 1u);
  const auto& w = c.watchlists[0];
  EXPECT_EQ(w.actors[0].weight, 3);
  EXPECT_EQ(w.min_score, 4.5);
  EXPECT_FALSE(w.require_expression.empty());
  EXPECT_EQ(w.require_expression.text(), "title:Khamenei near/20 (strike or attack)");
  EXPECT_EQ(w.regions[0].members, (std::vector<std::string>{"Lebanon", "Syria", "Israel"}));
  EXPECT_EQ(w.regions[1].members, (std::vector<std::string>{"Ethiopia", "Somalia"}));
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: w\n    actors: [{name: X, weight: heavy}]\n"
                     "    min_score: -1\n"),
              ElementsAre("bad.yaml:4: watchlists[0].actors[0].weight: expected a number, got 'heavy'",
                          "bad.yaml:5: watchlists[0].min_score: must be at least 0, got -1"));
}

TEST_F(ConfigTest, DefaultsRequireToTheKindsOfTermsListed) {
  const Config c = load("watchlists:\n"
                        "  - {name: a, actors: [Hamas]}\n"
                        "  - {name: r, regions: [Iran]}\n"
                        "  - {name: ar, actors: [Hamas], regions: [Iran]}\n");
  EXPECT_EQ(c.watchlists[0].require, Require::actor);
  EXPECT_EQ(c.watchlists[1].require, Require::region);
  EXPECT_EQ(c.watchlists[2].require, Require::actor_and_region);
}

TEST_F(ConfigTest, RejectsInvalidAndDuplicateWatchlistNames) {
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - {name: a b, actors: [x]}\n  - {name: w, actors: [x]}\n"
                     "  - {name: w, actors: [y]}\n"),
              ElementsAre("bad.yaml:3: watchlists[0].name: 'a b' may only contain letters, digits, '_', '.' and '-'",
                          "bad.yaml:5: duplicate watchlist name 'w' (already used on line 4)"));
}

TEST_F(ConfigTest, ReportsAStateDirUnderARegularFile) {
  write("plain-file", "not a directory");
  const std::string state = (dir_ / "plain-file" / "state").string();
  EXPECT_THAT(errors("poll:\n  interval: 5m\nstate_dir: plain-file/state\n"),
              ElementsAre("bad.yaml:3: state_dir '" + state + "': Not a directory"));
}

TEST_F(ConfigTest, ReportsAStateDirThatIsNotWritable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write to any directory";
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THAT(errors("state_dir: ro\n"),
              ElementsAre("bad.yaml:1: state_dir '" + (dir_ / "ro").string() + "': not writable: Permission denied"));
}

TEST_F(ConfigTest, ReportsAYamlSyntaxErrorWithItsLine) {
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - https://example.org/a\n  - [unclosed\n"),
              ElementsAre("bad.yaml:5: end of sequence flow not found"));
  EXPECT_THAT(errors("state_dir: s\npoll:\n  interval: 5m\n   concurrency: 2\n"),
              ElementsAre("bad.yaml:4: illegal map value"));
}

TEST_F(ConfigTest, ReportsEveryErrorInOneGoSortedByLine) {
  const std::string text =
      "state_dir: s\n"
      "poll:\n"
      "  interval: abc\n"
      "  concurrenc: 4\n"
      "feeds:\n"
      "  - gopher://example.org/\n"
      "watchlists:\n"
      "  - name: w\n"
      "    notify: [nobody]\n"
      "webhooks:\n"
      "  - name: ops\n"
      "    url: https://hooks.example.org/\n"
      "    timeout: soon\n";
  const fs::path path = write("multi.yaml", text);
  try {
    load_config(path, false);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 6u);
    const std::string f = path.string();
    EXPECT_EQ(std::string(e.what()),
              f + ":3: poll.interval: expected a duration like 30s, 5m or 2h, got 'abc'\n" +
              f + ":4: unknown key 'concurrenc' in poll; did you mean 'concurrency'?\n" +
              f + ":6: feeds[0]: invalid URL 'gopher://example.org/': expected http:// or https://\n" +
              f + ":8: watchlist 'w' has no actors and no regions, so it can never match\n" +
              f + ":9: watchlist 'w' notifies unknown webhook 'nobody'\n" +
              f + ":13: webhooks[0].timeout: expected a duration like 30s, 5m or 2h, got 'soon'");
  }
}

TEST_F(ConfigTest, ExpandsEnvironmentVariablesInSecretsHeadersAndWebhookUrls) {
  ScopedEnv secret("NEWSALERT_TEST_SECRET", "s3cret");
  ScopedEnv token("NEWSALERT_TEST_TOKEN", "tok");
  const Config c = load("webhooks:\n"
                        "  - name: ops\n"
                        "    url: https://hooks.example.org/${NEWSALERT_TEST_TOKEN}\n"
                        "    secret: ${NEWSALERT_TEST_SECRET}\n"
                        "    headers:\n"
                        "      Authorization: Bearer ${NEWSALERT_TEST_TOKEN}-${NEWSALERT_TEST_SECRET}\n");
  EXPECT_EQ(c.webhooks[0].secret, "s3cret");
  EXPECT_EQ(c.webhooks[0].url, "https://hooks.example.org/tok");
  EXPECT_EQ(c.webhooks[0].headers.at("Authorization"), "Bearer tok-s3cret");
}

TEST_F(ConfigTest, ReadsTheAdaptiveSchedule) {
  const Config c = load("poll:\n  interval: 30s\n  max_interval: 2h\n  adaptive: false\n");
  EXPECT_EQ(c.poll.max_interval, 2h);
  EXPECT_FALSE(c.poll.adaptive);
  EXPECT_THAT(errors("state_dir: s\npoll:\n  interval: 10m\n  max_interval: 5m\n  adaptive: maybe\n"),
              ElementsAre("bad.yaml:4: poll.max_interval: must be at least poll.interval (10m), got 5m",
                          "bad.yaml:5: poll.adaptive: expected true or false, got 'maybe'"));
}

TEST_F(ConfigTest, ReadsFeedHeadersAndBasicAuthWithEnvironmentVariables) {
  ScopedEnv user("NEWSALERT_TEST_USER", "reader");
  ScopedEnv password("NEWSALERT_TEST_PASSWORD", "pa:ss");
  const Config c = load("feeds:\n"
                        "  - url: https://paywall.example/rss\n"
                        "    username: ${NEWSALERT_TEST_USER}\n"
                        "    password: ${NEWSALERT_TEST_PASSWORD}\n"
                        "    headers:\n"
                        "      X-Api-Key: key-${NEWSALERT_TEST_USER}\n");
  ASSERT_EQ(c.feeds.size(), 1u);
  EXPECT_EQ(c.feeds[0].username, "reader");
  EXPECT_EQ(c.feeds[0].password, "pa:ss");
  EXPECT_EQ(c.feeds[0].headers.at("X-Api-Key"), "key-reader");
}

TEST_F(ConfigTest, ReportsFeedCredentialProblemsWithoutShowingThem) {
  ScopedEnv password("NEWSALERT_TEST_PASSWORD", "hunter2");
  ::unsetenv("NEWSALERT_X");
  const auto errs = errors("state_dir: s\nfeeds:\n"
                           "  - url: https://a.example/rss\n"
                           "    password: ${NEWSALERT_TEST_PASSWORD}\n"
                           "  - url: https://b.example/rss\n"
                           "    username: u:v\n"
                           "  - url: https://c.example/rss\n"
                           "    username: u\n"
                           "    headers:\n      Authorization: Bearer ${NEWSALERT_TEST_PASSWORD}\n"
                           "  - url: https://d.example/rss\n"
                           "    headers:\n      Bad Header: x\n      X-Key: ${NEWSALERT_X}\n");
  EXPECT_THAT(errs, ElementsAre("bad.yaml:4: feeds[0].password: needs a username",
                                "bad.yaml:6: feeds[1].username: must not contain ':'",
                                "bad.yaml:7: feeds[2]: username/password and an Authorization header are mutually exclusive",
                                "bad.yaml:13: feeds[3].headers: expected an HTTP header name, got 'Bad Header'",
                                "bad.yaml:14: feeds[3].headers.X-Key: environment variable NEWSALERT_X is not set"));
  for (const auto& e : errs) EXPECT_THAT(e, Not(HasSubstr("hunter2")));
}

TEST_F(ConfigTest, ReportsAMissingEnvironmentVariable) {
  ::unsetenv("NEWSALERT_X");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                     "    secret: ${NEWSALERT_X}\n"),
              ElementsAre("bad.yaml:5: webhooks[0].secret: environment variable NEWSALERT_X is not set"));
}

TEST_F(ConfigTest, DecodesAWhsecSecretFromBase64) {
  const Config c = load("webhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                        "    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
  ASSERT_TRUE(c.webhooks[0].secret);
  EXPECT_EQ(c.webhooks[0].secret->size(), 24u);
  EXPECT_EQ(base64_encode(*c.webhooks[0].secret), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
}

TEST_F(ConfigTest, RejectsAWhsecSecretThatIsNotBase64WithoutShowingIt) {
  const auto errs = errors("state_dir: s\nwebhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                           "    secret: whsec_TOPSECRET!!\n");
  EXPECT_THAT(errs, ElementsAre("bad.yaml:5: webhooks[0].secret: the value after 'whsec_' is not valid base64"));
}

TEST_F(ConfigTest, NeverShowsSecretsOrWebhookUrlTokensInErrors) {
  ScopedEnv secret("NEWSALERT_TEST_SECRET", "hunter2\nX");
  const auto errs = errors("state_dir: s\nwebhooks:\n  - name: ops\n"
                           "    url: htps://hooks.slack.com/services/T000/B000/TOPSECRET\n"
                           "    headers:\n      Authorization: ${NEWSALERT_TEST_SECRET}\n");
  EXPECT_THAT(errs, ElementsAre("bad.yaml:4: webhooks[0].url: invalid URL 'htps://hooks.slack.com/...': "
                                "expected http:// or https://",
                                "bad.yaml:6: webhooks[0].headers.Authorization: value must be a single line"));
  for (const auto& e : errs) {
    EXPECT_THAT(e, Not(HasSubstr("TOPSECRET")));
    EXPECT_THAT(e, Not(HasSubstr("hunter2")));
  }
}

TEST_F(ConfigTest, ReadsASecretFileWithoutItsTrailingNewline) {
  write("ops.secret", "from-file\n");
  const Config c = load("webhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                        "    secret_file: ops.secret\n");
  EXPECT_EQ(c.webhooks[0].secret, "from-file");
}

TEST_F(ConfigTest, ReportsAMissingSecretFileAndSecretWithSecretFile) {
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                     "    secret_file: nope.secret\n"),
              ElementsAre("bad.yaml:5: webhooks[0].secret_file '" + (dir_ / "nope.secret").string() +
                          "': No such file or directory"));
  write("ops.secret", "x\n");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                     "    secret: y\n    secret_file: ops.secret\n"),
              ElementsAre("bad.yaml:6: webhooks[0]: secret and secret_file are mutually exclusive"));
}

TEST_F(ConfigTest, ValidatesWebhookFormatAndRetrySchedule) {
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: ops\n    url: https://hooks.example.org/\n"
                     "    format: slak\n    retry:\n      schedule: []\n"),
              ElementsAre("bad.yaml:5: webhooks[0].format: expected json, stdout, slack, discord, teams, ntfy, "
                          "template, email, telegram, matrix, pagerduty, opsgenie, mattermost, pushover or gotify, got 'slak'",
                          "bad.yaml:7: webhooks[0].retry.schedule: must list at least one delay"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - {name: a, format: stdout}\n  - {name: a, format: stdout}\n"),
              ElementsAre("bad.yaml:4: duplicate webhook name 'a' (already used on line 3)"));
}

TEST_F(ConfigTest, ReportsAnUnreadableConfigFile) {
  try {
    load_config(dir_ / "missing.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "missing.yaml").string() + ": cannot read: No such file or directory");
  }
}

TEST(ExampleConfig, LoadsWithoutErrors) {
  const fs::path path = fs::path(NEWSALERT_TEST_DATA_DIR) / "../../config/newsalert.example.yaml";
  Config c;
  try {
    c = load_config(path, false);
  } catch (const ConfigError& e) {
    FAIL() << e.what();
  }
  EXPECT_EQ(c.state_dir.filename(), ".state");
  EXPECT_EQ(c.poll.interval, 5min);
  EXPECT_EQ(c.feeds.size(), 6u);
  ASSERT_EQ(c.watchlists.size(), 1u);
  EXPECT_EQ(c.watchlists[0].name, "iran-israel");
  EXPECT_EQ(c.watchlists[0].require, Require::actor_and_region);
  EXPECT_EQ(c.watchlists[0].actors.size(), 10u);
  EXPECT_TRUE(c.watchlists[0].actors[3].variants);
  EXPECT_EQ(c.watchlists[0].regions.size(), 4u);
  ASSERT_EQ(c.webhooks.size(), 1u);
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::stdout_lines);
}

// `feeds: - opml: FILE`: the OPML file's feeds join the list; its problems are config errors.
namespace {

const std::string kOpmlFixture = std::string(NEWSALERT_TEST_DATA_DIR) + "/opml/subscriptions.opml";

std::vector<std::string> feed_urls(const Config& c) {
  std::vector<std::string> out;
  for (const auto& f : c.feeds) out.push_back(f.url);
  return out;
}

}  // namespace

TEST_F(ConfigTest, OpmlExpandsNestedOutlinesInDocumentOrderOnce) {
  const Config c = load("feeds:\n  - https://first.example/rss\n  - opml: " + kOpmlFixture + "\n", false);
  EXPECT_THAT(feed_urls(c), ElementsAre("https://first.example/rss", "https://wire.example/world/rss.xml",
                                   "https://atom.example/feed.atom", "https://regional.example/rss"));
  EXPECT_EQ(c.feeds[1].title, "Wire World (RSS)");  // title attribute first
  EXPECT_EQ(c.feeds[2].title, "Atom Desk");         // else text
  EXPECT_EQ(c.feeds[3].line, 4);                    // the config line of the opml entry
}

TEST_F(ConfigTest, OpmlIntervalOfTheEntryAppliesToEveryFeedAndPathsAreRelativeToTheConfig) {
  write("subs.opml", "<opml version=\"2.0\"><body><outline xmlUrl=\"https://a.example/rss\"/>"
                     "<outline xmlUrl=\"https://b.example/rss\"/></body></opml>");
  const Config c = load("feeds:\n  - opml: subs.opml\n    interval: 2m\n", false);
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].interval, std::optional<Millis>(2min));
  EXPECT_EQ(c.feeds[1].interval, std::optional<Millis>(2min));
}

TEST_F(ConfigTest, OpmlAMissingFileIsAConfigErrorAtTheEntry) {
  EXPECT_THAT(opml_errors("  - opml: nowhere.opml\n"),
              ElementsAre(AllOf(HasSubstr("newsalert.yaml:3: feeds[0].opml: "), HasSubstr("nowhere.opml: cannot open"))));
}

TEST_F(ConfigTest, OpmlInvalidXmlIsReportedAtTheLineOfTheOpmlFile) {
  write("broken.opml", "<opml>\n<body>\n<outline xmlUrl=\"https://a.example/rss\">\n</body>\n</opml>\n");
  EXPECT_THAT(opml_errors("  - opml: broken.opml\n"), ElementsAre(HasSubstr("broken.opml:4: invalid XML")));
}

TEST_F(ConfigTest, OpmlBadFeedUrlsInTheFileAreErrorsWithTheirLine) {
  write("bad.opml", "<opml><body>\n<outline xmlUrl=\"https://ok.example/rss\"/>\n<outline xmlUrl=\"ftp://x/\"/>\n</body></opml>");
  EXPECT_THAT(opml_errors("  - opml: bad.opml\n"), ElementsAre(HasSubstr("bad.opml:3: invalid xmlUrl 'ftp://x/'")));
}

// `levels` folders inside each other, one per line from line 2, the deepest holding a feed.
std::string nested_opml(int levels) {
  std::string text = "<opml><body>\n";
  for (int i = 1; i < levels; ++i) text += "<outline text=\"folder\">\n";
  text += "<outline xmlUrl=\"https://deep.example/rss\"/>\n";
  for (int i = 1; i < levels; ++i) text += "</outline>";
  return text + "</body></opml>\n";
}

TEST_F(ConfigTest, OpmlOutlinesNestUpTo64Levels) {
  write("deep.opml", nested_opml(64));
  EXPECT_THAT(feed_urls(load("feeds:\n  - opml: deep.opml\n", false)), ElementsAre("https://deep.example/rss"));
  write("deep.opml", nested_opml(65));
  EXPECT_THAT(opml_errors("  - opml: deep.opml\n"), ElementsAre("deep.opml:66: outline nested deeper than 64"));
  // The reader recursed once per level: this overflowed the stack.
  write("deep.opml", nested_opml(200'000));
  EXPECT_THAT(opml_errors("  - opml: deep.opml\n"), ElementsAre("deep.opml:66: outline nested deeper than 64"));
}

TEST_F(ConfigTest, OpmlUrlAndOpmlTogetherAreRefused) {
  EXPECT_THAT(opml_errors("  - opml: x.opml\n    url: https://a.example/\n"),
              ElementsAre(HasSubstr("give either 'url' or 'opml', not both")));
}

TEST_F(ConfigTest, AdminListenerIsOffUnlessConfigured) {
  EXPECT_FALSE(load("").http.has_value());
  const Config v4 = load("http:\n  listen: 127.0.0.1:9464\n");
  ASSERT_TRUE(v4.http.has_value());
  EXPECT_EQ(v4.http->host, "127.0.0.1");
  EXPECT_EQ(v4.http->port, 9464);
  EXPECT_EQ(v4.http->str(), "127.0.0.1:9464");
  const Config v6 = load("http:\n  listen: \"[::1]:9000\"\n");
  EXPECT_EQ(v6.http->host, "::1");
  EXPECT_EQ(v6.http->str(), "[::1]:9000");
  EXPECT_EQ(load("http:\n  listen: localhost:80\n").http->host, "127.0.0.1");
}

TEST_F(ConfigTest, RejectsAnAdminListenAddressThatIsNotIpAndPort) {
  const std::string expected = "http.listen: expected HOST:PORT with an IP address, like 127.0.0.1:9464 or [::1]:9464, got ";
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  listen: 9464\n", false), ElementsAre("bad.yaml:3: " + expected + "'9464'"));
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  listen: example.org:9464\n", false),
              ElementsAre("bad.yaml:3: " + expected + "'example.org:9464'"));
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  listen: 127.0.0.1:70000\n", false),
              ElementsAre("bad.yaml:3: " + expected + "'127.0.0.1:70000'"));
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  listn: 127.0.0.1:1\n", false),
              ElementsAre("bad.yaml:3: unknown key 'listn' in http; did you mean 'listen'?"));
}

TEST_F(ConfigTest, AdminListenerBoundsHaveDefaultsAndCanBeSet) {
  const Config defaults = load("http:\n  listen: 127.0.0.1:9464\n");
  EXPECT_EQ(defaults.http->max_connections, 64);
  EXPECT_EQ(defaults.http->request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults.http->idle_timeout, std::chrono::seconds(15));
  const Config set =
      load("http:\n  max_connections: 8\n  request_timeout: 2s\n  idle_timeout: 500ms\n  listen: 127.0.0.1:9464\n");
  EXPECT_EQ(set.http->str(), "127.0.0.1:9464");
  EXPECT_EQ(set.http->max_connections, 8);
  EXPECT_EQ(set.http->request_timeout, std::chrono::seconds(2));
  EXPECT_EQ(set.http->idle_timeout, std::chrono::milliseconds(500));
}

TEST_F(ConfigTest, RejectsAdminListenerBoundsOutOfRangeOrWithoutAListener) {
  const std::string listen = "state_dir: s\nhttp:\n  listen: 127.0.0.1:9464\n";
  EXPECT_THAT(errors(listen + "  max_connections: 0\n", false),
              ElementsAre("bad.yaml:4: http.max_connections: must be between 1 and 100000, got 0"));
  EXPECT_THAT(errors(listen + "  request_timeout: 10ms\n", false),
              ElementsAre("bad.yaml:4: http.request_timeout: must be at least 100ms, got 10ms"));
  EXPECT_THAT(errors(listen + "  idle_timeout: soon\n", false),
              ElementsAre("bad.yaml:4: http.idle_timeout: expected a duration like 30s, 5m or 2h, got 'soon'"));
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  max_connections: 8\n", false),
              ElementsAre("bad.yaml:3: http: missing required key 'listen' (the admin listener's address)"));
}

TEST_F(ConfigTest, SecretFileExpandsTheCredentialsDirectory) {
  write("ops.secret", "s3cret\n");
  const ScopedEnv credentials("CREDENTIALS_DIRECTORY", dir_.c_str());
  const Config config = load("webhooks:\n  - name: ops\n    url: https://h.example/\n    secret_file: ${CREDENTIALS_DIRECTORY}/ops.secret\n");
  EXPECT_EQ(config.webhooks[0].secret, "s3cret");
}

TEST_F(ConfigTest, ReadsDeliveryTuningAndFormats) {
  const Config c = load(R"yaml(webhooks:
  - name: chat
    url: https://hooks.slack.example/services/T/B/x
    format: slack
    concurrency: 8
    rate: 600/m
    circuit_breaker: {failures: 3, cooldown: 1m}
  - name: custom
    url: https://hooks.example.org/in
    format: template
    template: '{"text": "{{article.title}}"}'
    content_type: application/json
  - name: phone
    url: https://ntfy.example/topic
    format: ntfy
    rate: 2
)yaml");
  ASSERT_EQ(c.webhooks.size(), 3u);
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::slack);
  EXPECT_EQ(c.webhooks[0].concurrency, 8);
  EXPECT_DOUBLE_EQ(c.webhooks[0].rate, 10.0);
  EXPECT_EQ(c.webhooks[0].breaker_failures, 3);
  EXPECT_EQ(c.webhooks[0].breaker_cooldown, 1min);
  EXPECT_EQ(c.webhooks[1].format, WebhookFormat::template_text);
  EXPECT_EQ(c.webhooks[1].template_text, R"({"text": "{{article.title}}"})");
  EXPECT_EQ(c.webhooks[2].format, WebhookFormat::ntfy);
  EXPECT_DOUBLE_EQ(c.webhooks[2].rate, 2.0);
  EXPECT_EQ(c.webhooks[2].concurrency, 4);   // the default
  EXPECT_EQ(c.webhooks[2].breaker_failures, 5);
}

TEST_F(ConfigTest, ReportsBadDeliveryTuning) {
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: a\n    url: https://h.example/\n    rate: fast\n"
                     "    concurrency: 0\n    format: template\n"),
              ElementsAre("bad.yaml:3: webhook 'a': format: template needs a 'template' key",
                          "bad.yaml:5: webhooks[0].rate: expected a rate like 10/s, 600/m or 5/h, got 'fast'",
                          "bad.yaml:6: webhooks[0].concurrency: must be between 1 and 256, got 0"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: a\n    url: https://h.example/\n    format: template\n"
                     "    template: 'x {{article title}}'\n"),
              ElementsAre(HasSubstr("bad.yaml:6: webhooks[0].template: invalid placeholder {{article title}}")));
}

TEST_F(ConfigTest, ReadsStoryThrottleAndQuietHoursPerWatchlist) {
  const Config c = load(R"yaml(watchlists:
  - name: w
    actors: [Hamas]
    stories: {window: 24h, distance: 4, follow_up: 3}
    throttle: {max: 5, per: 1h}
    quiet_hours: 22:00-07:30
  - name: plain
    actors: [Hamas]
)yaml");
  const auto& w = c.watchlists[0];
  EXPECT_EQ(w.stories.window, 24h);
  EXPECT_EQ(w.stories.distance, 4);
  EXPECT_EQ(w.stories.follow_up, 3);
  EXPECT_EQ(w.throttle.max, 5);
  EXPECT_EQ(w.throttle.per, 1h);
  ASSERT_TRUE(w.throttle.quiet_hours);
  EXPECT_EQ(*w.throttle.quiet_hours, std::make_pair(22 * 60, 7 * 60 + 30));
  const auto& plain = c.watchlists[1];
  EXPECT_EQ(plain.stories.window, 48h);
  EXPECT_EQ(plain.stories.distance, 3);
  EXPECT_EQ(plain.throttle.max, 0);
  EXPECT_FALSE(plain.throttle.quiet_hours);
}

TEST_F(ConfigTest, ReportsBadQuietHoursAndThrottle) {
  EXPECT_THAT(errors("state_dir: s\nwatchlists:\n  - name: w\n    actors: [A]\n    quiet_hours: late\n"
                     "    throttle: {max: -1, every: 1h}\n"),
              ElementsAre("bad.yaml:5: watchlists[0].quiet_hours: expected a range of local times like 22:00-07:00, "
                          "got 'late'",
                          "bad.yaml:6: unknown key 'every' in watchlists[0].throttle",
                          "bad.yaml:6: watchlists[0].throttle.max: must be between 0 and 100000, got -1"));
}

TEST_F(ConfigTest, RetentionDefaultsToThirtyDaysAndCanBeOff) {
  EXPECT_EQ(load("").state.retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(load("state:\n  retention: 90d\n").state.retention, std::chrono::hours(24 * 90));
  EXPECT_EQ(load("state:\n  retention: 0s\n").state.retention, Millis(0));
  EXPECT_THAT(errors("state_dir: s\nstate:\n  retention: 5m\n", false),
              ElementsAre("bad.yaml:3: state.retention: must be 0 (keep forever) or at least 1h, got 5m"));
  EXPECT_THAT(errors("state_dir: s\nstate:\n  retension: 5d\n", false),
              ElementsAre("bad.yaml:3: unknown key 'retension' in state; did you mean 'retention'?"));
}

TEST_F(ConfigTest, WebSubNeedsACallbackBaseAndAListener) {
  EXPECT_FALSE(load("").websub.has_value());
  const Config own = load("websub:\n  callback_base: http://public.example/websub/\n  listen: 127.0.0.1:9465\n"
                          "  poll_interval: 30m\n  lease: 1d\n");
  ASSERT_TRUE(own.websub.has_value());
  EXPECT_EQ(own.websub->callback_base, "http://public.example/websub");
  EXPECT_EQ(own.websub->listen->port, 9465);
  EXPECT_EQ(own.websub->poll_interval, std::chrono::minutes(30));
  EXPECT_EQ(own.websub->lease, std::chrono::hours(24));
  const Config shared = load("http:\n  listen: 127.0.0.1:9464\nwebsub:\n  callback_base: https://public.example/cb\n");
  EXPECT_FALSE(shared.websub->listen.has_value());
  EXPECT_EQ(shared.websub->poll_interval, std::chrono::hours(1));
  EXPECT_THAT(errors("state_dir: s\nwebsub:\n  callback_base: http://public.example/websub\n", false),
              ElementsAre("bad.yaml:3: websub: hubs need a listener for their callbacks: set websub.listen or "
                          "http.listen"));
  EXPECT_THAT(errors("state_dir: s\nhttp:\n  listen: 127.0.0.1:1\nwebsub:\n  poll_interval: 1h\n", false),
              ElementsAre("bad.yaml:5: websub: missing required key 'callback_base' (the public URL hubs call back)"));
  EXPECT_THAT(errors("state_dir: s\nwebsub:\n  callback_base: ftp://x\n  listen: 127.0.0.1:1\n", false),
              ElementsAre("bad.yaml:3: websub.callback_base: invalid URL 'ftp://x': expected http:// or https://"));
}

namespace {

std::string repeated(std::string_view part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

// Ten levels of ten aliases of the level before: a few hundred bytes that stand for 10^10 nodes.
std::string billion_laughs() {
  std::string text = "state_dir: s\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string previous = "*lol" + std::to_string(i - 1);
    text += "lol" + std::to_string(i) + ": &lol" + std::to_string(i) + " [" + previous;
    for (int j = 1; j < 10; ++j) text += ", " + previous;
    text += "]\n";
  }
  return text;
}

// Watchlists that share one list of `actors` actors through an alias, each actor with the same
// 99 aliases through another: what the loader walks grows with every watchlist added.
std::string shared_actors(int watchlists, int actors) {
  std::string text = "watchlists:\n  - name: w0\n    regions: [Iran]\n    actors: &actors\n";
  text += "      - name: actor0\n        aliases: &aliases [" + repeated("alias, ", 98) + "alias]\n";
  for (int a = 1; a < actors; ++a) text += "      - {name: actor" + std::to_string(a) + ", aliases: *aliases}\n";
  for (int w = 1; w < watchlists; ++w) text += "  - {name: w" + std::to_string(w) + ", regions: [Iran], actors: *actors}\n";
  return text;
}

}  // namespace

TEST_F(ConfigTest, RefusesYamlNestedDeeperThan64) {
  // The top-level map is the first level, so 63 lists inside `feeds` are the 64th.
  EXPECT_THAT(errors("state_dir: s\nfeeds: " + repeated("[", 63) + repeated("]", 63) + "\n"),
              ElementsAre("bad.yaml:2: feeds[0]: expected a URL or a map with 'url', got a list"));
  EXPECT_THAT(errors("state_dir: s\nfeeds: " + repeated("[", 64) + repeated("]", 64) + "\n"),
              ElementsAre("bad.yaml:2:71: nested deeper than 64"));
  // yaml-cpp refuses 500 levels by itself, but only as "bad file".
  EXPECT_THAT(errors("state_dir: s\nfeeds: " + repeated("[", 5000) + repeated("]", 5000) + "\n"),
              ElementsAre("bad.yaml:2:71: nested deeper than 64"));
  std::string block = "state_dir: s\npoll:\n";
  for (int i = 1; i <= 64; ++i) block += std::string(2 * static_cast<std::size_t>(i), ' ') + "k:\n";
  EXPECT_THAT(errors(block), ElementsAre("bad.yaml:66:129: nested deeper than 64"));
}

TEST_F(ConfigTest, RefusesAliasesThatExpandPast100000Nodes) {
  EXPECT_THAT(errors(billion_laughs()), ElementsAre("bad.yaml:6:63: aliases expand to more than 100000 nodes"));
  // 89 actors name the list of aliases (100 nodes each) and nine watchlists the list of actors
  // (9,361 nodes): 93,149 nodes through aliases. An eleventh watchlist takes it to 102,510.
  const Config c = load(shared_actors(10, 90), false);
  ASSERT_EQ(c.watchlists.size(), 10u);
  EXPECT_EQ(c.watchlists[9].actors.size(), 90u);
  EXPECT_EQ(c.watchlists[9].actors[89].aliases.size(), 99u);
  EXPECT_THAT(errors("state_dir: s\n" + shared_actors(11, 90), false),
              ElementsAre("bad.yaml:106:42: aliases expand to more than 100000 nodes"));
}

TEST_F(ConfigTest, RefusesAnAliasInsideTheNodeItNames) {
  EXPECT_THAT(errors("state_dir: s\nwatchlists: &w [{name: x, actors: *w}]\n"),
              ElementsAre("bad.yaml:2:35: alias refers to a node that contains it"));
}

TEST_F(ConfigTest, ReadsAnActorsContextNotNearAndVariants) {
  const Config c = load(
      "watchlists:\n"
      "  - name: w\n"
      "    actors:\n"
      "      - {name: Mohammed bin Salman, aliases: [MBS], context: [Saudi, crown prince]}\n"
      "      - {name: Islamic State, aliases: [Isis], not_near: [goddess], variants: auto}\n"
      "    require: actor\n",
      false);
  const auto& actors = c.watchlists[0].actors;
  EXPECT_THAT(actors[0].context, ElementsAre("Saudi", "crown prince"));
  EXPECT_FALSE(actors[0].variants);
  EXPECT_THAT(actors[1].not_near, ElementsAre("goddess"));
  EXPECT_TRUE(actors[1].variants);
}

TEST_F(ConfigTest, RejectsBadActorContextAndVariants) {
  EXPECT_THAT(errors("state_dir: s\n"
                     "watchlists:\n"
                     "  - name: w\n"
                     "    actors:\n"
                     "      - {name: A, variants: yes}\n"
                     "      - {name: B, context: []}\n"
                     "      - {name: C, not_near: goddess}\n"
                     "    regions:\n"
                     "      - {name: Iran, variants: auto}\n",
                     false),
              ElementsAre("bad.yaml:5: watchlists[0].actors[0].variants: expected 'auto' or 'none', got 'yes'",
                          "bad.yaml:6: watchlists[0].actors[1].context: must list at least one word",
                          "bad.yaml:7: watchlists[0].actors[2].not_near: expected a list, got 'goddess'",
                          "bad.yaml:9: unknown key 'variants' in watchlists[0].regions[0]"));
}

TEST_F(ConfigTest, ReadsWatchlistLanguagesTaggedAliasesAndOnUpdate) {
  const Config c = load(
      "watchlists:\n"
      "  - name: w\n"
      "    languages: [en, fr]\n"
      "    on_update: true\n"
      "    actors:\n"
      "      - name: Hamas\n"
      "        aliases:\n"
      "          - Harakat al-Muqawama\n"
      "          - {alias: Ha, languages: [en]}\n"
      "      - {name: Hezbollah, aliases: [Hizbullah]}\n"
      "    require: actor\n"
      "  - name: plain\n"
      "    actors: [Iran]\n"
      "    require: actor\n",
      false);
  const auto& w = c.watchlists[0];
  EXPECT_THAT(w.languages, ElementsAre("en", "fr"));
  EXPECT_TRUE(w.on_update);
  EXPECT_THAT(w.actors[0].aliases, ElementsAre("Harakat al-Muqawama", "Ha"));
  ASSERT_EQ(w.actors[0].alias_languages.size(), 2u);
  EXPECT_TRUE(w.actors[0].alias_languages[0].empty());
  EXPECT_THAT(w.actors[0].alias_languages[1], ElementsAre("en"));
  EXPECT_TRUE(w.actors[1].alias_languages.empty());   // untagged aliases cost nothing
  EXPECT_TRUE(c.watchlists[1].languages.empty());
  EXPECT_FALSE(c.watchlists[1].on_update);
}

TEST_F(ConfigTest, RejectsUnknownLanguageCodesAtTheirLine) {
  EXPECT_THAT(errors("state_dir: s\n"
                     "watchlists:\n"
                     "  - name: w\n"
                     "    languages:\n"
                     "      - en\n"
                     "      - english\n"
                     "    on_update: sometimes\n"
                     "    actors:\n"
                     "      - name: Hamas\n"
                     "        aliases:\n"
                     "          - {alias: Ha, languages: [EN]}\n"
                     "          - {languages: [en]}\n"
                     "          - {alias: Hm, languages: []}\n"
                     "    require: actor\n",
                     false),
              ElementsAre("bad.yaml:6: watchlists[0].languages[1]: 'english' is not an ISO 639-1 language code "
                          "(two lower-case letters, like en, fr, zh)",
                          "bad.yaml:7: watchlists[0].on_update: expected true or false, got 'sometimes'",
                          "bad.yaml:11: watchlists[0].actors[0].aliases[0].languages[0]: 'EN' is not an ISO 639-1 "
                          "language code (two lower-case letters, like en, fr, zh)",
                          "bad.yaml:12: watchlists[0].actors[0].aliases[1]: missing required key 'alias'",
                          "bad.yaml:13: watchlists[0].actors[0].aliases[2].languages: must list at least one language"));
}

TEST_F(ConfigTest, EmailWebhookReadsItsAddressesCredentialsAndTlsKeys) {
  ::setenv("NEWSALERT_TEST_SMTP_PASSWORD", "pa ss", 1);
  const Config c = load(
      "webhooks:\n"
      "  - name: desk-mail\n"
      "    format: email\n"
      "    url: smtp://mail.example.org:587\n"
      "    from: \"newsalert <alerts@example.org>\"\n"
      "    to: [desk@example.org, \"Night Desk <night@example.org>\"]\n"
      "    username: alerts\n"
      "    password: ${NEWSALERT_TEST_SMTP_PASSWORD}\n"
      "    ca_file: newsalert.yaml\n");
  ::unsetenv("NEWSALERT_TEST_SMTP_PASSWORD");
  ASSERT_EQ(c.webhooks.size(), 1u);
  const WebhookConfig& h = c.webhooks[0];
  EXPECT_EQ(h.format, WebhookFormat::email);
  EXPECT_EQ(h.url, "smtp://mail.example.org:587");
  EXPECT_EQ(h.email.from, "newsalert <alerts@example.org>");
  EXPECT_THAT(h.email.to, ElementsAre("desk@example.org", "Night Desk <night@example.org>"));
  EXPECT_EQ(h.email.username, "alerts");
  EXPECT_EQ(h.email.password, "pa ss");
  EXPECT_TRUE(h.email.starttls);
  EXPECT_FALSE(h.secret);
}

TEST_F(ConfigTest, EmailPasswordFromASecretFile) {
  write("smtp-password", "from-file\n");
  const Config c = load("webhooks:\n  - name: m\n    format: email\n    url: smtps://mail.example.org\n"
                        "    from: a@example.org\n    to: b@example.org\n    username: u\n"
                        "    secret_file: " + (dir_ / "smtp-password").string() + "\n");
  EXPECT_EQ(c.webhooks[0].email.password, "from-file");
  EXPECT_THAT(c.webhooks[0].email.to, ElementsAre("b@example.org"));
}

TEST_F(ConfigTest, EmailWebhookErrorsNameTheLineAndTheKey) {
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: m\n    format: email\n"),
              ElementsAre("bad.yaml:3: webhook 'm': format: email needs a 'from' address",
                          "bad.yaml:3: webhook 'm': format: email needs a 'to' address",
                          "bad.yaml:3: webhook 'm': missing required key 'url' (or set format: stdout)"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: m\n    format: email\n    url: https://mail.example.org\n"
                     "    from: newsalert\n    to: [desk@example.org, 'a@b, c@d']\n"),
              ElementsAre("bad.yaml:5: webhooks[0].url: invalid URL 'https://mail.example.org': expected smtp:// or smtps://",
                          "bad.yaml:6: webhooks[0].from: expected an address like \"newsalert <alerts@example.org>\", "
                          "got 'newsalert'",
                          "bad.yaml:7: webhooks[0].to[1]: expected an address like \"newsalert <alerts@example.org>\", "
                          "got 'a@b, c@d'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: m\n    format: email\n    url: smtp://mail.example.org\n"
                     "    from: a@example.org\n    to: b@example.org\n    username: u\n    password: p\n    starttls: false\n"),
              ElementsAre("bad.yaml:3: webhook 'm': starttls: false would send the username and password in clear "
                          "text; use smtps:// or drop starttls: false"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: m\n    url: https://example.org/hook\n    to: b@example.org\n"),
              ElementsAre("bad.yaml:5: webhooks[0].to: only used with format: email"));
}

TEST_F(ConfigTest, TelegramWebhookNeedsATokenAndAChat) {
  ::setenv("NEWSALERT_TEST_TG_TOKEN", "123456:ABC-DEF", 1);
  const Config c = load("webhooks:\n  - name: tg\n    format: telegram\n    url: https://api.telegram.org\n"
                        "    token: ${NEWSALERT_TEST_TG_TOKEN}\n    chat_id: \"-1001234567890\"\n");
  ::unsetenv("NEWSALERT_TEST_TG_TOKEN");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::telegram);
  EXPECT_EQ(c.webhooks[0].token, "123456:ABC-DEF");
  EXPECT_EQ(c.webhooks[0].chat_id, "-1001234567890");
  EXPECT_FALSE(c.webhooks[0].secret);
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: tg\n    format: telegram\n    url: https://api.telegram.org\n"),
              ElementsAre("bad.yaml:3: webhook 'tg': format: telegram needs a 'token' (or secret_file)",
                          "bad.yaml:3: webhook 'tg': format: telegram needs a 'chat_id'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: tg\n    format: telegram\n    url: https://api.telegram.org\n"
                     "    token: a/b\n    chat_id: x\n"),
              ElementsAre("bad.yaml:6: webhooks[0].token: expected a bot token like 123456:ABC-DEF..."));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: j\n    url: https://example.org/hook\n    chat_id: x\n"),
              ElementsAre("bad.yaml:5: webhooks[0].chat_id: only used with format: telegram"));
}

TEST_F(ConfigTest, MatrixWebhookNeedsATokenAndARoomId) {
  ::setenv("NEWSALERT_TEST_MATRIX_TOKEN", "syt_abc_123", 1);
  const Config c = load("webhooks:\n  - name: mx\n    format: matrix\n    url: https://matrix.example.org\n"
                        "    token: ${NEWSALERT_TEST_MATRIX_TOKEN}\n    room: \"!desk:example.org\"\n");
  ::unsetenv("NEWSALERT_TEST_MATRIX_TOKEN");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::matrix);
  EXPECT_EQ(c.webhooks[0].token, "syt_abc_123");
  EXPECT_EQ(c.webhooks[0].room, "!desk:example.org");
  EXPECT_TRUE(c.webhooks[0].chat_id.empty());
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: mx\n    format: matrix\n    url: https://matrix.example.org\n"),
              ElementsAre("bad.yaml:3: webhook 'mx': format: matrix needs a 'token' (or secret_file)",
                          "bad.yaml:3: webhook 'mx': format: matrix needs a 'room'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: mx\n    format: matrix\n    url: https://matrix.example.org\n"
                     "    token: \"a b\"\n    room: \"#desk:example.org\"\n    chat_id: x\n"),
              ElementsAre("bad.yaml:6: webhooks[0].token: expected an access token like syt_...",
                          "bad.yaml:7: webhooks[0].room: expected a room id like \"!roomid:example.org\" (the room's "
                          "settings show it; an alias #room:server is not a room id)",
                          "bad.yaml:8: webhooks[0].chat_id: only used with format: telegram"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: j\n    url: https://example.org/hook\n    token: x\n"),
              ElementsAre("bad.yaml:5: webhooks[0].token: only used with format: telegram, matrix, opsgenie, pushover or gotify"));
}

TEST_F(ConfigTest, AChannelTokenFromASecretFileIsCheckedToo) {
  write("matrix-token", "syt_from_file\n");
  const std::string hook = "webhooks:\n  - name: mx\n    format: matrix\n    url: https://matrix.example.org\n"
                           "    secret_file: matrix-token\n    room: \"!desk:example.org\"\n";
  const Config c = load(hook);
  EXPECT_EQ(c.webhooks[0].token, "syt_from_file");
  EXPECT_FALSE(c.webhooks[0].secret);
  write("matrix-token", "two words\n");
  EXPECT_THAT(errors("state_dir: s\n" + hook),
              ElementsAre("bad.yaml:6: webhooks[0].secret_file: expected the file to hold an access token like syt_..."));
}

TEST_F(ConfigTest, PagerDutyWebhookNeedsAnIntegrationKey) {
  const ScopedEnv key("NEWSALERT_TEST_PD_KEY", "e93facc04764012d7bfb002500d5d1a6");
  const Config c = load("webhooks:\n  - name: pd\n    format: pagerduty\n    url: https://events.pagerduty.com\n"
                        "    routing_key: ${NEWSALERT_TEST_PD_KEY}\n");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::pagerduty);
  EXPECT_EQ(c.webhooks[0].token, "e93facc04764012d7bfb002500d5d1a6");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: pd\n    format: pagerduty\n    url: https://events.pagerduty.com\n"),
              ElementsAre("bad.yaml:3: webhook 'pd': format: pagerduty needs a 'routing_key' (or secret_file)"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: pd\n    format: pagerduty\n    url: https://events.pagerduty.com\n"
                     "    routing_key: abc\n    token: x\n"),
              ElementsAre("bad.yaml:6: webhooks[0].routing_key: expected a 32-character integration key (an Events API "
                          "v2 integration's Integration Key)",
                          "bad.yaml:7: webhooks[0].token: only used with format: telegram, matrix, opsgenie, pushover or gotify"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: j\n    url: https://example.org/hook\n    routing_key: x\n"),
              ElementsAre("bad.yaml:5: webhooks[0].routing_key: only used with format: pagerduty"));
}

TEST_F(ConfigTest, OpsgenieWebhookNeedsAnApiKey) {
  const Config c = load("webhooks:\n  - name: og\n    format: opsgenie\n    url: https://api.eu.opsgenie.com\n"
                        "    token: eb243592-faa2-4ba2-a551-1afdf565c889\n");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::opsgenie);
  EXPECT_EQ(c.webhooks[0].token, "eb243592-faa2-4ba2-a551-1afdf565c889");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: og\n    format: opsgenie\n    url: https://api.opsgenie.com\n"),
              ElementsAre("bad.yaml:3: webhook 'og': format: opsgenie needs a 'token' (or secret_file)"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: og\n    format: opsgenie\n    url: https://api.opsgenie.com\n"
                     "    token: \"GenieKey abc\"\n"),
              ElementsAre("bad.yaml:6: webhooks[0].token: expected an API integration key like "
                          "eb243592-faa2-4ba2-a551-1afdf565c889"));
}

TEST_F(ConfigTest, PushoverWebhookNeedsAnApplicationTokenAndAUserKey) {
  const ScopedEnv user("NEWSALERT_TEST_PUSHOVER_USER", "uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
  const Config c = load("webhooks:\n  - name: phone\n    format: pushover\n    url: https://api.pushover.net\n"
                        "    token: azGDORePK8gMaC0QOYAMyEEuzJnyUi\n    user: ${NEWSALERT_TEST_PUSHOVER_USER}\n    priority: -1\n");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::pushover);
  EXPECT_EQ(c.webhooks[0].token, "azGDORePK8gMaC0QOYAMyEEuzJnyUi");
  EXPECT_EQ(c.webhooks[0].user, "uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
  EXPECT_EQ(c.webhooks[0].priority, "-1");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: phone\n    format: pushover\n    url: https://api.pushover.net\n"),
              ElementsAre("bad.yaml:3: webhook 'phone': format: pushover needs a 'token' (or secret_file)",
                          "bad.yaml:3: webhook 'phone': format: pushover needs a 'user'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: phone\n    format: pushover\n    url: https://api.pushover.net\n"
                     "    token: short\n    user: also-short\n    priority: 2\n"),
              ElementsAre("bad.yaml:6: webhooks[0].token: expected an application token of 30 letters and digits",
                          "bad.yaml:7: webhooks[0].user: expected a user or group key of 30 letters and digits",
                          "bad.yaml:8: webhooks[0].priority: expected -2, -1, 0 or 1 (2, emergency, is not offered), got '2'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: j\n    url: https://example.org/hook\n    user: x\n"),
              ElementsAre("bad.yaml:5: webhooks[0].user: only used with format: pushover"));
}

TEST_F(ConfigTest, GotifyWebhookNeedsAnApplicationToken) {
  const Config c = load("webhooks:\n  - {name: gotify, format: gotify, url: https://gotify.example.org, "
                        "token: AbCdEf.GhIjKl1, priority: 8}\n");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::gotify);
  EXPECT_EQ(c.webhooks[0].token, "AbCdEf.GhIjKl1");
  EXPECT_EQ(c.webhooks[0].priority, "8");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: gotify\n    format: gotify\n    url: https://gotify.example.org\n"),
              ElementsAre("bad.yaml:3: webhook 'gotify': format: gotify needs a 'token' (or secret_file)"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: gotify\n    format: gotify\n    url: https://gotify.example.org\n"
                     "    token: \"two words\"\n    priority: 11\n"),
              ElementsAre("bad.yaml:6: webhooks[0].token: expected an application token like AbCdEf.GhIjKl1",
                          "bad.yaml:7: webhooks[0].priority: expected a whole number from 0 to 10, got '11'"));
}

TEST_F(ConfigTest, PagerDutySeverityAndOpsgeniePriorityAreChecked) {
  const Config c = load("webhooks:\n  - {name: pd, format: pagerduty, url: https://events.pagerduty.com, "
                        "routing_key: e93facc04764012d7bfb002500d5d1a6, severity: critical}\n"
                        "  - {name: og, format: opsgenie, url: https://api.opsgenie.com, token: k, priority: P1}\n");
  EXPECT_EQ(c.webhooks[0].priority, "critical");
  EXPECT_EQ(c.webhooks[1].priority, "P1");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: pd\n    format: pagerduty\n    url: https://events.pagerduty.com\n"
                     "    routing_key: e93facc04764012d7bfb002500d5d1a6\n    severity: high\n    priority: P1\n"),
              ElementsAre("bad.yaml:7: webhooks[0].severity: expected critical, error, warning or info, got 'high'",
                          "bad.yaml:8: webhooks[0].priority: only used with format: opsgenie, pushover or gotify"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: og\n    format: opsgenie\n    url: https://api.opsgenie.com\n"
                     "    token: k\n    priority: p1\n"),
              ElementsAre("bad.yaml:7: webhooks[0].priority: expected P1, P2, P3, P4 or P5, got 'p1'"));
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - name: j\n    url: https://example.org/hook\n    severity: info\n"),
              ElementsAre("bad.yaml:5: webhooks[0].severity: only used with format: pagerduty"));
}

TEST_F(ConfigTest, MattermostWebhookIsItsUrl) {
  const Config c = load("webhooks:\n  - {name: mm, format: mattermost, url: https://mm.example.org/hooks/xyz}\n");
  EXPECT_EQ(c.webhooks[0].format, WebhookFormat::mattermost);
  EXPECT_EQ(c.webhooks[0].url, "https://mm.example.org/hooks/xyz");
  EXPECT_THAT(errors("state_dir: s\nwebhooks:\n  - {name: mm, format: mattermost, token: x}\n"),
              ElementsAre("bad.yaml:3: webhooks[0].token: only used with format: telegram, matrix, opsgenie, pushover or gotify",
                          "bad.yaml:3: webhook 'mm': missing required key 'url' (or set format: stdout)"));
}

TEST_F(ConfigTest, FullTextHasADefaultAndEachFeedMayOverrideIt) {
  const Config defaults = load("feeds: [https://example.org/rss]\n");
  EXPECT_FALSE(defaults.full_text.enabled);
  EXPECT_TRUE(defaults.full_text.robots);
  EXPECT_FALSE(defaults.feeds[0].full_text.has_value());
  const Config c = load(
      "full_text:\n  enabled: true\n  robots: false\n  timeout: 5s\n  max_bytes: 1MiB\n  cache_bytes: 8MiB\n"
      "  max_per_poll: 10\n"
      "feeds:\n  - https://example.org/a\n  - url: https://example.org/b\n    full_text: false\n");
  EXPECT_TRUE(c.full_text.enabled);
  EXPECT_FALSE(c.full_text.robots);
  EXPECT_EQ(c.full_text.timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.full_text.max_bytes, 1u << 20);
  EXPECT_EQ(c.full_text.cache_bytes, 8u << 20);
  EXPECT_EQ(c.full_text.max_per_poll, 10);
  EXPECT_FALSE(c.feeds[0].full_text.has_value());
  EXPECT_EQ(c.feeds[1].full_text, std::optional<bool>(false));
}

TEST_F(ConfigTest, FullTextMistakesAreReportedWithTheirLine) {
  EXPECT_THAT(errors("state_dir: s\nfull_text:\n  enabled: sometimes\n  max_per_poll: -1\n  robot: true\n"),
              ElementsAre(HasSubstr("bad.yaml:3:"), HasSubstr("bad.yaml:4:"),
                          "bad.yaml:5: unknown key 'robot' in full_text; did you mean 'robots'?"));
  EXPECT_THAT(errors("state_dir: s\nfeeds:\n  - url: https://example.org/a\n    full_text: yes please\n"),
              ElementsAre(HasSubstr("bad.yaml:4:")));
}
