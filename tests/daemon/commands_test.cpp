// check, parse and match as a user runs them: exit codes, messages, JSON output.
#include "daemon_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(ParseCommand, PrintsOneJsonObjectPerEntry) {
  const auto result = run_command({"parse", kData + "/wire_rss.xml"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto entries = json_lines(result.out);
  ASSERT_GE(entries.size(), 2u);
  for (const auto& entry : entries)
    for (const char* field : {"feed_title", "id", "title", "link", "published", "updated", "authors", "categories",
                              "summary", "content"})
      EXPECT_TRUE(entry.contains(field)) << field;
  EXPECT_NE(entries[0]["title"].get<std::string>().find("Khamenei"), std::string::npos);
}

TEST(ParseCommand, BrokenFileExits1WithTheReason) {
  TempDir dir;
  write_file(dir / "page.html", "<html><body>not a feed</body></html>");
  const auto result = run_command({"parse", (dir / "page.html").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("page.html"), std::string::npos);
  EXPECT_TRUE(result.out.empty());
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
