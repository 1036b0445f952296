// The /v1 watchlist API of a running daemon, over real HTTP: tokens and scopes, a watchlist put
// through it alerting on the next story, refusals that change nothing, and writes racing polls.
#include "service_fixture.hpp"

#include "config/watchlist_document.hpp"
#include "tests/support/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* kAdminToken = "admin-token-0123456789abcdef";
constexpr const char* kReadToken = "read-token-0123456789abcdef";

// Desk Two's next story; the one before has left the feed.
const char* const kYemenRss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Desk Two</title><link>http://two.example/</link>
  <item>
    <title>Houthis fire missile at tanker in the Red Sea, Yemen says</title>
    <link>http://two.example/houthis-2</link>
    <guid>two-2</guid>
    <description>Yemen's Houthis said they fired at a tanker.</description>
  </item>
</channel></rss>)";

// docs/api.yaml as JSON, and as the schema its responses are checked with.
const json& api_document() {
  static const json document = [] {
    std::ifstream in(std::string(NEWSALERT_SOURCE_DIR) + "/docs/api.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return newsalert::config::json_of_yaml(text.str());
  }();
  return document;
}

const JsonSchema& api_description() {
  static const JsonSchema description(api_document());
  return description;
}

std::string escape_pointer(std::string token) {
  std::string out;
  for (char c : token) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Fails the test unless docs/api.yaml lists `status` for the route and the body fits its schema.
void expect_documented(const std::string& method, const std::string& target, const ClientResponse& response) {
  std::string route = target.substr(0, target.find('?'));
  if (route.starts_with("/v1/watchlists/")) {
    const std::string rest = route.substr(std::string("/v1/watchlists/").size());
    const auto slash = rest.find('/');
    if (slash == std::string::npos) route = "/v1/watchlists/{name}";
    else if (rest.substr(slash) == "/try") route = "/v1/watchlists/{name}/try";
  }
  if (route.starts_with("/v1/deliveries/")) route = "/v1/deliveries/{id}/retry";
  if (route.starts_with("/v1/feeds/")) route = "/v1/feeds/{name}";
  std::string lower = method;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const json& doc = api_document();
  if (!doc["paths"].contains(route)) return;   // not a route: the generic 404
  std::string pointer = "/paths/" + escape_pointer(route) + "/" + lower + "/responses/" + std::to_string(response.status);
  if (response.status == 405) return;   // a method the route does not have is described by its absence
  ASSERT_TRUE(doc.contains(json::json_pointer(pointer))) << method << " " << route << " " << response.status
                                                          << " is not in docs/api.yaml";
  if (const auto& answer = doc.at(json::json_pointer(pointer)); answer.contains("$ref"))
    pointer = answer["$ref"].get<std::string>().substr(1);
  if (response.header("content-type").starts_with("application/yaml")) {
    EXPECT_TRUE(doc.contains(json::json_pointer(pointer + "/content/application~1yaml")))
        << method << " " << route << " answers YAML, which docs/api.yaml does not say";
    return;
  }
  const std::string schema = pointer + "/content/application~1json/schema";
  if (!doc.contains(json::json_pointer(schema))) {
    EXPECT_TRUE(response.body.empty()) << method << " " << route << " " << response.status;
    return;
  }
  EXPECT_EQ(response.header("content-type"), "application/json");
  const auto problems = api_description().validate_at(schema, json::parse(response.body));
  EXPECT_TRUE(problems.empty()) << method << " " << route << " " << response.status << ": " << problems.front()
                                << "\n" << response.body;
}

class Api : public ServiceTest {
 protected:
  std::uint16_t port_ = free_port();

  ServiceConfig service(bool with_tokens = true) const {
    ServiceConfig config{.feeds = {"/two.rss"}, .admin_port = port_};
    if (with_tokens)
      config.http_extra = std::string("  tokens:\n    - {name: ops, token: ") + kAdminToken +
                          ", scope: admin}\n    - {name: wall, token: " + kReadToken + "}\n";
    return config;
  }

  static Headers bearer(const char* token) { return {{"Authorization", std::string("Bearer ") + token}}; }

  ClientResponse call(const std::string& method, const std::string& target, const std::string& body = {},
                      const char* token = kAdminToken) {
    HttpClient client("127.0.0.1", port_);
    const auto response = client.request(method, target, body, token ? bearer(token) : Headers{});
    if (target.starts_with("/v1/") && response.status != 0) expect_documented(method, target, response);
    return response;
  }

  // Runs write(client, writer, i) kWrites times on each of `writers` threads at once, each thread
  // with its own connection; how many calls returned false.
  int write_at_once(int writers, int writes, const std::function<bool(HttpClient&, int, int)>& write) {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int w = 0; w < writers; ++w)
      threads.emplace_back([&, w] {
        HttpClient client("127.0.0.1", port_, 15s);
        for (int i = 0; i < writes; ++i)
          if (!write(client, w, i)) ++failures;
      });
    for (auto& thread : threads) thread.join();
    return failures;
  }

  std::filesystem::path watchlist_file(const std::string& name) const { return dir_ / "watchlists.d" / (name + ".yaml"); }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

}  // namespace

TEST_F(Api, EveryV1CallNeedsATokenAndOnlyAnAdminTokenWrites) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status").status == 200; }, 15s)) << daemon.err();

  const auto anonymous = call("GET", "/v1/watchlists", "", nullptr);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer realm=\"newsalertd\"");
  EXPECT_EQ(call("GET", "/v1/status", "", nullptr).status, 401);
  EXPECT_EQ(call("GET", "/v1/watchlists", "", "admin-token-0123456789abcdeX").status, 401);
  EXPECT_EQ(call("GET", "/v1/watchlists", "", kReadToken).status, 200);
  const auto read_put = call("PUT", "/v1/watchlists/gulf", R"({"actors": ["IRGC"]})", kReadToken);
  EXPECT_EQ(read_put.status, 403);
  EXPECT_EQ(json::parse(read_put.body)["error"], "token 'wall' may only read (scope: read)");
  EXPECT_FALSE(std::filesystem::exists(watchlist_file("gulf")));
  EXPECT_EQ(call("GET", "/healthz", "", nullptr).status, 200);   // outside /v1, as before

  // The status command sends a configured token itself.
  const auto status = run_command({"status", "--config", config_file()});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(daemon.err().find(kAdminToken), std::string::npos);
  EXPECT_EQ(daemon.err().find(kReadToken), std::string::npos);
}

TEST_F(Api, WithoutTokensTheApiReadsButRefusesToWrite) {
  DaemonProcess daemon({"run", "--config", write_config(service(false))}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status", "", nullptr).status == 200; }, 15s)) << daemon.err();
  const auto list = call("GET", "/v1/watchlists", "", nullptr);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["watchlists"][0]["name"], "iran-israel");
  const auto put = call("PUT", "/v1/watchlists/gulf", R"({"actors": ["IRGC"]})", nullptr);
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(json::parse(put.body)["error"], "the /v1 API is read-only until http.tokens names an admin token");
}

TEST_F(Api, AWatchlistPutThroughTheApiIsWrittenToItsFileAndAlertsOnTheNextStory) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/two.rss", 1, 15s)) << daemon.err();   // two-1 seen; no watchlist wants it

  const auto put = call("PUT", "/v1/watchlists/houthis",
                        R"({"actors": ["Houthis"], "regions": ["Yemen"], "require": "Houthis and region"})");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("location"), "/v1/watchlists/houthis");
  EXPECT_EQ(json::parse(put.body)["actors"], json::parse(R"(["Houthis"])"));
  EXPECT_NE(read(watchlist_file("houthis")).find("require: \"Houthis and region\""), std::string::npos);
  EXPECT_TRUE(daemon.wait_for_log("api: token 'ops' created watchlist 'houthis' (changed: actors, name, regions, require)", 5s))
      << daemon.err();

  const auto got = call("GET", "/v1/watchlists/houthis", "", kReadToken);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(json::parse(got.body), json::parse(put.body));
  const auto list = json::parse(call("GET", "/v1/watchlists").body)["watchlists"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["source"], "config");
  EXPECT_EQ(list[1]["source"], "api");
  EXPECT_EQ(list[1]["defined_in"], watchlist_file("houthis").string());

  // The next story goes to the new watchlist; the one seen before the change does not.
  server_.update_feed("/two.rss", kYemenRss);
  ASSERT_TRUE(eventually([&] { return !server_.requests("/hook").empty(); }, 15s)) << daemon.err();
  std::this_thread::sleep_for(1500ms);
  const auto alerts = server_.requests("/hook");
  ASSERT_EQ(alerts.size(), 1u);
  const json alert = json::parse(alerts[0].body);
  EXPECT_EQ(alert["watchlist"], "houthis");
  EXPECT_EQ(alert["article"]["id"], "two-2");

  // A restart reads the file again; a DELETE removes it.
  EXPECT_EQ(daemon.stop(), 0);
  DaemonProcess again({"run", "--config", config_file()}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/watchlists/houthis").status == 200; }, 15s)) << again.err();
  EXPECT_EQ(call("DELETE", "/v1/watchlists/houthis").status, 204);
  EXPECT_FALSE(std::filesystem::exists(watchlist_file("houthis")));
  EXPECT_EQ(call("GET", "/v1/watchlists/houthis").status, 404);
  EXPECT_TRUE(again.wait_for_log("api: token 'ops' deleted watchlist 'houthis'", 5s)) << again.err();
}

TEST_F(Api, AnInvalidOrReadOnlyWatchlistChangesNothingAndSaysWhereItIsWrong) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status").status == 200; }, 15s)) << daemon.err();

  const auto rule = call("PUT", "/v1/watchlists/gulf", R"({"actors": ["IRGC"], "regions": ["Israel"],
      "require": "IRGC and\n(region or"})");
  ASSERT_EQ(rule.status, 400);
  EXPECT_EQ(json::parse(rule.body), json::parse(R"({"errors": [{"path": "require", "line": 2, "column": 11,
      "message": "expected a term after 'or', got the end"}]})"));

  const auto several = call("PUT", "/v1/watchlists/gulf", R"({"actors": ["IRGC"], "throttle": {"max": -1},
      "notify": ["pager"], "colour": "red"})");
  ASSERT_EQ(several.status, 400);
  std::set<std::string> paths;
  const json errors = json::parse(several.body)["errors"];
  for (const auto& error : errors) paths.insert(error["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"colour", "notify", "throttle.max"})) << several.body;
  EXPECT_NE(several.body.find("must be between 0 and 100000, got -1"), std::string::npos) << several.body;

  const auto not_json = call("PUT", "/v1/watchlists/gulf", "{\"actors\": [\"IRGC\",\n]}");
  ASSERT_EQ(not_json.status, 400);
  EXPECT_EQ(json::parse(not_json.body)["errors"][0]["line"], 2);
  EXPECT_EQ(call("PUT", "/v1/watchlists/gulf", R"(["IRGC"])").status, 400);
  const auto renamed = call("PUT", "/v1/watchlists/gulf", R"({"name": "other", "actors": ["IRGC"]})");
  EXPECT_EQ(json::parse(renamed.body)["errors"][0]["path"], "name");

  const auto main = call("PUT", "/v1/watchlists/iran-israel", R"({"actors": ["IRGC"]})");
  EXPECT_EQ(main.status, 409);
  EXPECT_NE(json::parse(main.body)["error"].get<std::string>().find(config_file() + ":"), std::string::npos);
  EXPECT_EQ(call("DELETE", "/v1/watchlists/iran-israel").status, 409);
  EXPECT_EQ(call("DELETE", "/v1/watchlists/nothing").status, 404);
  EXPECT_EQ(call("POST", "/v1/watchlists/gulf", "{}").status, 405);

  EXPECT_FALSE(std::filesystem::exists(dir_ / "watchlists.d"));
  EXPECT_EQ(call("GET", "/v1/watchlists/gulf").status, 404);
  EXPECT_EQ(daemon.err().find("reloading"), std::string::npos) << daemon.err();

  // The same watchlist written as YAML is placed at the line of the caller's own text.
  const auto yaml = call("PUT", "/v1/watchlists/gulf", "actors: [IRGC]\nrequire: IRGC and (\n");
  EXPECT_EQ(yaml.status, 400);
  HttpClient client("127.0.0.1", port_);
  Headers headers = bearer(kAdminToken);
  headers["Content-Type"] = "application/yaml";
  const auto as_yaml = client.request("PUT", "/v1/watchlists/gulf", "actors: [IRGC]\nrequire: IRGC and (\n", headers);
  ASSERT_EQ(as_yaml.status, 400);
  const json error = json::parse(as_yaml.body)["errors"][0];
  EXPECT_EQ(error["path"], "require");
  EXPECT_EQ(error["line"], 2);
}

TEST_F(Api, ManyWritesWhilePollingLeaveEachWatchlistAsOneWholeWrite) {
  ServiceConfig config = service();
  config.interval = "1s";
  DaemonProcess daemon({"run", "--config", write_config(config)}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status").status == 200; }, 15s)) << daemon.err();

  const int failures = write_at_once(4, 10, [](HttpClient& client, int w, int i) {
    const std::string tag = std::to_string(w) + "x" + std::to_string(i);
    const json body = {{"actors", {"Alpha" + tag, "Beta" + tag}}, {"regions", {"Yemen"}}, {"exclude", {tag}}};
    const auto answer = client.request("PUT", "/v1/watchlists/shared", body.dump(), bearer(kAdminToken));
    return answer.status == 200 || answer.status == 201;
  });
  EXPECT_EQ(failures, 0);

  // Whatever write came last, the watchlist is that write alone, in the API and in its file.
  const json last = json::parse(call("GET", "/v1/watchlists/shared").body);
  const std::string tag = last["exclude"][0];
  EXPECT_EQ(last["actors"], json::array({"Alpha" + tag, "Beta" + tag}));
  EXPECT_NE(read(watchlist_file("shared")).find("Alpha" + tag), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "watchlists.d"), {}), 1);   // no temporary left
  EXPECT_TRUE(daemon.running());
}

// Changes are checked and written on worker threads and reloaded one at a time: each answer goes
// out once the daemon runs on that change, and none undoes another.
TEST_F(Api, ConcurrentCreationsAreEachRunningWhenTheirAnswerComes) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status").status == 200; }, 15s)) << daemon.err();

  constexpr int kWriters = 3, kWrites = 5;
  const int failures = write_at_once(kWriters, kWrites, [](HttpClient& client, int w, int i) {
    const std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
    const json body = {{"actors", {"Khamenei"}}, {"regions", {"Iran"}}};
    return client.request("PUT", "/v1/watchlists/" + name, body.dump(), bearer(kAdminToken)).status == 201 &&
           client.request("GET", "/v1/watchlists/" + name, "", bearer(kAdminToken)).status == 200;
  });
  EXPECT_EQ(failures, 0);
  const json listed = json::parse(call("GET", "/v1/watchlists").body)["watchlists"];
  EXPECT_EQ(listed.size(), 1u + kWriters * kWrites) << listed.dump();
  EXPECT_NE(daemon.err().find("reloaded"), std::string::npos);
  EXPECT_TRUE(daemon.running());
}

TEST_F(Api, RecentAlertsShowEachWebhooksStateAndADeadLetterIsSentAgainThroughTheApi) {
  server_.serve_webhook("/hook", {Response{400, {}, "rejected"}}, Response{200, {}, "ok"});
  ServiceConfig config = service();
  config.feeds = {"/wire.rss"};
  DaemonProcess daemon({"run", "--config", write_config(config)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();   // a 400: straight to the dead letters

  json alerts;
  ASSERT_TRUE(eventually([&] {
    alerts = json::parse(call("GET", "/v1/alerts?watchlist=iran-israel&since=1h", "", kReadToken).body)["alerts"];
    return alerts.size() == 1 && alerts[0]["deliveries"].size() == 1 && alerts[0]["deliveries"][0]["state"] == "dead";
  }, 15s)) << alerts.dump();
  const json alert = alerts[0];
  EXPECT_EQ(alert["title"], "Hamas leader killed in Tehran, Iran vows response against Israel");
  EXPECT_EQ(alert["state"], "alerted");
  const json dead = alert["deliveries"][0];
  EXPECT_EQ(dead["webhook"], "hook0");
  EXPECT_EQ(dead["attempts"], 1);
  EXPECT_NE(dead["last_error"].get<std::string>().find("400"), std::string::npos) << dead.dump();
  EXPECT_TRUE(json::parse(call("GET", "/v1/alerts?watchlist=nothing").body)["alerts"].empty());
  EXPECT_EQ(call("GET", "/v1/alerts?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/v1/alerts?since=soon").status, 400);
  // What matched, for the console to highlight.
  EXPECT_EQ(alert["actors"][0]["name"], "Hamas") << alert.dump();
  EXPECT_FALSE(alert["regions"].empty());
  ASSERT_FALSE(alert["snippets"].empty());
  EXPECT_NE(alert["snippets"][0].get<std::string>().find("Hamas"), std::string::npos) << alert.dump();

  // The dead letter as the deliveries page lists it.
  const json letters = json::parse(call("GET", "/v1/deliveries", "", kReadToken).body);
  ASSERT_EQ(letters["dead_letters"].size(), 1u) << letters.dump();
  EXPECT_EQ(letters["dead_letters"][0]["id"], dead["id"]);
  EXPECT_EQ(letters["dead_letters"][0]["alert_id"], alert["id"]);
  EXPECT_EQ(letters["dead_letters"][0]["title"], alert["title"]);
  EXPECT_EQ(letters["dead_letters"][0]["webhook"], "hook0");
  EXPECT_TRUE(letters["disabled_webhooks"].empty());
  EXPECT_EQ(call("POST", "/v1/deliveries").status, 405);

  const std::string retry = "/v1/deliveries/" + std::to_string(dead["id"].get<std::int64_t>()) + "/retry";
  EXPECT_EQ(call("POST", retry, "", kReadToken).status, 403);
  EXPECT_EQ(call("POST", "/v1/deliveries/999999/retry").status, 404);
  EXPECT_EQ(call("GET", retry).status, 405);
  const auto retried = call("POST", retry);
  ASSERT_EQ(retried.status, 200) << retried.body;
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s)) << daemon.err();
  const auto hooks = server_.requests("/hook");
  EXPECT_EQ(hooks[1].header("webhook-id"), hooks[0].header("webhook-id"));   // the same alert, again
  ASSERT_TRUE(eventually([&] {
    alerts = json::parse(call("GET", "/v1/alerts").body)["alerts"];
    return alerts.size() == 1 && alerts[0]["deliveries"][0]["state"] == "delivered";
  }, 15s)) << alerts.dump();
  EXPECT_EQ(call("POST", retry).status, 404);   // no longer a dead letter
  EXPECT_TRUE(json::parse(call("GET", "/v1/deliveries").body)["dead_letters"].empty());
  EXPECT_TRUE(daemon.wait_for_log("api: token 'ops' requeued dead letter", 5s));

  const json feeds = json::parse(call("GET", "/v1/feeds", "", kReadToken).body)["feeds"];
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0]["url"], server_.url("/wire.rss"));
  EXPECT_EQ(feeds[0]["last_result"], "updated");
}

TEST_F(Api, ADraftIsTriedOnTheKeptArticlesWithItsExplanationAndNothingIsSaved) {
  ServiceConfig config = service();
  config.feeds = {"/wire.rss", "/two.rss"};
  DaemonProcess daemon({"run", "--config", write_config(config)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s) && server_.wait_for("/two.rss", 1, 15s)) << daemon.err();

  const std::string draft = R"({"actors": ["Hezbollah"], "regions": ["Lebanon"], "since": "1h"})";
  json tried;
  ASSERT_TRUE(eventually([&] {
    tried = json::parse(call("POST", "/v1/watchlists/lebanon/try", draft, kReadToken).body);
    return tried.value("articles_tried", 0) == 3;
  }, 15s)) << tried.dump();
  EXPECT_EQ(tried["since"], "1h");
  EXPECT_EQ(tried["complete"], true);
  ASSERT_EQ(tried["alerts"].size(), 1u) << tried.dump();
  const json& hit = tried["alerts"][0];
  EXPECT_EQ(hit["article"]["title"], "Hezbollah fires rockets from southern Lebanon");
  EXPECT_EQ(hit["article"]["feed"], server_.url("/wire.rss"));
  std::set<std::string> terms;
  for (const auto& o : hit["explanation"]["occurrences"]) terms.insert(o["term"].get<std::string>());
  EXPECT_EQ(terms, (std::set<std::string>{"Hezbollah", "Lebanon"})) << hit.dump();
  EXPECT_FALSE(std::filesystem::exists(watchlist_file("lebanon")));
  EXPECT_EQ(call("GET", "/v1/watchlists/lebanon").status, 404);

  // A watchlist of the config file can be tried as changed; an invalid draft says why.
  const auto changed = call("POST", "/v1/watchlists/iran-israel/try", R"({"actors": ["Houthis"], "regions": ["Yemen"]})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  ASSERT_EQ(json::parse(changed.body)["alerts"].size(), 1u);
  EXPECT_EQ(json::parse(changed.body)["alerts"][0]["article"]["id"], "two-1");
  const auto invalid = call("POST", "/v1/watchlists/lebanon/try", R"({"actors": ["Hezbollah"], "require": "region and"})");
  ASSERT_EQ(invalid.status, 400);
  EXPECT_EQ(json::parse(invalid.body)["errors"][0]["path"], "require");
  EXPECT_EQ(call("POST", "/v1/watchlists/lebanon/try", R"({"actors": ["x"], "since": "lately"})").status, 400);
  EXPECT_EQ(call("POST", "/v1/watchlists/lebanon/try", R"({"actors": ["x"], "since": 3600})").status, 400);
  EXPECT_EQ(call("GET", "/v1/watchlists/lebanon/try").status, 405);
  EXPECT_EQ(call("POST", "/v1/watchlists/lebanon/other", "{}").status, 404);
  // A watchlist may be named "try": it is read and written like any other, by admin tokens only.
  EXPECT_EQ(call("PUT", "/v1/watchlists/try", R"({"actors": ["Hezbollah"]})", kReadToken).status, 403);
  EXPECT_EQ(call("PUT", "/v1/watchlists/try", R"({"actors": ["Hezbollah"]})").status, 201);
  EXPECT_EQ(call("GET", "/v1/watchlists/try", "", kReadToken).status, 200);
  EXPECT_EQ(call("POST", "/v1/watchlists/try/try", R"({"actors": ["Hezbollah"]})", kReadToken).status, 200);
  EXPECT_EQ(server_.requests("/hook").size(), 1u);   // only the config's own Hamas alert was sent
  // (the watchlist "try" came after its Hezbollah story was seen, so it raised nothing)
}

TEST_F(Api, AWatchlistFileIsEditedAsYamlWithItsCommentsAndAnOversizedBodyIsRefused) {
  ServiceConfig config = service();
  config.feeds = {"/wire.rss", "/two.rss"};
  DaemonProcess daemon({"run", "--config", write_config(config)}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s) && server_.wait_for("/two.rss", 1, 15s)) << daemon.err();
  HttpClient client("127.0.0.1", port_);
  Headers yaml = bearer(kAdminToken);
  yaml["Content-Type"] = "application/yaml";
  Headers wants_yaml = bearer(kReadToken);
  wants_yaml["Accept"] = "application/yaml";

  const std::string text = "# the desk's Lebanon list\nactors: [Hezbollah]   # and its aliases, later\nregions: [Lebanon]\n";
  ASSERT_EQ(client.request("PUT", "/v1/watchlists/lebanon", text, yaml).status, 201);
  const auto as_written = client.request("GET", "/v1/watchlists/lebanon", "", wants_yaml);
  ASSERT_EQ(as_written.status, 200);
  expect_documented("GET", "/v1/watchlists/lebanon", as_written);
  EXPECT_EQ(as_written.header("content-type"), "application/yaml; charset=utf-8");
  EXPECT_EQ(as_written.body, text);   // comments and all, for an editor
  const auto from_config = client.request("GET", "/v1/watchlists/iran-israel", "", wants_yaml);
  ASSERT_EQ(from_config.status, 200);
  EXPECT_NE(from_config.body.find("actors:"), std::string::npos) << from_config.body;
  EXPECT_EQ(from_config.body.find("name:"), std::string::npos) << from_config.body;

  // A YAML draft is tried with its window in the query; so is the main file's entry as served.
  json tried;
  ASSERT_TRUE(eventually([&] {
    tried = json::parse(client.request("POST", "/v1/watchlists/lebanon/try?since=1h", text, yaml).body);
    return tried.value("articles_tried", 0) == 3;
  }, 15s)) << tried.dump();
  EXPECT_EQ(tried["since"], "1h");
  ASSERT_EQ(tried["alerts"].size(), 1u);
  EXPECT_EQ(tried["alerts"][0]["article"]["title"], "Hezbollah fires rockets from southern Lebanon");
  const auto retried = client.request("POST", "/v1/watchlists/iran-israel/try", from_config.body, yaml);
  ASSERT_EQ(retried.status, 200) << retried.body;

  const auto oversized = client.request("PUT", "/v1/watchlists/big", "actors: [" + std::string(1 << 20, 'x') + "]", yaml);
  EXPECT_EQ(oversized.status, 413);
  EXPECT_NE(oversized.body.find("over 1048576 bytes"), std::string::npos) << oversized.body;
  EXPECT_FALSE(std::filesystem::exists(watchlist_file("big")));
  EXPECT_EQ(call("GET", "/v1/watchlists/big").status, 404);   // and the listener still answers
}

TEST_F(Api, TheConsoleIsServedAtTheRootAsFilesThatLoadNothingFromElsewhere) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(eventually([&] { return call("GET", "/v1/status").status == 200; }, 15s)) << daemon.err();
  HttpClient client("127.0.0.1", port_);
  const auto page = client.request("GET", "/", "", {});   // the files hold no data: no token needed
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"/console/console.js\" defer>"), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("default-src 'none'; script-src 'self'"), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");

  for (const auto& [file, type] : {std::pair{"console.js", "text/javascript; charset=utf-8"},
                                   std::pair{"console.css", "text/css; charset=utf-8"},
                                   std::pair{"favicon.svg", "image/svg+xml"}}) {
    const auto asset = client.request("GET", std::string("/console/") + file, "", {});
    ASSERT_EQ(asset.status, 200) << file;
    EXPECT_EQ(asset.header("content-type"), type);
    EXPECT_EQ(asset.body, read(std::filesystem::path(NEWSALERT_TEST_DATA_DIR) / "../../console/assets" / file));
    const auto again = client.request("GET", std::string("/console/") + file, "", {{"If-None-Match", asset.header("etag")}});
    EXPECT_EQ(again.status, 304) << file;
    EXPECT_TRUE(again.body.empty());
  }
  EXPECT_EQ(client.request("GET", "/console/../console/console.js", "", {}).status, 404);
  EXPECT_EQ(client.request("GET", "/console/nothing.js", "", {}).status, 404);
  EXPECT_EQ(client.request("POST", "/", "", {}).status, 405);
}

TEST_F(Api, AFeedPutThroughTheApiIsPolledAtOnceAndABrokenOrDuplicateOneChangesNothing) {
  DaemonProcess daemon({"run", "--config", write_config(service())}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/two.rss", 1, 15s)) << daemon.err();
  const auto feed_file = dir_ / "feeds.d" / "wire.yaml";

  const std::string wire = json{{"url", server_.url("/wire.rss")}, {"title", "Wire desk"}, {"interval", "1s"}}.dump();
  EXPECT_EQ(call("PUT", "/v1/feeds/wire", wire, kReadToken).status, 403);
  const auto put = call("PUT", "/v1/feeds/wire", wire);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("location"), "/v1/feeds/wire");
  EXPECT_NE(read(feed_file).find(server_.url("/wire.rss")), std::string::npos);
  EXPECT_TRUE(daemon.wait_for_log("api: token 'ops' created feed 'wire' (" + server_.url("/wire.rss") + ")", 5s));
  // Running before the answer: the new feed's Hamas story reaches the webhook.
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  json feeds;
  ASSERT_TRUE(eventually([&] {
    feeds = json::parse(call("GET", "/v1/feeds", "", kReadToken).body)["feeds"];
    return feeds.size() == 2 && feeds[1].value("last_result", "") == "updated";
  }, 15s)) << feeds.dump();
  EXPECT_EQ(feeds[0]["source"], "config");
  EXPECT_EQ(feeds[1]["source"], "api");
  EXPECT_EQ(feeds[1]["name"], "wire");
  EXPECT_EQ(feeds[1]["title"], "Wire desk");
  EXPECT_EQ(feeds[1]["defined_in"], feed_file.string());
  EXPECT_EQ(json::parse(call("GET", "/v1/feeds/wire", "", kReadToken).body)["title"], "Wire desk");

  // Refused whole, with the loader's reasons; the file and the running feeds stay as they were.
  const auto duplicate = call("PUT", "/v1/feeds/again", json{{"url", server_.url("/two.rss")}}.dump());
  ASSERT_EQ(duplicate.status, 400);
  EXPECT_NE(duplicate.body.find("is also listed in " + config_file()), std::string::npos) << duplicate.body;
  HttpClient client("127.0.0.1", port_);
  Headers yaml = bearer(kAdminToken);
  yaml["Content-Type"] = "application/yaml";
  const auto broken = client.request("PUT", "/v1/feeds/wire", "url: " + server_.url("/wire.rss") + "\ninterval: soon\n", yaml);
  expect_documented("PUT", "/v1/feeds/wire", broken);
  ASSERT_EQ(broken.status, 400);
  EXPECT_EQ(json::parse(broken.body)["errors"][0]["line"], 2) << broken.body;
  EXPECT_EQ(call("PUT", "/v1/feeds/.hidden", wire).status, 400);
  EXPECT_EQ(call("PUT", "/v1/feeds/list", "[1, 2]").status, 400);
  EXPECT_NE(read(feed_file).find("Wire desk"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "feeds.d" / "again.yaml"));

  EXPECT_EQ(call("DELETE", "/v1/feeds/nothing").status, 404);
  EXPECT_EQ(call("DELETE", "/v1/feeds/wire").status, 204);
  EXPECT_FALSE(std::filesystem::exists(feed_file));
  EXPECT_EQ(call("GET", "/v1/feeds/wire").status, 404);
  EXPECT_EQ(json::parse(call("GET", "/v1/feeds").body)["feeds"].size(), 1u);
  EXPECT_TRUE(daemon.wait_for_log("api: token 'ops' deleted feed 'wire'", 5s));
}
