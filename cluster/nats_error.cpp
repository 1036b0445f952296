// NatsError's message, built from the client's status text and its thread-local last error.
#include "cluster/nats_error.hpp"

#include <nats/nats.h>

#include <fmt/format.h>

namespace newsalert::cluster {

bool NatsError::transient() const noexcept {
  switch (status_) {
    case NATS_TIMEOUT:
    case NATS_NO_RESPONDERS:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NOT_YET_CONNECTED:
      return true;
    default:
      return js_code_ == JSClusterNotAvailErr || js_code_ == JSClusterNotLeaderErr;
  }
}

namespace {

// libnats's last error text for this thread when `code` set it, without the "(file.c:123): "
// that names the library's source line; "" when it says no more than the status's own text.
std::string_view last_error_text(natsStatus code) {
  natsStatus last_status = NATS_OK;
  const char* last = nats_GetLastError(&last_status);
  // The last error is kept until the next one: only the one this status set counts.
  if (last_status != code || last == nullptr) return {};
  std::string_view text(last);
  if (text.starts_with('(')) {
    const auto end = text.find("): ");
    if (end != std::string_view::npos) text.remove_prefix(end + 3);
  }
  return text == natsStatus_GetText(code) ? std::string_view() : text;
}

}  // namespace

void check(int status, std::string_view what, int js_code) {
  if (status == NATS_OK) return;
  const auto code = static_cast<natsStatus>(status);
  std::string message = fmt::format("NATS: {}: {}", what, natsStatus_GetText(code));
  if (const auto detail = last_error_text(code); !detail.empty()) message += fmt::format(" ({})", detail);
  if (js_code != 0) message += fmt::format(" [JetStream {}]", js_code);
  throw NatsError(message, status, js_code);
}

}  // namespace newsalert::cluster
