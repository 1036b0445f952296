// Where and how the daemon logs: text on stderr (plain under journald), JSON lines, or journald.
#pragma once

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace newsalert::daemon {

enum class LogFormat {
  text,      // stderr; "<level> message" when stderr is the journal (JOURNAL_STREAM), timestamped otherwise
  json,      // stderr; one JSON object per line
  journal,   // sd_journal_send with structured fields; stderr text when journald is not there
};

std::optional<LogFormat> parse_log_format(std::string_view name);

// Installs the default logger.
void setup_logging(LogFormat format, spdlog::level::level_enum level);

}  // namespace newsalert::daemon
