// An spdlog sink sending each line to journald with structured fields (FEED_URL=, WATCHLIST=, ...).
#pragma once

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace newsalert::daemon {

class JournalSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `fallback` receives "<level> message" lines when journald cannot be reached.
  explicit JournalSink(std::FILE* fallback);

  // MESSAGE=, PRIORITY= (syslog numbering), SYSLOG_IDENTIFIER=newsalertd and the fields the line was logged with (LogContext).
  static std::vector<std::string> fields(const spdlog::details::log_msg& msg);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  std::FILE* fallback_;
  bool journald_ = false;
};

}  // namespace newsalert::daemon
