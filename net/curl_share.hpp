// Owner of a CURLSH share handle (caches several easy handles use together).
#pragma once

#include "net/curl_option_error.hpp"

#include <curl/curl.h>

#include <stdexcept>
#include <string>

namespace newsalert::net {

class CurlShare {
 public:
  CurlShare() : handle_(curl_share_init()) {
    if (handle_ == nullptr) throw std::runtime_error("curl_share_init failed");
  }
  // Every easy handle using it must be gone first (curl refuses otherwise and the handle leaks).
  ~CurlShare() { curl_share_cleanup(handle_); }
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;

  CURLSH* get() const noexcept { return handle_; }

  // Shares one kind of data (CURL_LOCK_DATA_DNS, ...); throws when curl refuses.
  void share(curl_lock_data data, const char* name) {
    const CURLSHcode rc = curl_share_setopt(handle_, CURLSHOPT_SHARE, data);
    if (rc != CURLSHE_OK) throw CurlOptionError(std::string("CURLSHOPT_SHARE ") + name, rc, curl_share_strerror(rc));
  }

 private:
  CURLSH* handle_;
};

}  // namespace newsalert::net
