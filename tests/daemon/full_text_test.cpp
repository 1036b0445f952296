// full_text: the real daemon fetches each new entry's page from a loopback site and matches on its main text.
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/json_schema.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string page(const std::string& paragraph) {
  std::string filler;
  for (int i = 0; i < 6; ++i)
    filler += "<p>Diplomats said the talks would continue through the week, and that both sides had agreed "
              "to keep the details private until a joint statement was ready for release.</p>";
  return "<!doctype html><html lang=en><head><title>Story | Wire</title></head><body>"
         "<nav><a href=/>Home</a> <a href=/world>World</a></nav>"
         "<article><h1>Story</h1><p>" + paragraph + "</p>" + filler + "</article>"
         "<aside class=related><a href=/x>Khamenei quiz: how well do you know Israel?</a></aside>"
         "<footer>Copyright</footer></body></html>";
}

std::string rss(const HttpServer& site, const std::string& title, const std::vector<std::string>& paths,
                const std::vector<std::string>& summaries) {
  std::string items;
  for (std::size_t i = 0; i < paths.size(); ++i)
    items += "<item><title>Item " + std::to_string(i) + "</title><link>" + site.url(paths[i]) + "</link><guid>" +
             paths[i] + "</guid><description>" + summaries[i] + "</description></item>";
  return "<rss version=\"2.0\"><channel><title>" + title + "</title>" + items + "</channel></rss>";
}

class FullText : public ::testing::Test {
 protected:
  void SetUp() override {
    site_.serve_feed("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain");
    site_.serve_feed("/world/1", page("Ayatollah Ali Khamenei ordered a direct strike on Israel, officials said."),
                     "text/html");
    site_.route("/world/2", [](const auto&) { return Response{500, {}, "down"}; });
    site_.serve_feed("/private/3", page("Khamenei addressed Israel in a speech."), "text/html");
    site_.serve_feed("/world/4", page("Khamenei spoke of Israel at length."), "text/html");
    site_.serve_feed("/full.rss", rss(site_, "Full", {"/world/1", "/world/2", "/private/3"},
                                      {"Leaders met on Tuesday.", "Hamas leaders threatened Israel.",
                                       "A speech was given."}));
    site_.serve_feed("/short.rss", rss(site_, "Short", {"/world/4"}, {"A long interview."}));
    site_.serve_webhook("/hook");
  }

  std::string config() const {
    const auto file = dir_ / "newsalert.yaml";
    write_file(file, "state_dir: " + (dir_ / "state").string() + R"(
network:
  allow: [127.0.0.0/8]
poll:
  interval: 1s
  adaptive: false
full_text:
  enabled: true
  timeout: 3s
feeds:
  - url: )" + site_.url("/full.rss") + R"(
  - url: )" + site_.url("/short.rss") + R"(
    full_text: false
watchlists:
  - name: iran-israel
    actors:
      - name: Ali Khamenei
        aliases: [Khamenei]
      - Hamas
    regions: [Israel]
webhooks:
  - name: ops
    url: )" + site_.url("/hook") + "\n");
    return file.string();
  }

  TempDir dir_;
  HttpServer site_;
};

}  // namespace

TEST_F(FullText, TheArticlesPageDecidesWhenTheFeedSaysTooLittleAndNothingIsLostWhenItCannotBeHad) {
  DaemonProcess daemon({"run", "--config", config(), "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(site_.wait_for("/hook", 2, 15s)) << daemon.err();
  ASSERT_TRUE(site_.wait_for("/full.rss", site_.count("/full.rss") + 2, 15s));
  ASSERT_TRUE(site_.wait_for("/short.rss", site_.count("/short.rss") + 2, 15s));
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(daemon.stop(), 0) << daemon.err();

  std::map<std::string, json> by_link;
  const auto schema = JsonSchema::load(std::string(NEWSALERT_SOURCE_DIR) + "/docs/webhook-payload.schema.json");
  for (const auto& request : site_.requests("/hook")) {
    const json body = json::parse(request.body);
    EXPECT_EQ(schema.validate(body), std::vector<std::string>{}) << body.dump();
    by_link[body["article"]["link"].get<std::string>()] = body;
  }
  ASSERT_EQ(by_link.size(), 2u) << daemon.err();
  EXPECT_EQ(site_.count("/hook"), 2u) << "one alert per story, whatever the polls";

  // Found only in the page: the excerpt and the snippet come from it; the related box does not.
  const json& fetched = by_link.at(site_.url("/world/1"));
  EXPECT_NE(fetched["article"]["excerpt"].get<std::string>().find("Khamenei ordered a direct strike"), std::string::npos);
  EXPECT_LE(fetched["article"]["excerpt"].get<std::string>().size(), 700u);
  EXPECT_EQ(fetched["article"]["excerpt"].get<std::string>().find("quiz"), std::string::npos);
  EXPECT_NE(fetched["snippets"].dump().find("Khamenei"), std::string::npos);

  // The page failed: the entry is matched on what the feed carried, and carries no excerpt.
  const json& failed = by_link.at(site_.url("/world/2"));
  EXPECT_FALSE(failed["article"].contains("excerpt"));

  // robots.txt keeps /private/ closed; a feed with full_text: false is never fetched.
  EXPECT_EQ(site_.count("/private/3"), 0u);
  EXPECT_EQ(site_.count("/world/4"), 0u);
  EXPECT_NE(daemon.err().find("does not allow fetching"), std::string::npos);
  // Each page once: later polls see the entries as seen and fetch nothing.
  EXPECT_EQ(site_.count("/world/1"), 1u);
  EXPECT_EQ(site_.count("/robots.txt"), 1u);
  EXPECT_NE(daemon.err().find("/world/2 not fetched (HTTP 500)"), std::string::npos) << daemon.err();
}
