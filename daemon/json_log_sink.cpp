// JSON lines logging.
#include "daemon/json_log_sink.hpp"

#include "common/log_context.hpp"
#include "common/url_redaction.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace newsalert::daemon {

namespace {

std::string timestamp(spdlog::log_clock::time_point t) {
  const auto since_epoch = t.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
  const std::time_t whole = secs.count();
  std::tm tm{};
  gmtime_r(&whole, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

// JSON requires escapes for C0 only; DEL and the C1 controls (U+009B is a CSI to some terminals)
// are escaped too, for whoever reads the file with `tail`. The dump is valid UTF-8, so a 0xc2
// byte always starts a character.
std::string escape_del_and_c1(const std::string& dumped) {
  std::string out;
  out.reserve(dumped.size());
  for (std::size_t i = 0; i < dumped.size(); ++i) {
    const auto c = static_cast<unsigned char>(dumped[i]);
    const auto next = i + 1 < dumped.size() ? static_cast<unsigned char>(dumped[i + 1]) : 0;
    if (c == 0x7f) {
      out += "\\u007f";
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string JsonLogSink::format_line(const spdlog::details::log_msg& msg) {
  nlohmann::ordered_json line;
  line["time"] = timestamp(msg.time);
  const auto level = spdlog::level::to_string_view(msg.level);
  line["level"] = std::string(level.data(), level.size());
  // Control characters are escaped by JSON and below; what is left to hide is secrets in URLs.
  line["message"] = redact_urls_in_text(std::string_view(msg.payload.data(), msg.payload.size()));
  for (const auto& [name, value] : LogContext::current()) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    line[key] = redact_urls_in_text(value);
  }
  // Feed titles and errors may carry broken UTF-8; a replacement character beats a lost line.
  return escape_del_and_c1(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) + "\n";
}

void JsonLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  const std::string line = format_line(msg);
  std::fwrite(line.data(), 1, line.size(), out_);
}

void JsonLogSink::flush_() { std::fflush(out_); }

}  // namespace newsalert::daemon
