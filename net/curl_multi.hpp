// Owner of a CURLM multi handle; its setters throw when curl refuses an option.
#pragma once

#include "net/curl_option_error.hpp"

#include <curl/curl.h>

#include <string>
#include <type_traits>

namespace newsalert::net {

class CurlMulti {
 public:
  CurlMulti();   // throws when curl_multi_init fails
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  CURLM* get() const noexcept { return handle_; }

  // `name` is the option's spelling for the message: curl has no name table for multi options.
  template <typename T>
  void set(CURLMoption option, T value, const char* name) {
    static_assert(!std::is_same_v<T, int> && !std::is_same_v<T, bool> && !std::is_same_v<T, unsigned>,
                  "curl takes integer options as long");
    const CURLMcode rc = curl_multi_setopt(handle_, option, value);
    if (rc != CURLM_OK) throw CurlOptionError(name, rc, curl_multi_strerror(rc));
  }

  // Throws std::runtime_error with curl's reason.
  void add(CURL* easy);
  // Logs when curl refuses: by then nothing else can be done about the handle.
  void remove(CURL* easy) noexcept;
  // Attaches our per-socket object to a socket curl watches; it comes back as `socketp`.
  void assign(curl_socket_t fd, void* data);
  // Returns the number of transfers still running; logs when curl reports an error.
  int socket_action(curl_socket_t fd, int flags) noexcept;
  CURLMsg* info_read() noexcept;

 private:
  CURLM* handle_;
};

}  // namespace newsalert::net
