// Mapping transport failures and statuses to failure classes.
#include "poll/failure_class.hpp"

namespace newsalert::poll {

std::string_view failure_class_name(FailureClass failure) {
  switch (failure) {
    case FailureClass::none: return "none";
    case FailureClass::dns: return "dns";
    case FailureClass::connect: return "connect";
    case FailureClass::timeout: return "timeout";
    case FailureClass::tls: return "tls";
    case FailureClass::blocked: return "blocked";
    case FailureClass::network: return "network";
    case FailureClass::too_large: return "too_large";
    case FailureClass::redirect: return "redirect";
    case FailureClass::http_4xx: return "http_4xx";
    case FailureClass::http_5xx: return "http_5xx";
    case FailureClass::not_a_feed: return "not_a_feed";
  }
  return "network";
}

FailureClass classify_response(const net::HttpResponse& response) {
  switch (response.failure()) {
    case net::TransportFailure::none: break;
    case net::TransportFailure::dns: return FailureClass::dns;
    case net::TransportFailure::connect: return FailureClass::connect;
    case net::TransportFailure::timeout: return FailureClass::timeout;
    case net::TransportFailure::tls: return FailureClass::tls;
    case net::TransportFailure::blocked: return FailureClass::blocked;
    case net::TransportFailure::too_large: return FailureClass::too_large;
    case net::TransportFailure::aborted:
    case net::TransportFailure::other: return FailureClass::network;
  }
  if (response.status >= 500) return FailureClass::http_5xx;
  if (response.status >= 400) return FailureClass::http_4xx;
  if (response.status >= 300) return FailureClass::redirect;
  if (response.status >= 200) return FailureClass::none;
  return FailureClass::network;
}

}  // namespace newsalert::poll
