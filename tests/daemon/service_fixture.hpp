// Shared set-up for the tests of newsalertd as a service: a feed server, a webhook receiver, a
// config written to a scratch directory, and the admin listener on a free port.
#pragma once

#include "daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsalert::testing {

inline const char* const kServiceRss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Wire World</title><link>http://wire.example/</link>
  <item>
    <title>Hamas leader killed in Tehran, Iran vows response against Israel</title>
    <link>http://wire.example/world/haniyeh</link>
    <guid>wire-1</guid>
    <description>Hamas said its leader was killed in Tehran; Iran blamed Israel.</description>
  </item>
  <item>
    <title>Hezbollah fires rockets from southern Lebanon</title>
    <link>http://wire.example/world/hezbollah</link>
    <guid>wire-2</guid>
    <description>Hezbollah said it targeted positions across the border from Lebanon.</description>
  </item>
</channel></rss>)";

inline const char* const kOtherRss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Desk Two</title><link>http://two.example/</link>
  <item>
    <title>Houthis attack ship off Yemen</title>
    <link>http://two.example/houthis</link>
    <guid>two-1</guid>
    <description>The Houthis claimed an attack off the coast of Yemen.</description>
  </item>
</channel></rss>)";

struct ServiceConfig {
  std::vector<std::string> feeds;        // paths on the test server
  std::string interval = "1s";
  std::string watchlists = R"(  - name: iran-israel
    actors: [Hamas]
    regions: [Iran, Israel]
)";
  std::vector<std::string> hooks{"/hook"};   // webhook paths, named hook0, hook1, ...
  std::string retry = "[0s, 300ms, 300ms]";
  std::uint16_t admin_port = 0;              // 0: no http section
  std::string http_extra = "";               // more lines of the http section, indented by two
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.serve_feed("/wire.rss", kServiceRss);
    server_.serve_feed("/two.rss", kOtherRss);
    server_.serve_webhook("/hook");
  }

  std::string write_config(const ServiceConfig& c) const {
    std::string text = "state_dir: " + (dir_ / "state").string() + "\nnetwork:\n  allow: [127.0.0.0/8]\npoll:\n  interval: " + c.interval +
                       "\n  timeout: 5s\nshutdown_grace: 3s\nfeeds:\n";
    for (const auto& feed : c.feeds) text += "  - url: " + server_.url(feed) + "\n";
    if (c.feeds.empty()) text += "  []\n";
    text += "watchlists:\n" + c.watchlists;
    if (!c.hooks.empty()) {
      text += "webhooks:\n";
      for (std::size_t i = 0; i < c.hooks.size(); ++i)
        text += "  - name: hook" + std::to_string(i) + "\n    url: " + server_.url(c.hooks[i]) +
                "\n    retry:\n      schedule: " + c.retry + "\n";
    }
    if (c.admin_port != 0) text += "http:\n  listen: 127.0.0.1:" + std::to_string(c.admin_port) + "\n" + c.http_extra;
    write_file(config_file(), text);
    return config_file();
  }

  std::string config_file() const { return (dir_ / "newsalert.yaml").string(); }

  TempDir dir_;
  HttpServer server_;
};

}  // namespace newsalert::testing
