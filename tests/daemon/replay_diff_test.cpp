// `newsalertd replay` on a saved archive against the real daemon polling the same feeds: the same alerts, each once.
#include "alerts/payload.hpp"
#include "daemon_process.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <set>
#include <sstream>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// RFC 822, as RSS writes it; the fresh entries are dated an hour ago so that max_age (2d) lets them through.
std::string rss_date(std::time_t t) {
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return out;
}

std::string item(const std::string& guid, const std::string& link, const std::string& title,
                 const std::string& description, const std::string& date) {
  return "  <item>\n    <title>" + title + "</title>\n    <link>" + link + "</link>\n    <guid isPermaLink=\"false\">" +
         guid + "</guid>\n    <pubDate>" + date + "</pubDate>\n    <description>" + description +
         "</description>\n  </item>\n";
}

std::string rss(const std::string& title, const std::string& items) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n  <title>" + title +
         "</title><link>http://" + title + ".example/</link>\n" + items + "</channel></rss>\n";
}

const char* const kOldDate = "Tue, 14 Jan 2020 08:00:00 GMT";

const std::string kCeasefireLink = "http://news.example/2024/cairo-ceasefire-talks";
const std::string kCeasefireTitle = "Hamas team arrives in Cairo for ceasefire talks";
const std::string kCeasefireLead =
    "Hamas negotiators arrived in Cairo on Thursday for a new round of talks on a ceasefire and the release "
    "of hostages, mediators said, after weeks of stalled contacts and sharp disagreements over the sequence "
    "of a withdrawal and the return of displaced families to the north.";
const std::string kTunnelsLink = "http://desk.example/tunnels-survey";
const std::string kRocketsLink = "http://wire.example/hezbollah-rockets";
const std::string kDronesLink = "http://wire.example/hezbollah-drones";

// What each file of the archive holds, and what it must raise:
//   wire.rss: the ceasefire story (alerts hamas), the same text with a byline under another link after
//             it (a copy), an old Hamas entry (seen, not alerted), a Hamas entry about football (excluded),
//             two Hezbollah stories (the throttled watchlist: the first alerts, the second is held).
//   desk.rss: the ceasefire story under the same link (a copy), a new Hamas story (alerts hamas), an old
//             Hezbollah entry (seen, not alerted).
//   note.txt: one article (alerts hamas in replay only: the daemon polls no files).
//   labels.json, watchlists.yaml: neither feeds nor articles; replay passes over them.
struct Archive {
  std::string wire, desk;
};

Archive archive() {
  const std::string fresh = rss_date(std::time(nullptr) - 3600);
  Archive a;
  a.wire = rss("wire",
               item("wire-1", kCeasefireLink, kCeasefireTitle, kCeasefireLead, fresh) +
                   item("wire-2", "http://mirror.example/cairo-talks-afp", kCeasefireTitle + " (AFP)",
                        kCeasefireLead, fresh) +
                   item("wire-3", "http://wire.example/2020/prisoner-list", "Hamas publishes a list of prisoners",
                        "Hamas published the names of prisoners it wants freed in any exchange, a list that "
                        "officials in several capitals described as a maximalist opening position.",
                        kOldDate) +
                   item("wire-4", "http://wire.example/sport/cup-final", "Hamas official attends football final",
                        "Fans filled the stadium in Doha as a Hamas official watched the football final, which "
                        "went to extra time before a late header decided it.",
                        fresh) +
                   item("wire-5", kRocketsLink, "Hezbollah fires rockets at northern towns",
                        "Hezbollah said it fired dozens of rockets at army positions across the border on Friday "
                        "morning, and sirens sounded in several towns as residents were told to stay near "
                        "shelters until the afternoon.",
                        fresh) +
                   item("wire-6", kDronesLink, "Hezbollah unveils drone workshop in video",
                        "A video released by Hezbollah showed what it called an underground workshop assembling "
                        "drones, the latest in a series of propaganda films analysts read as a warning about "
                        "its reach along the coast.",
                        fresh));
  a.desk = rss("desk",
               item("desk-1", kCeasefireLink, kCeasefireTitle, kCeasefireLead, fresh) +
                   item("desk-2", kTunnelsLink, "Engineers survey Hamas tunnels under the crossing",
                        "Engineers surveyed a network of tunnels that Hamas built beneath the border crossing, and "
                        "the army said demolition would take months because of flooding, collapsed shafts and the "
                        "risk to nearby water pipes.",
                        fresh) +
                   item("desk-3", "http://desk.example/2020/hezbollah-parade", "Hezbollah holds parade",
                        "Hezbollah fighters marched through the southern suburbs in a parade marking the "
                        "anniversary, watched by thousands of supporters.",
                        kOldDate));
  return a;
}

// The alerts the archive's feeds must raise, worked out by hand from the list above.
std::set<std::pair<std::string, std::string>> expected_alerts() {
  const auto id = [](const std::string& watchlist, const std::string& link) {
    newsalert::Article article;
    article.link = link;
    return std::pair{newsalert::alerts::alert_id(watchlist, article), watchlist};
  };
  return {id("hamas", kCeasefireLink), id("hamas", kTunnelsLink), id("hezbollah", kRocketsLink)};
}

class ReplayDiff : public ::testing::Test {
 protected:
  void SetUp() override {
    const Archive files = archive();
    std::filesystem::create_directories(archive_);
    write_file(archive_ / "wire.rss", files.wire);
    write_file(archive_ / "desk.rss", files.desk);
    write_file(archive_ / "note.txt",
               "Hamas official visits Doha for talks on reconstruction funds\n\n"
               "A senior Hamas official met donors in Doha to discuss funds for rebuilding schools and clinics, "
               "and asked for pledges to be paid through the United Nations agencies already working there.\n");
    write_file(archive_ / "labels.json", R"({"wire-1": "hamas", "desk-2": "hamas", "wire-5": "hezbollah"})");
    write_file(archive_ / "watchlists.yaml", "watchlists:\n  - name: hamas\n    actors: [Hamas]\n");
    server_.serve_feed("/wire.rss", files.wire);
    server_.serve_feed("/desk.rss", files.desk);
    server_.serve_webhook("/hook");
    write_file(config_, "state_dir: " + (dir_ / "state").string() + R"(
network:
  allow: [127.0.0.0/8]   # the test server is on loopback, which is refused by default
poll:
  interval: 1s
  adaptive: false
  timeout: 5s
  max_age: 2d
shutdown_grace: 3s
feeds:
  - url: )" + server_.url("/wire.rss") + R"(
  - url: )" + server_.url("/desk.rss") + R"(
watchlists:
  - name: hamas
    actors: [Hamas]
    require: actor
    exclude: [football]
  - name: hezbollah
    actors: [Hezbollah]
    require: actor
    throttle: {max: 1, per: 1h}
webhooks:
  - name: ops
    url: )" + server_.url("/hook") + R"(
    retry:
      schedule: [0s, 300ms, 300ms]
)");
  }

  TempDir dir_;
  std::filesystem::path archive_ = dir_ / "archive";
  std::filesystem::path config_ = dir_ / "newsalert.yaml";
  HttpServer server_;
};

}  // namespace

TEST_F(ReplayDiff, ReplayOfSavedFeedsRaisesWhatTheDaemonDelivers) {
  const auto replay = run_command({"replay", "--json", "--config", config_.string(), archive_.string()});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  std::vector<std::pair<std::string, std::string>> replayed;   // (id, watchlist) of the feeds' alerts
  bool article_file_alerted = false;
  std::istringstream lines(replay.out);
  for (std::string line; std::getline(lines, line);) {
    const json payload = json::parse(line);
    const std::string feed = payload["article"]["feed"]["url"].get<std::string>();
    if (feed.ends_with("/note.txt")) {
      article_file_alerted = payload["watchlist"] == "hamas";
      continue;
    }
    EXPECT_TRUE(feed.ends_with("/wire.rss") || feed.ends_with("/desk.rss")) << feed;
    replayed.emplace_back(payload["id"].get<std::string>(), payload["watchlist"].get<std::string>());
  }
  EXPECT_TRUE(article_file_alerted) << replay.out;
  EXPECT_NE(replay.err.find((archive_ / "labels.json").string()), std::string::npos) << replay.err;
  EXPECT_NE(replay.err.find((archive_ / "watchlists.yaml").string()), std::string::npos) << replay.err;

  const auto expected = expected_alerts();
  DaemonProcess daemon({"run", "--config", config_.string()}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", expected.size(), 20s)) << daemon.err();
  // Two more polls of each feed must not raise anything more.
  const auto wire = server_.count("/wire.rss"), desk = server_.count("/desk.rss");
  ASSERT_TRUE(server_.wait_for("/wire.rss", wire + 2, 15s));
  ASSERT_TRUE(server_.wait_for("/desk.rss", desk + 2, 15s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
  std::vector<std::pair<std::string, std::string>> delivered;
  for (const auto& request : server_.requests("/hook")) {
    const json body = json::parse(request.body);
    EXPECT_EQ(request.header("webhook-id"), body["id"]);
    delivered.emplace_back(request.header("webhook-id"), body["watchlist"].get<std::string>());
  }

  const std::set<std::pair<std::string, std::string>> replayed_set(replayed.begin(), replayed.end());
  const std::set<std::pair<std::string, std::string>> delivered_set(delivered.begin(), delivered.end());
  EXPECT_EQ(replayed.size(), replayed_set.size()) << "replay printed an alert twice:\n" << replay.out;
  EXPECT_EQ(delivered.size(), delivered_set.size()) << "the daemon delivered an alert twice";
  EXPECT_EQ(replayed_set, delivered_set);
  EXPECT_EQ(replayed_set, expected);
  EXPECT_EQ(delivered_set, expected);
}

TEST_F(ReplayDiff, ReplayCountsTheStoriesAThrottledWatchlistHeld) {
  const auto replay = run_command({"replay", "--config", config_.string(), archive_.string()});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("hezbollah: 1 alert, 1 held for a digest"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("hamas: 3 alerts\n"), std::string::npos) << replay.out;
}
