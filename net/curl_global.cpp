// libcurl's process-wide initialisation, done once before the first handle is made.
#include "net/curl_global.hpp"

#include <curl/curl.h>

#include <stdexcept>
#include <string>

namespace newsalert::net {

void curl_global() {
  // A function-local static is initialised once even when several threads get here together.
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(result));
}

}  // namespace newsalert::net
