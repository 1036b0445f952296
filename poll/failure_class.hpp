// Why a poll failed, as a small closed set with stable names for log lines and metric labels.
#pragma once

#include "net/http_client.hpp"

#include <string_view>

namespace newsalert::poll {

enum class FailureClass {
  none,
  dns,          // the host name did not resolve
  connect,      // connection refused or unreachable
  timeout,      // no complete answer within poll.timeout
  tls,          // handshake or certificate failure
  blocked,      // the address is loopback, private, link-local... and not in an allow list
  network,      // any other transport failure (reset, malformed response...)
  too_large,    // the body outgrew poll.max_bytes
  redirect,     // a redirect loop, too many hops, or a redirect without a usable Location
  http_4xx,     // 4xx, including 429
  http_5xx,     // 5xx, including 503
  not_a_feed,   // a 2xx whose body is not a feed
};

// "dns", "connect", "timeout", "tls", "blocked", "network", "too_large", "redirect", "http_4xx", "http_5xx",
// "not_a_feed" ("none" for none). Stable: logs and metrics are searched by these.
std::string_view failure_class_name(FailureClass failure);

// The class of a transport failure (response.error set) or of an HTTP status that is not a success.
FailureClass classify_response(const net::HttpResponse& response);

}  // namespace newsalert::poll
