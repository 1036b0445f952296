// `newsalertd status` against a running daemon, a stopped one, and a config without http.listen.
#include "service_fixture.hpp"

#include "common/version.hpp"

#include <nlohmann/json.hpp>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {
class Status : public ServiceTest {};
}  // namespace

TEST_F(Status, PrintsATableOfFeeds) {
  const auto file = write_config({.feeds = {"/wire.rss", "/missing.rss"}, .admin_port = free_port()});
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/missing.rss", 1, 15s)) << daemon.err();
  ASSERT_TRUE(server_.wait_for("/hook", 1, 15s)) << daemon.err();

  CommandResult result;
  ASSERT_TRUE(eventually([&] {
    result = run_command({"status", "--config", file});
    return result.exit_code == 0 && result.out.find("1 alerts since start") != std::string::npos;
  }, 15s)) << result.out << result.err;
  EXPECT_NE(result.out.find("newsalertd " + std::string(newsalert::kVersion) + ", up "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(", ready"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("2 feeds (1 failing)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("FEED"), std::string::npos);
  EXPECT_NE(result.out.find("LAST POLL"), std::string::npos);
  std::string wire_row, missing_row;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("/wire.rss") != std::string::npos) wire_row = line;
    if (line.find("/missing.rss") != std::string::npos) missing_row = line;
  }
  // The feed is polled every second: its row shows the first poll's result or a later 304's.
  EXPECT_TRUE(wire_row.find("updated") != std::string::npos || wire_row.find("not_modified") != std::string::npos)
      << result.out;
  EXPECT_NE(missing_row.find("failed"), std::string::npos) << result.out;
  EXPECT_NE(missing_row.find("HTTP 404"), std::string::npos) << result.out;

  const auto as_json = run_command({"status", "--config", file, "--json"});
  EXPECT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out)["feeds"].size(), 2u);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(Status, UnreachableDaemonExits1) {
  const auto port = free_port();
  const auto file = write_config({.feeds = {"/wire.rss"}, .admin_port = port});
  const auto result = run_command({"status", "--config", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot reach the daemon at http://127.0.0.1:" + std::to_string(port) + "/v1/status"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST_F(Status, ConfigWithoutAdminListenerIsAUsageError) {
  const auto file = write_config({.feeds = {"/wire.rss"}});
  const auto result = run_command({"status", "--config", file});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("has no http.listen"), std::string::npos) << result.err;
}

TEST_F(Status, SomethingElseOnThePortIsNotAStatus) {
  HttpServer impostor;
  impostor.route("/v1/status", [](const RecordedRequest&) { return Response{200, {}, R"({"hello": 1})"}; });
  const auto file = write_config({.feeds = {"/wire.rss"}, .admin_port = impostor.port()});
  const auto result = run_command({"status", "--config", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("did not answer with a status report: missing field 'version'"), std::string::npos)
      << result.err;
}
