// An spdlog sink writing one JSON object per line, for log collectors other than journald.
#pragma once

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace newsalert::daemon {

class JsonLogSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JsonLogSink(std::FILE* out) : out_(out) {}

  // {"time":"2024-08-01T12:00:00.123Z","level":"info","message":"...","feed_url":"..."}: the
  // the fields the line was logged with (LogContext) are added with lower-case names.
  static std::string format_line(const spdlog::details::log_msg& msg);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  std::FILE* out_;
};

}  // namespace newsalert::daemon
