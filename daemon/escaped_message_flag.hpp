// The message of a text log line as shown: secrets in URLs hidden, outside text escaped to one line.
#pragma once

#include <spdlog/pattern_formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace newsalert::daemon {

// Installed as %v of the text formats, so no pattern can print a message raw. Feed titles, links
// and server errors reach messages unchanged; this is the one place a text log makes them safe: a
// newline cannot start a forged record (or a "<0>" priority under journald), an escape sequence
// cannot reach the terminal.
class EscapedMessageFlag : public spdlog::custom_flag_formatter {
 public:
  static constexpr char kFlag = 'v';

  // redact_urls_in_text, then escape_for_log.
  static std::string text(std::string_view message);

  void format(const spdlog::details::log_msg& msg, const std::tm& time, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<custom_flag_formatter> clone() const override;
};

}  // namespace newsalert::daemon
