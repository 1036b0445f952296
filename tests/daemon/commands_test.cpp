// check, parse, extract and match as a user runs them: exit codes, messages, JSON output.
#include "daemon_process.hpp"

#include "common/crypto.hpp"
#include "common/version.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace newsalert::testing;
using nlohmann::json;

namespace {

const std::string kData = NEWSALERT_TEST_DATA_DIR;

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

std::string watchlist_config(const TempDir& dir) {
  const auto file = dir / "watch.yaml";
  write_file(file, "state_dir: " + (dir / "state").string() + R"(
feeds: []
watchlists:
  - name: iran-israel
    actors:
      - name: Ali Khamenei
        aliases: [Khamenei]
      - name: IRGC
        aliases: [Revolutionary Guards, IRG]
      - Hamas
    regions: [Iran, Israel]
)");
  return file.string();
}

}  // namespace

TEST(CheckCommand, AcceptsTheExampleConfig) {
  const auto result = run_command({"check", "--config", kData + "/../../config/newsalert.example.yaml"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("OK"), std::string::npos);
}

TEST(CheckCommand, ReportsEachProblemAsFileLineMessageAndExits2) {
  TempDir dir;
  const auto file = (dir / "bad.yaml").string();
  write_file(file, "state_dir: " + (dir / "state").string() + R"(
poll:
  intervall: 5m
feeds:
  - url: ftp://example.org/feed
watchlists:
  - name: w
    actors: [Hamas]
    notify: [nobody]
)");
  const auto result = run_command({"check", "--config", file});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(file + ":3: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("intervall"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(file + ":5: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(file + ":9: "), std::string::npos) << result.err;
}

TEST(CheckCommand, SummarizesTheClusterWithoutItsSecrets) {
  TempDir dir;
  const auto file = (dir / "cluster.yaml").string();
  const std::string text = "state_dir: " + (dir / "state").string() + R"(
cluster:
  nats: [nats://10.0.0.1:4222, tls://nats-2.example:4222]
  node: ${NEWSALERT_TEST_NODE}
  user: newsalert
  password: ${NEWSALERT_TEST_NATS_PASSWORD}
)";
  write_file(file, text);
  ::setenv("NEWSALERT_TEST_NODE", "node-b", 1);
  ::setenv("NEWSALERT_TEST_NATS_PASSWORD", "hunter2", 1);
  const auto result = run_command({"check", "--config", file});
  ::unsetenv("NEWSALERT_TEST_NODE");
  ::unsetenv("NEWSALERT_TEST_NATS_PASSWORD");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\ncluster: node node-b, replicas 3, NATS nats://10.0.0.1:4222, tls://nats-2.example:4222; "
                            "config fingerprint " + newsalert::sha256_hex(text) + "\n"),
            std::string::npos)
      << result.out;
  EXPECT_EQ((result.out + result.err).find("hunter2"), std::string::npos);

  write_file(file, "state_dir: " + (dir / "state").string() + "\ncluster:\n  nats: nats://a:4222\n  token: hunter2\n");
  const auto inline_token = run_command({"check", "--config", file});
  EXPECT_EQ(inline_token.exit_code, 0) << inline_token.err;
  EXPECT_NE(inline_token.out.find("cluster: node "), std::string::npos) << inline_token.out;
  EXPECT_EQ((inline_token.out + inline_token.err).find("hunter2"), std::string::npos);
}

TEST(CheckCommand, MissingFileExits2) {
  const auto result = run_command({"check", "--config", "/nonexistent/newsalert.yaml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("/nonexistent/newsalert.yaml"), std::string::npos);
}

TEST(Usage, UnknownCommandOrOptionExits2) {
  EXPECT_EQ(run_command({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command({"check", "--frob"}).exit_code, 2);
  EXPECT_EQ(run_command({"--help"}).exit_code, 0);
}

TEST(Usage, VersionPrintsTheProjectVersion) {
  const std::string expected = "newsalertd " + std::string(newsalert::kVersion) + "\n";
  for (const char* option : {"--version", "-V"}) {
    const auto result = run_command({option});
    EXPECT_EQ(result.exit_code, 0) << option;
    EXPECT_EQ(result.out, expected) << option;
  }
}

TEST(ParseCommand, PrintsOneJsonObjectPerEntry) {
  const auto result = run_command({"parse", kData + "/wire_rss.xml"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto entries = json_lines(result.out);
  ASSERT_GE(entries.size(), 2u);
  for (const auto& entry : entries)
    for (const char* field : {"feed_title", "id", "title", "link", "published", "updated", "authors", "categories",
                              "summary", "content", "lang"})
      EXPECT_TRUE(entry.contains(field)) << field;
  EXPECT_NE(entries[0]["title"].get<std::string>().find("Khamenei"), std::string::npos);
  EXPECT_EQ(entries[0]["lang"], "en");
}

TEST(ParseCommand, BrokenFileExits1WithTheReason) {
  TempDir dir;
  write_file(dir / "page.html", "<html><body>not a feed</body></html>");
  const auto result = run_command({"parse", (dir / "page.html").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("page.html"), std::string::npos);
  EXPECT_TRUE(result.out.empty());
}

// A story page as sites serve it: the article between a menu, a share box and comments.
const std::string kStoryPage = R"(<!DOCTYPE html><html lang="en"><head><title>Port strike ends - Harbour Times</title>
<meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="2024-05-02T06:00:00Z">
<meta name="author" content="Sam Okafor">
<link rel="canonical" href="../stories/port-strike-ends"></head><body>
<nav class="menu"><a href="/">Home</a> <a href="/ports">Ports</a> <a href="/shipping">Shipping</a></nav>
<article><h1>Port strike ends</h1>
<div class="social-share"><a href="#">Share this story on every network you use</a></div>
<p>Dock workers voted on Wednesday to end the strike that had closed the port for nine days, after the
operator agreed to raise wages, hire more crane drivers and review the night shift rota.</p>
<p>The first ships, held at anchor since last week, were expected to berth on Thursday morning.</p>
</article>
<div id="comments"><p>Reader comment: about time, the shelves in town have been empty for a week now.</p></div>
</body></html>)";

void expect_story(const json& page) {
  EXPECT_EQ(page["title"], "Port strike ends");
  EXPECT_EQ(page["byline"], "Sam Okafor");
  EXPECT_EQ(page["published"], "2024-05-02T06:00:00Z");
  EXPECT_EQ(page["lang"], "en");
  const std::string text = page["text"];
  EXPECT_EQ(text.find("Dock workers voted"), 0u) << text;
  EXPECT_NE(text.find("\n\nThe first ships"), std::string::npos) << text;
  EXPECT_EQ(text.find("Share this story"), std::string::npos) << text;
  EXPECT_EQ(text.find("Reader comment"), std::string::npos) << text;
  EXPECT_EQ(text.find("Shipping"), std::string::npos) << text;
}

TEST(ExtractCommand, PrintsTheArticleOfAFileAsOneJsonObject) {
  TempDir dir;
  write_file(dir / "story.html", kStoryPage);
  const auto result =
      run_command({"extract", "--base-url", "https://harbour.example/news/today/", (dir / "story.html").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto pages = json_lines(result.out);
  ASSERT_EQ(pages.size(), 1u) << result.out;
  EXPECT_EQ(pages[0]["url"], "https://harbour.example/news/stories/port-strike-ends");
  expect_story(pages[0]);
}

TEST(ExtractCommand, FetchesAUrlAndResolvesItsCanonicalLinkAgainstIt) {
  HttpServer server;
  server.route("/ports/today/story", [](const RecordedRequest&) {
    return Response{200, {{"Content-Type", "text/html; charset=utf-8"}}, kStoryPage};
  });
  const auto result = run_command({"extract", server.url("/ports/today/story")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto pages = json_lines(result.out);
  ASSERT_EQ(pages.size(), 1u) << result.out;
  EXPECT_EQ(pages[0]["url"], server.url("/ports/stories/port-strike-ends"));
  expect_story(pages[0]);
  EXPECT_EQ(server.count("/ports/today/story"), 1u);
}

TEST(ExtractCommand, APageWithoutAnArticleHasEmptyTextAndNullFields) {
  TempDir dir;
  write_file(dir / "empty.html", "<html><body><nav><a href=/>Home</a></nav></body></html>");
  const auto result = run_command({"extract", (dir / "empty.html").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto pages = json_lines(result.out);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0]["text"], "");
  EXPECT_TRUE(pages[0]["lang"].is_null());
  EXPECT_TRUE(pages[0]["published"].is_null());
}

TEST(ExtractCommand, FetchFailureExits1AndUsageExits2) {
  HttpServer server;
  server.route("/gone", [](const RecordedRequest&) { return Response{404, {}, "not here"}; });
  TempDir dir;
  write_file(dir / "story.html", kStoryPage);
  const auto failed = run_command({"extract", server.url("/gone"), (dir / "story.html").string()});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("/gone"), std::string::npos) << failed.err;
  EXPECT_EQ(json_lines(failed.out).size(), 1u);  // the other page is still printed
  const auto missing = run_command({"extract", (dir / "nope.html").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(run_command({"extract"}).exit_code, 2);
}

TEST(MatchCommand, MatchesAPlainTextArticle) {
  TempDir dir;
  const auto file = dir / "article.txt";
  write_file(file,
             "Khamenei orders strike\n\nIran's supreme leader said the Revolutionary Guards would answer "
             "Israel after the killing in Tehran. Iraq was not involved.\n");
  const auto result = run_command({"match", "--config", watchlist_config(dir), file.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto matches = json_lines(result.out);
  ASSERT_EQ(matches.size(), 1u) << result.out;
  EXPECT_EQ(matches[0]["watchlist"], "iran-israel");
  for (const char* field : {"article", "actors", "regions", "score", "snippets"}) EXPECT_TRUE(matches[0].contains(field));
  for (const auto& region : matches[0]["regions"]) EXPECT_NE(region["name"], "Iraq");
}

TEST(MatchCommand, ReadsStandardInputAndPrintsNothingWithoutAMatch) {
  TempDir dir;
  const auto result = run_command({"match", "--config", watchlist_config(dir), "-"}, "Cup final in Madrid\nA late goal.");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(MatchCommand, MatchesEveryEntryOfAFeed) {
  TempDir dir;
  const auto result = run_command({"match", "--config", watchlist_config(dir), kData + "/wire_rss.xml"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GE(json_lines(result.out).size(), 1u);
}

TEST(MatchCommand, ExplainShowsHitsClausesAndWhyNot) {
  TempDir dir;
  const auto file = dir / "article.txt";
  write_file(file, "Khamenei speaks on education\n\nThe Supreme Leader addressed seminary teachers.\n");
  const auto result = run_command({"match", "--explain", "--config", watchlist_config(dir), file.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("article \"Khamenei speaks on education\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("watchlist iran-israel: not sent: the rule 'actor and region' did not hold"),
            std::string::npos) << result.out;
  EXPECT_NE(result.out.find("actor Ali Khamenei: \"Khamenei\" in title, +2"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("[not held] actor and region"), std::string::npos) << result.out;
}

TEST(CheckCommand, ReportsRuleErrorsWithTheirColumn) {
  TempDir dir;
  const auto file = (dir / "rule.yaml").string();
  write_file(file, "state_dir: " + (dir / "state").string() + R"(
watchlists:
  - name: w
    actors: [Hamas]
    require: Hamas near/x attack
)");
  const auto result = run_command({"check", "--config", file});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, file + ":5:20: watchlists[0].require: 'near/x': the distance must be a whole number of words "
                               "from 1 to 1000\n");
}

namespace {

// Two rules that overflowed the stack of check, match and run: 8,000 parentheses the parser
// descended into before it could find them unclosed, and 20,000 nots.
std::string deep_rules_config(const TempDir& dir) {
  const auto file = (dir / "deep.yaml").string();
  std::string nots;
  for (int i = 0; i < 20000; ++i) nots += "not ";
  write_file(file, "state_dir: " + (dir / "state").string() + "\nwatchlists:\n  - name: parens\n    actors: [Hamas]\n"
                   "    require: " + std::string(8000, '(') + "Hamas\n  - name: nots\n    actors: [Hamas]\n"
                   "    require: " + nots + "Hamas\n");
  return file;
}

std::string deep_rules_errors(const std::string& file) {
  return file + ":5:78: watchlists[0].require: rule nested deeper than 64\n" +
         file + ":8:14: watchlists[1].require: rule longer than 8192 bytes\n";
}

}  // namespace

TEST(CheckCommand, RefusesRulesNestedTooDeepOrTooLong) {
  TempDir dir;
  const auto file = deep_rules_config(dir);
  const auto result = run_command({"check", "--config", file});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, deep_rules_errors(file));
}

TEST(MatchCommand, RefusesRulesNestedTooDeepOrTooLong) {
  TempDir dir;
  const auto file = deep_rules_config(dir);
  const auto result = run_command({"match", "--config", file, "-"}, "Hamas statement\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, deep_rules_errors(file));
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(RunCommand, RefusesToStartWithRulesNestedTooDeep) {
  TempDir dir;
  const auto file = deep_rules_config(dir);
  const auto result = run_command({"run", "--config", file});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(file + ":5:78: watchlists[0].require: rule nested deeper than 64"), std::string::npos)
      << result.err;
}

// 192.0.2.1 is a documentation address no machine has: nothing is exposed, and start fails to bind
// after the config's warnings are logged.
const char* const kAdminWarning =
    ":3: warning: http.listen: 192.0.2.1:9464 is not a loopback address, so other machines can reach the admin "
    "endpoints; listen on 127.0.0.1 or [::1], or set http.public: true if that is meant";

TEST(CheckCommand, WarnsAboutAnAdminListenerBeyondLoopbackUnlessPublic) {
  TempDir dir;
  const auto file = (dir / "admin.yaml").string();
  const std::string head = "state_dir: " + (dir / "state").string() + "\nhttp:\n  listen: 192.0.2.1:9464\n";
  write_file(file, head);
  const auto result = run_command({"check", "--config", file});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, file + kAdminWarning + "\n");
  write_file(file, head + "  public: true\n");
  const auto on_purpose = run_command({"check", "--config", file});
  EXPECT_EQ(on_purpose.exit_code, 0) << on_purpose.err;
  EXPECT_EQ(on_purpose.err, "");
}

TEST(RunCommand, WarnsAtStartAboutAnAdminListenerBeyondLoopback) {
  TempDir dir;
  const auto file = (dir / "admin.yaml").string();
  write_file(file, "state_dir: " + (dir / "state").string() + "\nhttp:\n  listen: 192.0.2.1:9464\n");
  const auto result = run_command({"run", "--config", file});
  EXPECT_NE(result.err.find(file + kAdminWarning), std::string::npos) << result.err;
}

TEST(ReplayCommand, CountsAlertsPerWatchlistOncePerStory) {
  TempDir dir;
  std::filesystem::create_directories(dir / "archive");
  write_file(dir / "archive" / "a.txt", "Khamenei warns Israel\n\nThe Revolutionary Guards are ready.\n");
  write_file(dir / "archive" / "b.txt", "Cup final in Madrid\n\nA late goal.\n");
  const auto result = run_command({"replay", "--config", watchlist_config(dir), (dir / "archive").string(),
                                   kData + "/wire_rss.xml", kData + "/wire_rss.xml"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("from 4 files"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Khamenei warns Israel"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("Cup final"), std::string::npos) << result.out;
  // The feed read twice raises its alerts once: the count line equals the number of listed alerts.
  const auto at = result.out.find("iran-israel: ");
  ASSERT_NE(at, std::string::npos);
  const int count = std::stoi(result.out.substr(at + 13));
  int listed = 0;
  for (std::size_t p = result.out.find("\n  ", at); p != std::string::npos; p = result.out.find("\n  ", p + 1)) ++listed;
  EXPECT_EQ(count, listed) << result.out;
  EXPECT_GE(count, 2);
}

TEST(ReplayCommand, MissingArchiveExits1AndNoArchiveExits2) {
  TempDir dir;
  auto result = run_command({"replay", "--config", watchlist_config(dir), (dir / "nope.xml").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("nope.xml: cannot open file"), std::string::npos) << result.err;
  result = run_command({"replay", "--config", watchlist_config(dir)});
  EXPECT_EQ(result.exit_code, 2);
}
