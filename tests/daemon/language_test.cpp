// Languages end to end: a loopback feed with a French and an English entry, a watchlist for English,
// an actor alias meant for English only, and the alert payload's lang against the schema.
#include "service_fixture.hpp"
#include "tests/support/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Both entries name Hamas and Iran; the French one also has "mars" (March), which is an alias of the
// watched company only in English.
const char* const kBilingualRss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Desk</title><link>http://desk.example/</link><language>en</language>
  <item>
    <title>Hamas and Iran hold talks in Doha as ceasefire hopes grow</title>
    <link>http://desk.example/en/talks</link>
    <guid>en-1</guid>
    <description>Officials from Hamas and Iran met in Doha on Tuesday to discuss a ceasefire, according to
      people familiar with the talks, who said the meeting lasted several hours.</description>
  </item>
  <item>
    <title>Le Hamas et l'Iran discutent à Doha d'un cessez-le-feu</title>
    <link>http://desk.example/fr/pourparlers</link>
    <guid>fr-1</guid>
    <description>Des responsables du Hamas et de l'Iran se sont réunis mardi à Doha pour discuter d'un
      cessez-le-feu, selon des personnes proches des discussions, qui ont duré plusieurs heures.</description>
  </item>
  <item>
    <title>Les ventes de chocolat reculent en mars</title>
    <link>http://desk.example/fr/chocolat</link>
    <guid>fr-2</guid>
    <description>Les ventes de chocolat ont reculé en mars dans les supermarchés français, selon les chiffres
      publiés jeudi par les distributeurs, qui évoquent la hausse des prix du cacao.</description>
  </item>
  <item>
    <title>Mars raises chocolate prices again</title>
    <link>http://desk.example/en/mars</link>
    <guid>en-2</guid>
    <description>The confectionery maker Mars said on Thursday that it would raise prices again this year
      because cocoa has become much more expensive for the company and its competitors.</description>
  </item>
</channel></rss>)";

class Languages : public ServiceTest {};

}  // namespace

TEST_F(Languages, WatchlistLanguagesAndTaggedAliasesDecideAlertsWhichCarryLang) {
  server_.serve_feed("/desk.rss", kBilingualRss);
  ServiceConfig c;
  c.feeds = {"/desk.rss"};
  c.watchlists = R"(  - name: english-only
    actors: [Hamas]
    regions: [Iran]
    languages: [en]
  - name: any-language
    actors: [Hamas]
    regions: [Iran]
  - name: confectioners
    actors:
      - name: Mars Incorporated
        aliases:
          - {alias: Mars, languages: [en]}
    require: actor
)";
  DaemonProcess daemon({"run", "--config", write_config(c), "--log-level", "debug"}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 4, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/desk.rss", server_.count("/desk.rss") + 2, 15s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();

  const JsonSchema schema = JsonSchema::load(std::string(NEWSALERT_SOURCE_DIR) + "/docs/webhook-payload.schema.json");
  std::multiset<std::string> alerts;   // "watchlist lang link"
  for (const auto& request : server_.requests("/hook")) {
    const json body = json::parse(request.body);
    EXPECT_EQ(schema.validate(body), std::vector<std::string>{}) << body.dump();
    alerts.insert(body["watchlist"].get<std::string>() + " " + body["article"]["lang"].get<std::string>() + " " +
                  body["article"]["link"].get<std::string>());
  }
  EXPECT_EQ(alerts, (std::multiset<std::string>{"english-only en http://desk.example/en/talks",
                                                "any-language en http://desk.example/en/talks",
                                                "any-language fr http://desk.example/fr/pourparlers",
                                                "confectioners en http://desk.example/en/mars"}));
}
