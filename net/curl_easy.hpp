// Owner of one CURL easy handle; its setter throws when curl refuses an option.
#pragma once

#include "net/curl_option_error.hpp"

#include <curl/curl.h>

#include <string>
#include <type_traits>
#include <utility>

namespace newsalert::net {

class CurlEasy {
 public:
  CurlEasy();   // throws when curl_easy_init fails
  ~CurlEasy();
  CurlEasy(CurlEasy&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  CurlEasy& operator=(CurlEasy&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const noexcept { return handle_; }

  // Throws CurlOptionError naming the option ("cannot set CURLOPT_CAINFO: ...").
  template <typename T>
  void set(CURLoption option, T value) {
    // curl reads integer options as long through varargs: an int or bool would be read wrongly.
    static_assert(!std::is_same_v<T, int> && !std::is_same_v<T, bool> && !std::is_same_v<T, unsigned>,
                  "curl takes integer options as long");
    const CURLcode rc = curl_easy_setopt(handle_, option, value);
    if (rc != CURLE_OK) throw CurlOptionError(option_name(option), rc, curl_easy_strerror(rc));
  }

  // The value of an info field, or `fallback` when curl has none.
  template <typename T>
  T info(CURLINFO what, T fallback) const noexcept {
    T value = fallback;
    return curl_easy_getinfo(handle_, what, &value) == CURLE_OK ? value : fallback;
  }

  // "CURLOPT_" and curl's own name for the option, from its option table.
  static std::string option_name(CURLoption option);

 private:
  CURL* handle_;
};

}  // namespace newsalert::net
