// newsalertd: the command line (contract in README: run, check, parse, match; exit codes 0/1/2).
#include "daemon/app.hpp"
#include "daemon/commands.hpp"

#include "config/config.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
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
  check  --config FILE            validate the config; print file:line: message per problem
  parse  FILE|URL...              print each feed entry as one JSON object per line
  match  --config FILE [FILE|-]   match an article, HTML page or feed against the watchlists

options:
  -c, --config FILE     config file (default: /etc/newsalert/newsalert.yaml)
  -l, --log-level LVL   trace, debug, info (default), warn, error
  -h, --help            this help
  -V, --version         print the version

exit codes: 0 success, 1 runtime failure, 2 usage or configuration error
)";

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("newsalertd");
  // journald stamps every line itself; JOURNAL_STREAM says stderr goes there.
  if (std::getenv("JOURNAL_STREAM") != nullptr) logger->set_pattern("<%l> %v");
  else logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "run";
  if (!args.empty() && !args.front().starts_with("-")) {
    command = args.front();
    args.erase(args.begin());
  }
  std::string config_file = "/etc/newsalert/newsalert.yaml";
  std::string log_level = "info";
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
      std::cout << "newsalertd 0.1.0\n";
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
  setup_logging(log_level);

  if (command == "check") return daemon::run_check(config_file, std::cout, std::cerr);
  if (command == "parse") {
    if (positional.empty()) {
      std::cerr << "newsalertd parse: give at least one FILE or URL\n";
      return kExitUsage;
    }
    return daemon::run_parse(positional, std::cout, std::cerr);
  }
  if (command == "match") return daemon::run_match(config_file, positional, std::cout, std::cerr);
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
  try {
    daemon::App app(std::move(config), std::cout);
    return app.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return kExitFailure;
  }
}
