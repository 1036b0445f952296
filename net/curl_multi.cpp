// Owner of a CURLM multi handle; its setters throw when curl refuses an option.
#include "net/curl_multi.hpp"

#include "net/curl_global.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace newsalert::net {

CurlMulti::CurlMulti() : handle_((curl_global(), curl_multi_init())) {
  if (handle_ == nullptr) throw std::runtime_error("curl_multi_init failed");
}

CurlMulti::~CurlMulti() {
  const CURLMcode rc = curl_multi_cleanup(handle_);
  if (rc != CURLM_OK) spdlog::error("http: curl_multi_cleanup: {}", curl_multi_strerror(rc));
}

void CurlMulti::add(CURL* easy) {
  const CURLMcode rc = curl_multi_add_handle(handle_, easy);
  if (rc != CURLM_OK) throw std::runtime_error(std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc));
}

void CurlMulti::remove(CURL* easy) noexcept {
  const CURLMcode rc = curl_multi_remove_handle(handle_, easy);
  if (rc != CURLM_OK) spdlog::error("http: curl_multi_remove_handle: {}", curl_multi_strerror(rc));
}

void CurlMulti::assign(curl_socket_t fd, void* data) {
  const CURLMcode rc = curl_multi_assign(handle_, fd, data);
  if (rc != CURLM_OK) throw std::runtime_error(std::string("curl_multi_assign: ") + curl_multi_strerror(rc));
}

int CurlMulti::socket_action(curl_socket_t fd, int flags) noexcept {
  int running = 0;
  const CURLMcode rc = curl_multi_socket_action(handle_, fd, flags, &running);
  if (rc != CURLM_OK) spdlog::error("http: curl_multi_socket_action: {}", curl_multi_strerror(rc));
  return running;
}

CURLMsg* CurlMulti::info_read() noexcept {
  int queued = 0;
  return curl_multi_info_read(handle_, &queued);
}

}  // namespace newsalert::net
