// journald logging through sd_journal_sendv.
#include "daemon/journal_sink.hpp"

#include "common/log_context.hpp"
#include "common/url_redaction.hpp"
#include "daemon/escaped_message_flag.hpp"

#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <unistd.h>

namespace newsalert::daemon {

namespace {

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

}  // namespace

// sd_journal_send reports success when journald is not running (it drops the entry), so its
// socket is looked for once, up front.
JournalSink::JournalSink(std::FILE* fallback)
    : fallback_(fallback), journald_(::access("/run/systemd/journal/socket", F_OK) == 0) {
  if (!journald_) std::fprintf(fallback_, "<warning> journald is not running; logging to stderr\n");
}

std::vector<std::string> JournalSink::fields(const spdlog::details::log_msg& msg) {
  std::vector<std::string> out;
  // The journal keeps a multi-line MESSAGE intact, but journalctl shows one with an escape
  // sequence as "[blob data]" (or, with --all, sends it to the terminal): it is escaped as in the
  // text format. The other fields are data, like the JSON format's, with secrets in URLs hidden.
  out.push_back("MESSAGE=" + EscapedMessageFlag::text(std::string_view(msg.payload.data(), msg.payload.size())));
  out.push_back("PRIORITY=" + std::to_string(syslog_priority(msg.level)));
  out.push_back("SYSLOG_IDENTIFIER=newsalertd");
  for (const auto& [name, value] : LogContext::current()) out.push_back(name + "=" + redact_urls_in_text(value));
  return out;
}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (journald_) {
    const std::vector<std::string> entries = fields(msg);
    std::vector<iovec> iov;
    iov.reserve(entries.size());
    for (const auto& entry : entries) iov.push_back({const_cast<char*>(entry.data()), entry.size()});
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0) return;
  }
  const auto level = spdlog::level::to_string_view(msg.level);
  const std::string text = EscapedMessageFlag::text(std::string_view(msg.payload.data(), msg.payload.size()));
  std::fprintf(fallback_, "<%.*s> %.*s\n", static_cast<int>(level.size()), level.data(), static_cast<int>(text.size()),
               text.data());
}

void JournalSink::flush_() { std::fflush(fallback_); }

}  // namespace newsalert::daemon
