// The %v of the text log formats.
#include "daemon/escaped_message_flag.hpp"

#include "common/log_escape.hpp"
#include "common/url_redaction.hpp"

namespace newsalert::daemon {

std::string EscapedMessageFlag::text(std::string_view message) { return escape_for_log(redact_urls_in_text(message)); }

void EscapedMessageFlag::format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) {
  const std::string shown = text(std::string_view(msg.payload.data(), msg.payload.size()));
  dest.append(shown.data(), shown.data() + shown.size());
}

std::unique_ptr<spdlog::custom_flag_formatter> EscapedMessageFlag::clone() const {
  return std::make_unique<EscapedMessageFlag>();
}

}  // namespace newsalert::daemon
