// Builds the default logger for the chosen format.
#include "daemon/log_setup.hpp"

#include "daemon/escaped_message_flag.hpp"
#include "daemon/journal_sink.hpp"
#include "daemon/json_log_sink.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace newsalert::daemon {

namespace {

// journald stamps every line itself; JOURNAL_STREAM says stderr goes there.
void set_text_pattern(spdlog::logger& logger) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<EscapedMessageFlag>(EscapedMessageFlag::kFlag);
  if (std::getenv("JOURNAL_STREAM") != nullptr) formatter->set_pattern("<%l> %v");
  else formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  logger.set_formatter(std::move(formatter));
}

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::text;
  if (name == "json") return LogFormat::json;
  if (name == "journal") return LogFormat::journal;
  return std::nullopt;
}

void setup_logging(LogFormat format, spdlog::level::level_enum level) {
  std::shared_ptr<spdlog::logger> logger;
  switch (format) {
    case LogFormat::text:
      logger = spdlog::stderr_color_mt("newsalertd");
      set_text_pattern(*logger);
      break;
    case LogFormat::json:
      logger = std::make_shared<spdlog::logger>("newsalertd", std::make_shared<JsonLogSink>(stderr));
      break;
    case LogFormat::journal:
      logger = std::make_shared<spdlog::logger>("newsalertd", std::make_shared<JournalSink>(stderr));
      break;
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace newsalert::daemon
