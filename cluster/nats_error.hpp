// What the NATS C client or a JetStream server refused, as one exception type.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace newsalert::cluster {

class NatsError : public std::runtime_error {
 public:
  NatsError(const std::string& message, int status, int js_code)
      : std::runtime_error(message), status_(status), js_code_(js_code) {}
  // The client's natsStatus.
  int status() const noexcept { return status_; }
  // The JetStream server's error code (jsErrCode, e.g. 10059 stream not found), 0 when none.
  int js_code() const noexcept { return js_code_; }
  // No answer in time, no server connected, or no leader for the stream yet: the same call may
  // succeed a moment later (a publish is then repeated with the same message id).
  bool transient() const noexcept;

 private:
  int status_;
  int js_code_;
};

// Throws NatsError when `status` (a natsStatus) is not NATS_OK. The message names `what` was
// attempted, the status's text, the client's last error text for this thread and the JetStream
// code: "NATS: cannot create stream ALERTS: Error (insufficient resources) [JetStream 10023]".
void check(int status, std::string_view what, int js_code = 0);

}  // namespace newsalert::cluster
