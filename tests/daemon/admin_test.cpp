// The admin listener scraped over a real socket: health, readiness, Prometheus metrics, status JSON.
#include "service_fixture.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace newsalert::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// One sample of the text exposition format: name{labels} value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the exposition text line by line; a line that is neither a comment nor a valid sample
// fails the test, so the output stays parseable by Prometheus.
std::vector<Sample> parse_metrics(const std::string& text, std::map<std::string, std::string>& types) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      types[name] = type;
      continue;
    }
    if (line.starts_with("# HELP ")) continue;
    EXPECT_NE(line[0], '#') << line;
    Sample sample;
    std::size_t pos = line.find_first_of("{ ");
    sample.name = line.substr(0, pos);
    EXPECT_FALSE(sample.name.empty()) << line;
    if (pos != std::string::npos && line[pos] == '{') {
      const std::size_t close = line.find("} ", pos);
      if (close == std::string::npos) {
        ADD_FAILURE() << "unterminated labels: " << line;
        continue;
      }
      std::string labels = line.substr(pos + 1, close - pos - 1);
      while (!labels.empty()) {
        const std::size_t eq = labels.find("=\"");
        const std::size_t end = labels.find('"', eq + 2);
        if (eq == std::string::npos || end == std::string::npos) {
          ADD_FAILURE() << "bad labels: " << line;
          break;
        }
        sample.labels[labels.substr(0, eq)] = labels.substr(eq + 2, end - eq - 2);
        labels = labels.substr(end + 1);
        if (labels.starts_with(",")) labels = labels.substr(1);
      }
      pos = close + 1;
    }
    const std::string value = line.substr(pos + 1);
    try {
      std::size_t used = 0;
      sample.value = value == "+Inf" ? 1e308 : std::stod(value, &used);
      if (value != "+Inf") {
        EXPECT_EQ(used, value.size()) << line;
      }
    } catch (const std::exception&) {
      ADD_FAILURE() << "bad value: " << line;
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

double value_of(const std::vector<Sample>& samples, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
  for (const auto& sample : samples)
    if (sample.name == name && sample.labels == labels) return sample.value;
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

class Admin : public ServiceTest {
 protected:
  std::uint16_t port_ = free_port();
};

}  // namespace

TEST_F(Admin, HealthReadinessMetricsAndStatus) {
  server_.serve_webhook("/hook", {{500, {}, "boom"}});
  // The second feed's first poll comes seconds after the first's (polls are spread out), so the
  // daemon is alive but not ready for a while.
  const auto file = write_config({.feeds = {"/wire.rss", "/two.rss"}, .interval = "1m", .admin_port = port_});
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  HttpClient admin("127.0.0.1", port_);
  ASSERT_TRUE(eventually([&] { return admin.get("/healthz").status == 200; }, 15s)) << daemon.err();
  EXPECT_EQ(admin.get("/healthz").body, "ok\n");

  const auto early = admin.get("/readyz");
  if (server_.count("/two.rss") == 0) {
    EXPECT_EQ(early.status, 503) << early.body;
    EXPECT_NE(early.body.find("not polled yet"), std::string::npos) << early.body;
  }
  ASSERT_TRUE(server_.wait_for("/two.rss", 1, 15s));
  EXPECT_TRUE(eventually([&] { return admin.get("/readyz").status == 200; }, 15s)) << admin.get("/readyz").body;

  // One alert: its first delivery attempt gets a 500, the retry a 200.
  ASSERT_TRUE(server_.wait_for("/hook", 2, 15s)) << daemon.err();
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;
  ASSERT_TRUE(eventually([&] {
    const auto response = admin.get("/metrics");
    types.clear();
    samples = parse_metrics(response.body, types);
    return response.status == 200 &&
           value_of(samples, "newsalert_deliveries_total", {{"webhook", "hook0"}, {"result", "delivered"}}) == 1;
  }, 15s));
  const auto metrics = admin.get("/metrics");
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");

  EXPECT_EQ(types["newsalert_feed_polls_total"], "counter");
  EXPECT_EQ(types["newsalert_feed_poll_duration_seconds"], "histogram");
  EXPECT_EQ(types["newsalert_outbox_pending"], "gauge");
  EXPECT_EQ(value_of(samples, "newsalert_feed_polls_total", {{"result", "updated"}}), 2);
  EXPECT_EQ(value_of(samples, "newsalert_feed_polls_total", {{"result", "failed"}}), 0);
  EXPECT_EQ(value_of(samples, "newsalert_feed_poll_duration_seconds_count"), 2);
  EXPECT_EQ(value_of(samples, "newsalert_feed_poll_duration_seconds_bucket", {{"le", "+Inf"}}), 2);
  double previous = 0;
  for (const auto& sample : samples)
    if (sample.name == "newsalert_feed_poll_duration_seconds_bucket") {
      EXPECT_GE(sample.value, previous) << "buckets are cumulative";
      previous = sample.value;
    }
  EXPECT_EQ(value_of(samples, "newsalert_articles_new_total"), 3);
  EXPECT_EQ(value_of(samples, "newsalert_alerts_total", {{"watchlist", "iran-israel"}}), 1);
  EXPECT_EQ(value_of(samples, "newsalert_deliveries_total", {{"webhook", "hook0"}, {"result", "retry"}}), 1);
  EXPECT_EQ(value_of(samples, "newsalert_deliveries_total", {{"webhook", "hook0"}, {"result", "dead"}}), 0);
  EXPECT_EQ(value_of(samples, "newsalert_outbox_pending"), 0);
  const double now = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch()).count());
  const double last_success =
      value_of(samples, "newsalert_feed_last_success_timestamp_seconds", {{"feed", server_.url("/wire.rss")}});
  EXPECT_GT(last_success, now - 120);
  EXPECT_LE(last_success, now + 1);
  EXPECT_GT(value_of(samples, "process_resident_memory_bytes"), 0);
  EXPECT_GT(value_of(samples, "process_open_fds"), 0);

  const auto status = admin.get("/v1/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.header("content-type"), "application/json");
  const json report = json::parse(status.body);
  EXPECT_EQ(report["ready"], true);
  EXPECT_EQ(report["alerts_total"], 1);
  ASSERT_EQ(report["feeds"].size(), 2u);
  EXPECT_EQ(report["feeds"][0]["url"], server_.url("/wire.rss"));
  EXPECT_EQ(report["feeds"][0]["last_result"], "updated");
  EXPECT_EQ(report["feeds"][0]["error_streak"], 0);
  EXPECT_TRUE(report["feeds"][0]["next_poll"].is_string());

  EXPECT_EQ(admin.get("/nothing").status, 404);
  EXPECT_EQ(admin.post("/metrics", "x").status, 405);
  EXPECT_EQ(daemon.stop(), 0) << daemon.err();
}

TEST_F(Admin, FailingFeedShowsInStatusAndMetrics) {
  const auto file = write_config({.feeds = {"/missing.rss"}, .admin_port = port_});
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  HttpClient admin("127.0.0.1", port_);
  ASSERT_TRUE(server_.wait_for("/missing.rss", 1, 15s));
  json report;
  ASSERT_TRUE(eventually([&] {
    const auto response = admin.get("/v1/status");
    if (response.status != 200) return false;
    report = json::parse(response.body);
    return report["feeds"][0]["error_streak"].get<int>() >= 1;
  }, 15s)) << daemon.err();
  EXPECT_EQ(report["feeds"][0]["last_result"], "failed");
  EXPECT_EQ(report["feeds"][0]["last_error"], "HTTP 404");
  EXPECT_TRUE(report["feeds"][0]["last_success"].is_null());
  std::map<std::string, std::string> types;
  const auto samples = parse_metrics(admin.get("/metrics").body, types);
  EXPECT_GE(value_of(samples, "newsalert_feed_polls_total", {{"result", "failed"}}), 1);
  EXPECT_EQ(value_of(samples, "newsalert_feed_last_success_timestamp_seconds", {{"feed", server_.url("/missing.rss")}}), 0);
  // A tried feed makes the daemon ready even when the poll failed: readiness is about the daemon.
  EXPECT_EQ(admin.get("/readyz").status, 200);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(Admin, TakenPortStopsStartUpWithAClearMessage) {
  HttpServer squatter(port_);
  const auto file = write_config({.feeds = {"/wire.rss"}, .admin_port = port_});
  const auto result = run_command({"run", "--config", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot listen on 127.0.0.1:" + std::to_string(port_) + " (http.listen)"),
            std::string::npos)
      << result.err;
}

TEST_F(Admin, OffUnlessConfigured) {
  const auto file = write_config({.feeds = {"/wire.rss"}});
  DaemonProcess daemon({"run", "--config", file}, dir_.path());
  ASSERT_TRUE(server_.wait_for("/wire.rss", 1, 15s));
  EXPECT_EQ(daemon.err().find("admin listener"), std::string::npos) << daemon.err();
  EXPECT_EQ(daemon.stop(), 0);
}
