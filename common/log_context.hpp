// Log lines with structured fields (FEED_URL=, WEBHOOK=, ...) passed with each call.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsalert {

struct LogField {
  std::string name;    // as journald receives it (FEED_URL); the JSON format lower-cases it
  std::string value;
};

// The fields a line is logged with. It is a value, not a scope: a coroutine keeps its context in
// its own frame and hands it to each call, so a suspended coroutine lends its fields to nobody and
// contexts cannot remove each other's fields.
class LogContext {
 public:
  LogContext() = default;
  LogContext(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

  // A copy with one more field.
  LogContext with(std::string_view name, std::string_view value) const;
  const std::vector<LogField>& fields() const { return fields_; }

  template <typename... Args>
  void trace(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::trace, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::debug, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::info, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::warn, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::err, format, std::forward<Args>(args)...);
  }

  template <typename... Args>
  void log(spdlog::level::level_enum level, fmt::format_string<Args...> format, Args&&... args) const {
    if (!spdlog::should_log(level)) return;
    write(level, fmt::format(format, std::forward<Args>(args)...));
  }

  // Logs `message` with these fields through the default logger.
  void write(spdlog::level::level_enum level, std::string_view message) const;

  // For sinks: the fields of the line being written on this thread right now; empty for lines
  // logged through spdlog directly.
  static const std::vector<LogField>& current();

 private:
  std::vector<LogField> fields_;
};

// The context of lines about one feed or one webhook.
inline LogContext feed_log(std::string_view feed_url) { return LogContext{{"FEED_URL", feed_url}}; }
inline LogContext webhook_log(std::string_view webhook) { return LogContext{{"WEBHOOK", webhook}}; }

}  // namespace newsalert
