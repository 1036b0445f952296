// newsalertd: the command line (contract in README: run, check, parse, extract, match, replay; exit codes 0/1/2).
#include "daemon/app.hpp"
#include "daemon/commands.hpp"
#include "daemon/descriptor_limit.hpp"
#include "daemon/log_setup.hpp"
#include "cluster/connection.hpp"
#include "daemon/cluster_command.hpp"
#include "daemon/status_command.hpp"

#include "common/version.hpp"
#include "config/config.hpp"
#include "config/load_config.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace newsalert;
using daemon::kExitFailure;
using daemon::kExitOk;
using daemon::kExitUsage;

constexpr const char* kUsage = R"(usage: newsalertd [COMMAND] [OPTIONS] [ARGS]

commands:
  run    --config FILE            run the daemon (the default command)
         [--init-state]           accept an existing empty state database as a new state
  check  --config FILE            validate the config; print file:line: message per problem
  parse  FILE|URL...              print each feed entry as one JSON object per line
         [--content-type TYPE]    read files as if served with this Content-Type
         [--base-url URL]         resolve relative links against URL
  extract FILE|URL...             print each page's article (url, title, byline, published,
         [--base-url URL]         lang, text) as one JSON object per line
  match  --config FILE [FILE|-]   match an article, HTML page or feed against the watchlists
         [--explain]              ... and show hits, rule clauses and why a watchlist did not fire
  replay --config FILE ARCHIVE... the alerts each watchlist would have sent for saved feeds,
         [--json]                 article files or directories of them (payloads with --json)
  notify-test --config FILE WEBHOOK
                                  send a sample alert through one webhook now and print
                                  what the far end answered
  status --config FILE [--json]   ask the running daemon (http.listen) for its feeds' state
  deliveries list|retry ID...|retry --all|purge --config FILE
                                  dead letters and disabled webhooks (works beside the daemon)
  cluster import --config FILE STATE_DIR
                                  move a single node's state (STATE_DIR/newsalert.db) into the
                                  cluster the config names, so switching does not alert again

options:
  -c, --config FILE     config file (default: /etc/newsalert/newsalert.yaml)
  -l, --log-level LVL   trace, debug, info (default), warn, error
  --log-format FMT      text (default; no timestamps when stderr is journald), json (one object
                        per line on stderr) or journal (journald with structured fields)
  -h, --help            this help
  -V, --version         print the version

exit codes: 0 success, 1 runtime failure, 2 usage or configuration error
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "run";
  if (!args.empty() && !args.front().starts_with("-")) {
    command = args.front();
    args.erase(args.begin());
  }
  std::string config_file = "/etc/newsalert/newsalert.yaml";
  // replay runs the daemon's pipeline, whose per-match lines would bury its report.
  std::string log_level = command == "replay" ? "warn" : "info";
  std::string content_type;
  std::string base_url;
  bool explain = false;
  std::string log_format = "text";
  bool json_output = false;
  daemon::StartOptions start;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto value = [&](const char* name) -> const std::string* {
      if (i + 1 >= args.size()) {
        std::cerr << "newsalertd: " << name << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return kExitOk;
    } else if (arg == "-V" || arg == "--version") {
      std::cout << "newsalertd " << kVersion << '\n';
      return kExitOk;
    } else if (arg == "-c" || arg == "--config") {
      const auto* v = value("--config");
      if (v == nullptr) return kExitUsage;
      config_file = *v;
    } else if (arg.starts_with("--config=")) {
      config_file = arg.substr(9);
    } else if (arg == "-l" || arg == "--log-level") {
      const auto* v = value("--log-level");
      if (v == nullptr) return kExitUsage;
      log_level = *v;
    } else if (arg == "--content-type") {
      const auto* v = value("--content-type");
      if (v == nullptr) return kExitUsage;
      content_type = *v;
    } else if (arg == "--base-url") {
      const auto* v = value("--base-url");
      if (v == nullptr) return kExitUsage;
      base_url = *v;
    } else if (arg == "--explain" && command == "match") {
      explain = true;
    } else if (arg == "--log-format" || arg.starts_with("--log-format=")) {
      if (arg.starts_with("--log-format=")) {
        log_format = arg.substr(13);
      } else {
        const auto* v = value("--log-format");
        if (v == nullptr) return kExitUsage;
        log_format = *v;
      }
    } else if (arg == "--json" && (command == "status" || command == "replay")) {
      json_output = true;
    } else if (arg == "--init-state" && command == "run") {
      start.init_state = true;
    } else if (command == "deliveries" && arg == "--all") {
      positional.push_back(arg);
    } else if (arg.starts_with("-") && arg != "-") {
      std::cerr << "newsalertd: unknown option '" << arg << "'\n" << kUsage;
      return kExitUsage;
    } else {
      positional.push_back(arg);
    }
  }
  if (spdlog::level::from_str(log_level) == spdlog::level::off && log_level != "off") {
    std::cerr << "newsalertd: unknown log level '" << log_level << "'\n";
    return kExitUsage;
  }
  const auto format = daemon::parse_log_format(log_format);
  if (!format) {
    std::cerr << "newsalertd: unknown log format '" << log_format << "' (text, json or journal)\n";
    return kExitUsage;
  }
  daemon::setup_logging(*format, spdlog::level::from_str(log_level));

  if (command == "check") return daemon::run_check(config_file, std::cout, std::cerr);
  if (command == "notify-test") {
    if (positional.size() != 1) {
      std::cerr << "newsalertd notify-test: give the name of one webhook\n";
      return kExitUsage;
    }
    return daemon::run_notify_test(config_file, positional[0], std::cout, std::cerr);
  }
  if (command == "parse") {
    if (positional.empty()) {
      std::cerr << "newsalertd parse: give at least one FILE or URL\n";
      return kExitUsage;
    }
    return daemon::run_parse(positional, std::cout, std::cerr, content_type, base_url);
  }
  if (command == "extract") {
    if (positional.empty()) {
      std::cerr << "newsalertd extract: give at least one FILE or URL\n";
      return kExitUsage;
    }
    return daemon::run_extract(positional, std::cout, std::cerr, base_url);
  }
  if (command == "match") return daemon::run_match(config_file, positional, std::cout, std::cerr, explain);
  if (command == "replay") return daemon::run_replay(config_file, positional, std::cout, std::cerr, json_output);
  if (command == "status") return daemon::run_status(config_file, json_output, std::cout, std::cerr);
  if (command == "deliveries" || command == "cluster") {
    const int status = command == "cluster" ? daemon::run_cluster(config_file, positional, std::cout, std::cerr)
                                            : daemon::run_deliveries(config_file, positional, std::cout, std::cerr);
    cluster::close_nats_library();
    return status;
  }
  if (command != "run") {
    std::cerr << "newsalertd: unknown command '" << command << "'\n" << kUsage;
    return kExitUsage;
  }
  if (!positional.empty()) {
    std::cerr << "newsalertd run: unexpected argument '" << positional.front() << "'\n";
    return kExitUsage;
  }
  config::Config config;
  try {
    config = config::load_config(config_file);
  } catch (const config::ConfigError& e) {
    for (const auto& diagnostic : e.diagnostics()) spdlog::critical("{}", diagnostic.str());
    return kExitUsage;
  }
  for (const auto& warning : config.warnings) spdlog::warn("{}", warning.str());
  daemon::raise_descriptor_limit();
  const bool clustered = config.cluster.has_value();
  int status = kExitFailure;
  try {
    daemon::App app(std::move(config), std::cout, start);
    status = app.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
  }
  // libnats's threads and buffers go before exit (after TLS, libnats 3.4.1 otherwise crashes there).
  if (clustered) cluster::close_nats_library();
  return status;
}
